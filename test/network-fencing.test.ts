import test from 'ava';
import { Redis } from 'ioredis';
import type { ServerMessage } from '../core/protocol/messages.js';
import { ChildServer } from './helpers/child-server.js';
import { TestClient } from './helpers/client.js';
import { eventually } from './helpers/hostile.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';

// Short leases keep the freeze short: the other node reaps a silent node after about 1.2 s.
const LEASE_SEC = 1;
const RECOVERY_MS = 20_000;
const UNAVAILABLE = { t: 'error', code: 'NETWORK_UNAVAILABLE', message: 'the network is unavailable, try again shortly' };

const said = (e: ServerMessage) => (e.t === 'message' || e.t === 'whisper') && e.text.startsWith('stale');

/** Whispers until the node takes it (it refuses while it has not re-registered), then waits for the echo. */
async function whisperOnceAccepted(from: TestClient, to: string, text: string): Promise<void> {
  await eventually(async () => {
    const id = from.send(`/w ${to} ${text}`);
    const answer = await from.waitForNew((e) => (e.t === 'whisper' && e.text === text) || (e.t === 'error' && e.re === id), `the answer to /w ${to}`);
    return answer.t === 'whisper';
  }, `${from.name}'s node to speak again`, RECOVERY_MS);
}

test('a frozen node whose lease lapsed speaks for no one: the user whose name was taken meanwhile is disconnected, unheard', async (t) => {
  const redis = await TestRedis.start(t);
  const one = await ChildServer.start(['--redis', redis.url, '--node-lease', String(LEASE_SEC)]);
  t.teardown(() => one.kill());
  const two = await startServer(t, { redisUrl: redis.url, nodeLeaseMs: LEASE_SEC * 1000 });
  const mem3 = await TestClient.login(t, one.port, 'mem3');
  const amy = await TestClient.login(t, one.port, 'amy');
  const bob = await TestClient.login(t, two.port, 'bob');
  for (const c of [mem3, amy, bob]) await c.join('lobby');

  one.signal('SIGSTOP');
  await bob.waitFor((e) => e.t === 'left' && e.user === 'mem3', 'the frozen node to be reaped');
  const newMem3 = await TestClient.login(t, two.port, 'MEM3');
  // Read by the frozen node only when it thaws, with its lease long gone.
  mem3.send('/w bob stale whisper');
  mem3.send('stale room line');
  mem3.send('/w amy stale local whisper');
  one.signal('SIGCONT');

  t.like(await mem3.waitFor((e) => e.t === 'error' && e.code === 'NAME_TAKEN', 'the old mem3 to be told', RECOVERY_MS), {
    message: "while the network was unavailable, 'mem3' logged in on another server",
  });
  t.like(await mem3.closed, { how: 'bye', reason: 'your username was taken on another server' });
  // The node publishes in order: once amy's line has reached bob, anything said before it has too.
  await whisperOnceAccepted(amy, 'bob', 'after the thaw');
  await bob.waitFor((e) => e.t === 'whisper' && e.text === 'after the thaw');
  t.deepEqual(bob.events.filter(said), []);
  t.deepEqual(amy.events.filter(said), []);
  t.deepEqual(newMem3.events.filter(said), []);
  t.like(await bob.request('/who'), { text: 'in lobby (2): amy, bob\nonline (3): amy, bob, MEM3' });
});

test('a node whose lease vanished from Redis is refused by Redis itself, before its own clock says the lease ran out', async (t) => {
  const redis = await TestRedis.start(t);
  const probe = new Redis(redis.url);
  t.teardown(() => probe.disconnect());
  // A long lease here (renewed every 12 s), a short one on the node that reaps it.
  const one = await startServer(t, { redisUrl: redis.url, nodeLeaseMs: 60_000 });
  const two = await startServer(t, { redisUrl: redis.url, nodeLeaseMs: LEASE_SEC * 1000 });
  const alice = await TestClient.login(t, one.port, 'alice');
  const bob = await TestClient.login(t, two.port, 'bob');
  for (const c of [alice, bob]) await c.join('lobby');
  const node = await probe.hget('chat:owners', 'alice');
  // Just after a renewal, so the node renews again only long after this test is over.
  await eventually(async () => (await probe.pttl(`chat:lease:${node}`)) > 59_000, 'the node to renew its lease');
  await probe.del(`chat:lease:${node}`); // as when Redis fails over to a replica that lacked it
  await bob.waitFor((e) => e.t === 'left' && e.user === 'alice', 'the node to be reaped');
  await TestClient.login(t, two.port, 'Alice');

  t.like(await alice.refused('stale room line'), UNAVAILABLE);
  t.like(await alice.refused('/w bob stale whisper'), UNAVAILABLE);
  await bob.barrier();
  t.deepEqual(bob.events.filter(said), []);
});
