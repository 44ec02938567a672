import test from 'ava';
import { TestClient } from './helpers/client.js';
import { eventually } from './helpers/hostile.js';
import { pluginDir } from './helpers/plugin-dir.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';

const SPY = `import { Command, Listener, Service } from 'chatserver/plugin-api';
export const Heard = Service()(class { lines = []; });
export const Everywhere = Listener({ event: 'join', network: true, inject: [Heard] })(class { constructor(h) { this.h = h; } run(e) { this.h.lines.push('network ' + e.user + ' ' + e.room); } });
export const HereOnly = Listener({ event: 'join', inject: [Heard] })(class { constructor(h) { this.h = h; } run(e) { this.h.lines.push('here ' + e.user + ' ' + e.room); } });
export const HeardCommand = Command({ name: 'heard', summary: 'what was heard', inject: [Heard] })(class { constructor(h) { this.h = h; } run(ctx) { ctx.reply(this.h.lines.join(', ') || 'nothing'); } });`;

/** Two nodes of one network, with the spy plugin and the bundled ones, on a real redis-server. */
async function twoNodes(t: Parameters<typeof TestRedis.start>[0]) {
  const redis = await TestRedis.start(t);
  const dir = pluginDir(t, { spy: SPY });
  return Promise.all([0, 1].map(async () => (await startServer(t, { redisUrl: redis.url, pluginDirs: [dir] })).port));
}

test('a listener that asks for the network hears a join on another node; one that does not, only its own', async (t) => {
  const [a, b] = await twoNodes(t);
  const alice = await TestClient.login(t, a!, 'alice');
  const bob = await TestClient.login(t, b!, 'bob');
  await alice.join('lobby');
  await bob.join('attic');
  // In the order heard, which across nodes is not fixed: compared sorted.
  const heard = async (client: TestClient) => ((await client.request('/heard')) as { text: string }).text.split(', ').sort().join(', ');
  const expected = { alice: 'here alice lobby, network alice lobby, network bob attic', bob: 'here bob attic, network alice lobby, network bob attic' };
  // The other node's join arrives through Redis, after the joiner's own answer: wait for it.
  await eventually(async () => (await heard(bob)) === expected.bob && (await heard(alice)) === expected.alice, 'both nodes to hear both joins');
  t.is(await heard(bob), expected.bob);
  t.is(await heard(alice), expected.alice);
});

test('/topic set on one node is the topic on the other, and told to whoever joins there', async (t) => {
  const [a, b] = await twoNodes(t);
  const alice = await TestClient.login(t, a!, 'alice');
  const bob = await TestClient.login(t, b!, 'bob');
  await alice.join('lobby');
  alice.send('/topic ship it');
  await alice.waitFor((e) => e.t === 'notice' && e.text === 'alice set the topic of lobby: ship it');
  await bob.join('lobby');
  t.like(await bob.waitFor((e) => e.t === 'notice' && e.text.startsWith('topic of')), { plugin: 'topic', text: 'topic of lobby: ship it (set by alice)' });
  t.like(await bob.request('/topic'), { t: 'reply', text: 'topic of lobby: ship it (set by alice)' });
});

test('a ban set on one node keeps the user out of the room on the other', async (t) => {
  const [a, b] = await twoNodes(t);
  const teacher = await TestClient.login(t, a!, 'teacher');
  const bob = await TestClient.login(t, b!, 'bob');
  await teacher.join('class');
  teacher.send('/ban bob 1h cheating');
  await bob.waitFor((e) => e.t === 'notice' && e.plugin === 'ban');
  t.like(await bob.refused('/join class'), { code: 'BANNED', message: 'you are banned from class for another 60 min: cheating' });
});

test('a member connected to another node is kicked out by that node, and everyone is told why', async (t) => {
  const [a, b] = await twoNodes(t);
  const teacher = await TestClient.login(t, a!, 'teacher');
  const bob = await TestClient.login(t, b!, 'bob');
  const carol = await TestClient.login(t, b!, 'carol');
  for (const c of [teacher, bob, carol]) await c.join('class');
  teacher.send('/kick bob noise');
  t.like(await bob.waitFor((e) => e.t === 'left' && e.user === 'bob'), { room: 'class', reason: 'kicked' });
  t.like(await carol.waitFor((e) => e.t === 'left' && e.user === 'bob'), { reason: 'kicked' });
  t.like(await teacher.waitFor((e) => e.t === 'left' && e.user === 'bob'), { reason: 'kicked' });
  await bob.waitFor((e) => e.t === 'notice' && e.text === 'bob was kicked by teacher: noise');
  t.like(await bob.request('/who'), { text: 'online (3): bob, carol, teacher' });
});

test('a ban from one node takes the member on the other out of the room at once', async (t) => {
  const [a, b] = await twoNodes(t);
  const teacher = await TestClient.login(t, a!, 'teacher');
  const bob = await TestClient.login(t, b!, 'bob');
  await teacher.join('class');
  await bob.join('class');
  teacher.send('/ban bob 1h');
  t.like(await bob.waitFor((e) => e.t === 'left' && e.user === 'bob'), { reason: 'banned' });
  t.like(await bob.refused('/join class'), { code: 'BANNED' });
});

test('/ignore holds across nodes: lines and whispers from a user on another node do not reach you', async (t) => {
  const [a, b] = await twoNodes(t);
  const alice = await TestClient.login(t, a!, 'alice');
  const troll = await TestClient.login(t, b!, 'troll');
  const carol = await TestClient.login(t, b!, 'carol');
  for (const c of [alice, troll, carol]) await c.join('lobby');
  t.like(await alice.request('/ignore troll'), { t: 'reply' });
  troll.send('/w alice psst');
  await troll.waitFor((e) => e.t === 'whisper');
  troll.send('hello lobby');
  carol.send('from carol');
  await alice.waitFor((e) => e.t === 'message' && e.text === 'from carol');
  await carol.waitFor((e) => e.t === 'message' && e.text === 'hello lobby');
  t.deepEqual(alice.of('whisper'), []);
  t.false(alice.of('message').some((m) => m.from === 'troll'));
});

test("a mute set on one node refuses the member's lines on the other", async (t) => {
  const [a, b] = await twoNodes(t);
  const teacher = await TestClient.login(t, a!, 'teacher');
  const pupil = await TestClient.login(t, b!, 'pupil');
  await teacher.join('class');
  await pupil.join('class');
  teacher.send('/mute pupil 10m');
  await pupil.waitFor((e) => e.t === 'notice' && e.plugin === 'mute');
  const refused = await pupil.refused('hello?');
  t.like(refused, { code: 'MUTED' });
  t.regex(refused.message, /^you are muted in class for another (10|9) min$/);
});

test('/nick on one node: the room on the other sees it, and whispers find the new name there', async (t) => {
  const [a, b] = await twoNodes(t);
  const alice = await TestClient.login(t, a!, 'alice');
  const bob = await TestClient.login(t, b!, 'bob');
  await alice.join('lab');
  await bob.join('lab');
  alice.send('/nick alicia');
  await alice.waitFor((e) => e.t === 'renamed' && e.name === 'alicia');
  t.like(await bob.waitFor((e) => e.t === 'left' && e.user === 'alice'), { reason: 'renamed to alicia' });
  await bob.waitFor((e) => e.t === 'joined' && e.user === 'alicia');
  bob.send('/w alicia hi there');
  t.like(await alice.waitFor((e) => e.t === 'whisper' && e.text === 'hi there'), { from: 'bob', to: 'alicia' });
  t.like(await bob.refused('/w alice hi'), { code: 'NO_SUCH_USER' });
  const fresh = await TestClient.login(t, b!, 'alice');
  t.like(await fresh.request('/whois alicia'), { t: 'reply', text: 'alicia: guest; in lab; idle time unknown' });
});
