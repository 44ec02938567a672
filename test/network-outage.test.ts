import test from 'ava';
import { Redis } from 'ioredis';
import { TestClient } from './helpers/client.js';
import { eventually } from './helpers/hostile.js';
import { TestRedis } from './helpers/redis.js';
import { startProxy } from './helpers/proxy.js';
import { startServer } from './helpers/server.js';

const UNAVAILABLE = { t: 'error', code: 'NETWORK_UNAVAILABLE', message: 'the network is unavailable, try again shortly' };
// ioredis retries at most every second; re-registering then takes a few round trips.
const RECOVERY_MS = 20_000;

/** Resolves with the /who text once the network answers it the way `expected` says. */
async function whoBecomes(client: TestClient, expected: string): Promise<void> {
  let last = '';
  await eventually(
    async () => {
      const answer = await client.request('/who');
      last = answer.t === 'reply' ? answer.text : answer.message;
      return last === expected;
    },
    `/who to answer ${JSON.stringify(expected)} (last: ${JSON.stringify(last)})`,
    RECOVERY_MS,
  );
}

test('Redis stopped under traffic: clear errors, connections kept, and service resumes by itself when it returns', async (t) => {
  const redis = await TestRedis.start(t);
  const [one, two] = await Promise.all([startServer(t, { redisUrl: redis.url }), startServer(t, { redisUrl: redis.url })]);
  const alice = await TestClient.login(t, one!.port, 'alice');
  const bob = await TestClient.login(t, two!.port, 'bob');
  const carol = await TestClient.login(t, two!.port, 'carol');
  for (const c of [alice, bob, carol]) await c.join('lobby');

  await redis.stop(); // SIGKILL: Redis and everything in it is gone
  await eventually(async () => (await alice.request('/who')).t === 'error', 'the nodes to notice that Redis is gone');
  for (let i = 0; i < 10; i++) t.like(await alice.refused(`hello ${i}`), UNAVAILABLE);
  t.like(await bob.refused('/w alice are you there'), UNAVAILABLE);
  t.like(await carol.refused('/join attic'), UNAVAILABLE);
  t.like(await carol.refused('/rooms'), UNAVAILABLE);
  const dave = await TestClient.connect(t, one!.port);
  // Its account is looked up first: that is what cannot be done.
  t.deepEqual(await dave.connection.login('dave'), { ok: false, reason: 'accounts cannot be checked right now (the network is unavailable); try again shortly', attemptsLeft: 5 });
  t.like(await carol.request('/help'), { t: 'reply' }, 'commands that need no network still work');
  t.is(alice.closeInfo, undefined);
  t.is(bob.closeInfo, undefined);
  carol.connection.close(); // leaves while the network cannot be told
  await carol.closed;

  await redis.resume(); // empty: the nodes must register their users and rooms again
  await whoBecomes(alice, 'in lobby (2): alice, bob\nonline (2): alice, bob');
  await whoBecomes(bob, 'in lobby (2): alice, bob\nonline (2): alice, bob');
  alice.send('back again');
  await bob.waitFor((e) => e.t === 'message' && e.text === 'back again', 'the line after the outage');
  bob.send('/w alice welcome back');
  await alice.waitFor((e) => e.t === 'whisper' && e.text === 'welcome back');
  t.deepEqual(await dave.connection.login('dave'), { ok: true, name: 'dave' });
  t.like(await dave.request('/rooms'), { text: 'rooms (1):\n  lobby (2)' });
  const carolAgain = await TestClient.login(t, two!.port, 'carol');
  await carolAgain.join('lobby');
  await alice.waitFor((e) => e.t === 'joined' && e.user === 'carol', 'carol to be back');
  t.like(await carolAgain.request('/who'), { text: 'in lobby (3): alice, bob, carol\nonline (4): alice, bob, carol, dave' });
});

test('a node cut off from Redis is reaped; when it returns, a name taken meanwhile stays with its new holder', async (t) => {
  const redis = await TestRedis.start(t);
  const link = await startProxy(t, redis.port);
  const one = await startServer(t, { redisUrl: redis.url });
  const two = await startServer(t, { redisUrl: `redis://127.0.0.1:${link.port}` });
  const alice = await TestClient.login(t, one.port, 'alice');
  const bob = await TestClient.login(t, two.port, 'bob');
  const carol = await TestClient.login(t, two.port, 'carol');
  for (const c of [alice, bob, carol]) await c.join('lobby');

  link.partition();
  // The other node sees the lease run out and takes bob and carol out of the lobby.
  await alice.waitFor((e) => e.t === 'left' && e.user === 'carol', 'carol to be reaped');
  t.like(await alice.request('/who'), { text: 'in lobby (1): alice\nonline (1): alice' });
  const bob2 = await TestClient.login(t, one.port, 'BOB');
  await bob2.join('lobby');
  t.like(await bob.refused('hello?'), UNAVAILABLE);

  link.restore();
  // bob's name now belongs to BOB: bob is told and disconnected; carol comes back into the lobby.
  t.like(await bob.waitFor((e) => e.t === 'error' && e.code === 'NAME_TAKEN', 'bob to lose his name', RECOVERY_MS), {
    message: "while the network was unavailable, 'bob' logged in on another server",
  });
  t.like(await bob.closed, { how: 'bye', reason: 'your username was taken on another server' });
  await whoBecomes(carol, 'in lobby (3): alice, BOB, carol\nonline (3): alice, BOB, carol');
  alice.send('all here?');
  await carol.waitFor((e) => e.t === 'message' && e.text === 'all here?');
});

test('a node stops cleanly while Redis is away, and the others carry on once it is back', async (t) => {
  const redis = await TestRedis.start(t);
  const one = await startServer(t, { redisUrl: redis.url });
  const two = await startServer(t, { redisUrl: redis.url, shutdownGraceMs: 100 });
  const alice = await TestClient.login(t, one.port, 'alice');
  const bob = await TestClient.login(t, two.port, 'bob');
  await alice.join('lobby');
  await bob.join('lobby');
  await redis.stop();
  await eventually(async () => (await bob.request('/who')).t === 'error', 'the nodes to notice that Redis is gone');
  await two.stop();
  t.like(await bob.closed, { how: 'bye', shutdown: true });
  await redis.resume();
  await whoBecomes(alice, 'in lobby (1): alice\nonline (1): alice');
});

test('a login whose claim timed out in a stalled Redis does not leave the name taken', async (t) => {
  const redis = await TestRedis.start(t);
  const probe = new Redis(redis.url);
  t.teardown(() => probe.disconnect());
  const [one, two] = await Promise.all([startServer(t, { redisUrl: redis.url }), startServer(t, { redisUrl: redis.url })]);
  await TestClient.login(t, one!.port, 'warm'); // Redis has the claim script from now on
  const early = await TestClient.connect(t, one!.port);
  // Redis stops running scripts and writes for longer than a node waits for a command (3 s), then
  // runs what it got; reads go on, so the login gets past the account lookup to its claim.
  await probe.client('PAUSE', 3_500, 'WRITE');
  t.deepEqual(await early.connection.login('alice'), { ok: false, reason: UNAVAILABLE.message, attemptsLeft: 5 });
  // A script, so that it waits for the pause as the stray claim did, and runs after it.
  const held = () => probe.eval("return redis.call('HEXISTS', KEYS[1], ARGV[1])", 1, 'chat:users', 'alice');
  await eventually(async () => (await held()) === 0, 'the stray claim to be undone', RECOVERY_MS);
  await TestClient.login(t, two!.port, 'Alice');
});

test('a node cut off from Redis comes back to a room that filled up meanwhile: its user is told and is in no room', async (t) => {
  const redis = await TestRedis.start(t);
  const link = await startProxy(t, redis.port);
  const one = await startServer(t, { redisUrl: redis.url, roomCapacity: 2 });
  const two = await startServer(t, { redisUrl: `redis://127.0.0.1:${link.port}`, roomCapacity: 2 });
  const alice = await TestClient.login(t, one.port, 'alice');
  const carol = await TestClient.login(t, two.port, 'carol');
  await alice.join('lobby');
  await carol.join('lobby');

  link.partition();
  await alice.waitFor((e) => e.t === 'left' && e.user === 'carol', 'carol to be reaped');
  const dave = await TestClient.login(t, one.port, 'dave');
  await dave.join('lobby');
  link.restore();
  t.like(await carol.waitFor((e) => e.t === 'left' && e.user === 'carol', 'carol to be told', RECOVERY_MS), { room: 'lobby', reason: 'connection lost' });
  t.like(await carol.waitFor((e) => e.t === 'notice'), { text: 'lobby filled up while the network was unavailable; /join it again later' });
  await whoBecomes(carol, 'online (3): alice, carol, dave');
  t.like(await carol.refused('hello?'), { code: 'NOT_IN_ROOM' });
  t.like(await alice.request('/who'), { text: 'in lobby (2): alice, dave\nonline (3): alice, carol, dave' });
});
