import test from 'ava';
import { TestClient } from './helpers/client.js';
import { eventually } from './helpers/hostile.js';
import { startProxy } from './helpers/proxy.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';

// ioredis retries at most every second; re-registering 31 users then takes a few hundred round trips.
const RECOVERY_MS = 20_000;
const ATTEMPT_EVERY_MS = 10;

/**
 * Logs in as `name` every 10 ms until the network says the name is taken; resolves with the
 * refusals seen on the way. A login that succeeds is the attack winning.
 */
async function grab(client: TestClient, name: string): Promise<string[]> {
  const reasons: string[] = [];
  const deadline = Date.now() + RECOVERY_MS;
  while (Date.now() < deadline && reasons.length < RECOVERY_MS / ATTEMPT_EVERY_MS) {
    const result = await client.connection.login(name);
    if (result.ok) throw new Error(`${name} was given away after ${reasons.length} refusals: ${[...new Set(reasons)].join(' | ')}`);
    reasons.push(result.reason);
    if (result.reason === `username '${name}' is already taken`) return reasons;
    await new Promise((resolve) => setTimeout(resolve, ATTEMPT_EVERY_MS)); // the attacker's pace
  }
  throw new Error(`no answer but "try again" for ${RECOVERY_MS} ms: ${[...new Set(reasons)].join(' | ')}`);
}

test('Redis restarted empty: a login repeated every 10 ms on another node never takes an online user name', async (t) => {
  const redis = await TestRedis.start(t);
  const [a, b] = await Promise.all([startServer(t, { redisUrl: redis.url }), startServer(t, { redisUrl: redis.url })]);
  const crowd = await Promise.all(Array.from({ length: 30 }, (_, i) => TestClient.login(t, a!.port, `user${i}`)));
  const alice = await TestClient.login(t, a!.port, 'alice');
  await alice.join('lobby');
  const bob = await TestClient.login(t, b!.port, 'bob');
  await bob.join('lobby');

  for (let round = 1; round <= 3; round++) {
    await redis.stop(); // SIGKILL: everything Redis knew is gone
    await eventually(async () => (await bob.request('/who')).t === 'error', 'the nodes to notice that Redis is gone');
    await redis.resume(); // same port, empty (no persistence)
    const attacker = await TestClient.connect(t, b!.port);
    const reasons = await grab(attacker, 'alice');
    t.log(`round ${round}: ${reasons.length} refusals (${[...new Set(reasons)].join(' | ')})`);
    t.is(alice.closeInfo, undefined, 'the real alice is still connected');
    attacker.connection.close();
  }
  alice.send('still me');
  await bob.waitFor((e) => e.t === 'message' && e.from === 'alice' && e.text === 'still me', 'alice to be heard');
  t.true(crowd.every((c) => c.closeInfo === undefined));
});

test('a node that does not come back after Redis restarted: logins wait two leases, then its user whose name was taken is told', async (t) => {
  const redis = await TestRedis.start(t);
  const link = await startProxy(t, redis.port);
  const leases = { nodeLeaseMs: 1_000 };
  const a = await startServer(t, { redisUrl: `redis://127.0.0.1:${link.port}`, ...leases });
  const b = await startServer(t, { redisUrl: redis.url, ...leases });
  const alice = await TestClient.login(t, a.port, 'alice');
  const bob = await TestClient.login(t, b.port, 'bob');
  await eventually(async () => (await bob.request('/who')).t === 'reply', 'both nodes to be up');

  link.partition();
  await redis.stop();
  await redis.resume();
  const late = await TestClient.connect(t, b.port);
  const reasons: string[] = [];
  await eventually(async () => {
    const result = await late.connection.login('alice');
    if (!result.ok) reasons.push(result.reason);
    return result.ok;
  }, 'the recovery to give up on the silent node');
  t.true(reasons.includes('the network is recovering from a Redis restart, try again shortly'), reasons.join(' | '));

  link.restore();
  t.like(await alice.waitFor((e) => e.t === 'error' && e.code === 'NAME_TAKEN', 'alice to lose her name', RECOVERY_MS), {
    message: "while the network was unavailable, 'alice' logged in on another server",
  });
  t.like(await alice.closed, { how: 'bye', reason: 'your username was taken on another server' });
  late.send('/w bob it is me now');
  t.like(await bob.waitFor((e) => e.t === 'whisper'), { from: 'alice', text: 'it is me now' });
});
