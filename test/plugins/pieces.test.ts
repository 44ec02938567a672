import test from 'ava';
import { pluginDir } from '../helpers/plugin-dir.js';
import { startTestServer } from '../../core/testing/kit.js';

const API = "import { Command, Listener, Hook, Guard, Service, Tokens, UserError, arg, guards } from 'chatserver/plugin-api';";
const EVENTS = ['login', 'join', 'roomCreated', 'message', 'whisper', 'leave', 'roomEmptied', 'logout'];

/** A plain-JavaScript plugin: a service holding what its listeners heard, and /heard to read it. */
const SPY = `${API}
export const Heard = Service()(class { lines = []; });
${EVENTS.map((e) => `export const On_${e} = Listener({ event: '${e}', inject: [Heard] })(class { constructor(h) { this.h = h; } run(e) { this.h.lines.push('${e} ' + JSON.stringify(e)); } });`).join('\n')}
export const Broken = Listener({ event: 'message' })(class { run() { throw new Error('listener bug'); } });
export const HeardCommand = Command({ name: 'heard', summary: 'what was heard', inject: [Heard] })(
  class { constructor(h) { this.h = h; } run(ctx) { ctx.reply(this.h.lines.splice(0).join('\\n')); } });
export const helper = 'not a piece';`;

test('listeners hear what happened, in order, and one that throws harms no one; a service is shared by a plugin\'s pieces', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'leave', 'broadcast', 'whisper', 'spy'], pluginDirs: [pluginDir(t, { spy: SPY })] });
  t.teardown(() => server.stop());
  const [alice, bob] = await server.login('alice', 'bob');
  await alice.run('/join lobby');
  await alice.run('hello');
  await alice.run('/w bob psst');
  await alice.run('/leave');
  await bob.logout('quit');
  t.deepEqual(await alice.run('/heard'), [
    'login {"user":"alice"}',
    'login {"user":"bob"}',
    'roomCreated {"room":"lobby","by":"alice"}',
    'join {"user":"alice","room":"lobby"}',
    'message {"user":"alice","room":"lobby","text":"hello","emote":false}',
    'whisper {"from":"alice","to":"bob","text":"psst","auto":false}',
    'leave {"user":"alice","room":"lobby","reason":"left"}',
    'roomEmptied {"room":"lobby"}',
    'logout {"user":"bob","reason":"quit"}',
  ]);
  t.true(alice.seen.includes('[lobby] alice: hello'), 'the broken listener did not stop the line');
});

test('hooks run in order, may rewrite a line or refuse it with their own words', async (t) => {
  const dir = pluginDir(t, {
    filters: `${API}
export const Shout = Hook({ event: 'message', order: 2 })(class { run(e) { return { text: e.text.toUpperCase() }; } });
export const Censor = Hook({ event: 'message', order: 1 })(class { run(e) { return { text: e.text.replaceAll('darn', '****') }; } });
export const NoSpam = Hook({ event: 'message' })(class { run(e) { if (e.text.includes('buy now')) throw new UserError('SPAM', 'that looks like spam'); } });
export const Broken = Hook({ event: 'whisper' })(class { run() { throw new Error('hook bug'); } });`,
  });
  const server = await startTestServer({ plugins: ['join', 'broadcast', 'whisper', 'filters'], pluginDirs: [dir] });
  t.teardown(() => server.stop());
  const [alice, bob] = await server.login('alice', 'bob');
  await alice.run('/join lobby');
  await bob.run('/join lobby');
  bob.take();
  t.deepEqual(await alice.run('oh darn'), ['[lobby] alice: OH ****'], 'censored first, then shouted');
  t.deepEqual(await alice.run('buy now!'), ['! that looks like spam']);
  t.deepEqual(await alice.run('/w bob still works'), ['[whisper to bob] still works'], 'a broken hook is skipped');
  t.deepEqual(bob.take(), ['[lobby] alice: OH ****', '[whisper from alice] still works']);
});

test('guards: a plugin\'s own guard refuses in its words; cooldown and inRoom come with the core', async (t) => {
  const dir = pluginDir(t, {
    vip: `${API}
export const Vip = Guard({ name: 'vip', code: 'NOT_VIP' })(class { check(ctx) { return ctx.user.startsWith('vip') ? undefined : 'this lounge is for VIPs'; } });
export const Lounge = Command({ name: 'lounge', summary: 'VIPs only', guards: ['vip', guards.cooldown(60)] })(class { run(ctx) { ctx.reply('welcome'); } });
export const Here = Command({ name: 'here', summary: 'where am I', guards: [guards.inRoom] })(class { run(ctx) { ctx.reply(ctx.room); } });`,
  });
  const server = await startTestServer({ plugins: ['join', 'vip'], pluginDirs: [dir] });
  t.teardown(() => server.stop());
  const [alice, vipbob] = await server.login('alice', 'vipbob');
  t.deepEqual(await alice.run('/lounge'), ['! this lounge is for VIPs']);
  t.deepEqual(await vipbob.run('/lounge'), ['welcome']);
  t.deepEqual(await vipbob.run('/lounge'), ['! /lounge can be used again in 60 s']);
  t.deepEqual(await alice.run('/here'), ['! you are not in a room; /join a room first']);
  await alice.run('/join Attic');
  t.deepEqual(await alice.run('/here'), ['Attic']);
});
