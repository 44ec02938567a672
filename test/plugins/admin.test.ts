import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/announce reaches every user; only admins may use it, and only they are offered it', async (t) => {
  const server = await startTestServer({ plugins: ['announce', 'help', 'join'] });
  t.teardown(() => server.stop());
  const [root, mod, pupil] = await server.login({ name: 'root', role: 'admin' }, { name: 'mod', role: 'moderator' }, 'pupil');
  await pupil!.run('/join class');
  t.deepEqual(await root!.run('/announce the server restarts at noon'), ['[announce] root: the server restarts at noon']);
  t.deepEqual(pupil!.take().at(-1), '[announce] root: the server restarts at noon');
  t.deepEqual(mod!.take().at(-1), '[announce] root: the server restarts at noon');
  t.deepEqual(await mod!.run('/announce me too'), ['! /announce is for admins only']);
  t.true((await root!.run('/help')).some((line) => line.includes('/announce')));
  t.false((await pupil!.run('/help')).some((line) => line.includes('/announce')));
});

test('/kill ends a connection with its reason; the room is told', async (t) => {
  const server = await startTestServer({ plugins: ['kill', 'join'] });
  t.teardown(() => server.stop());
  const [root, bob, carol] = await server.login({ name: 'root', role: 'admin' }, 'bob', 'carol');
  await bob!.run('/join x');
  await carol!.run('/join x');
  t.deepEqual(await root!.run('/kill bob spamming'), ['bob is disconnected by root: spamming']);
  t.deepEqual(carol!.take().at(-1), '* bob left x (killed)');
  t.deepEqual(await root!.run('/kill root'), ['! you cannot /kill yourself; /exit leaves']);
  t.deepEqual(await carol!.run('/kill root'), ['! /kill is for admins only']);
});

test('/whois tells a guest from a registered user, with role, room, idle time and away message', async (t) => {
  const server = await startTestServer({ plugins: ['whois', 'away', 'join', 'broadcast'] });
  t.teardown(() => server.stop());
  const [alice, bob] = await server.login({ name: 'alice', role: 'moderator' }, 'bob');
  await bob!.run('/join lab');
  await bob!.run('hello');
  t.deepEqual(await alice!.run('/whois bob'), ['bob: guest; in lab; idle 0 s']);
  await bob!.run('/away at lunch');
  t.deepEqual(await alice!.run('/whois bob'), ['bob: guest; in lab; idle 0 s; away: at lunch']);
  t.deepEqual(await bob!.run('/whois alice'), ['alice: registered, moderator; in no room; idle 0 s']);
  t.deepEqual(await bob!.run('/whois nobody'), ["! no user named 'nobody' is online"]);
});

test('/reload swaps the plugins for admins; moderators are refused', async (t) => {
  const server = await startTestServer({ plugins: ['reload', 'me'] });
  t.teardown(() => server.stop());
  const [root, mod] = await server.login({ name: 'root', role: 'admin' }, { name: 'mod', role: 'moderator' });
  t.deepEqual(await root!.run('/reload'), ['plugins reloaded: /me /reload']);
  t.deepEqual(await mod!.run('/reload'), ['! /reload is for admins only']);
});

test('moderators and admins are operators in every room', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'kick'] });
  t.teardown(() => server.stop());
  const [owner, mod, pupil] = await server.login('owner', { name: 'mod', role: 'moderator' }, 'pupil');
  await owner!.run('/join room1');
  await pupil!.run('/join room1');
  await mod!.run('/join room1');
  t.deepEqual(await pupil!.run('/kick owner'), ['! only an operator of room1 can use /kick']);
  await mod!.run('/kick pupil noise');
  t.deepEqual(owner!.take().at(-1), '[kick] pupil was kicked by mod: noise');
});

test('staff go into locked rooms and rooms they were banned from; operators cannot kick, ban or mute them', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'leave', 'lock', 'ban', 'kick', 'mute'] });
  t.teardown(() => server.stop());
  const [op, mod, pupil] = await server.login('op', { name: 'mod', role: 'moderator' }, 'pupil');
  await op!.run('/join den');
  await mod!.run('/join den');
  t.deepEqual(await op!.run('/kick mod'), ['! mod is a moderator: an operator cannot kick them']);
  t.deepEqual(await op!.run('/ban mod'), ['! mod is a moderator: an operator cannot ban them']);
  t.deepEqual(await op!.run('/mute mod'), ['! mod is a moderator: an operator cannot mute them']);
  await mod!.run('/leave');
  await op!.run('/lock');
  t.deepEqual(await pupil!.run('/join den'), ['! den is invite-only; ask one of its operators for an /invite']);
  t.deepEqual(await mod!.run('/join den'), ['* you joined den']);
});

test('a plugin that requires another stops start-up without it, saying how to fix it', async (t) => {
  const error = await t.throwsAsync(startTestServer({ plugins: ['whois', 'join'] }));
  t.regex(error!.message, /^plugin \S*whois\.js requires plugin 'away', which is not loaded: add it to --plugins, or leave whois out$/);
});

test("a plugin's named service reaches the plugin that requires it, and still does after a /reload", async (t) => {
  const server = await startTestServer({ plugins: ['whois', 'away', 'reload'] });
  t.teardown(() => server.stop());
  const [root, bob] = await server.login({ name: 'root', role: 'admin' }, 'bob');
  await root!.run('/reload');
  await bob!.run('/away back soon');
  t.deepEqual(await root!.run('/whois bob'), ['bob: guest; in no room; idle time unknown; away: back soon']);
});
