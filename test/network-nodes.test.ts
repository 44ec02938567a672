import test from 'ava';
import { ChildServer } from './helpers/child-server.js';
import { TestClient } from './helpers/client.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';

// SPEC §8: a dead node's users disappear from everyone's view within 10 s.
const DEAD_NODE_MS = 10_000;

async function scene(t: Parameters<typeof TestRedis.start>[0]) {
  const redis = await TestRedis.start(t);
  const child = await ChildServer.start(['--redis', redis.url]);
  t.teardown(() => child.kill());
  const [b, c] = await Promise.all([startServer(t, { redisUrl: redis.url }), startServer(t, { redisUrl: redis.url })]);
  const alice = await TestClient.login(t, child.port, 'alice');
  const amy = await TestClient.login(t, child.port, 'amy');
  const bob = await TestClient.login(t, b!.port, 'bob');
  const carol = await TestClient.login(t, c!.port, 'carol');
  await alice.join('lobby');
  await amy.join('attic');
  await bob.join('lobby');
  await carol.join('attic');
  t.like(await carol.request('/who'), { text: 'in attic (2): amy, carol\nonline (4): alice, amy, bob, carol' });
  return { child, ports: [b!.port, c!.port], alice, bob, carol };
}

test('a node killed with SIGKILL: within 10 s its users are gone from /who, their names are free and their rooms were told', async (t) => {
  const { child, ports, bob, carol } = await scene(t);
  const killedAt = Date.now();
  child.signal('SIGKILL');
  const told = await Promise.all([
    bob.waitForNew((e) => e.t === 'left' && e.user === 'alice', 'alice to leave lobby', DEAD_NODE_MS),
    carol.waitForNew((e) => e.t === 'left' && e.user === 'amy', 'amy to leave attic', DEAD_NODE_MS),
  ]);
  t.log(`rooms told ${Date.now() - killedAt} ms after the kill`);
  t.deepEqual(told, [
    { t: 'left', room: 'lobby', user: 'alice', reason: 'connection lost' },
    { t: 'left', room: 'attic', user: 'amy', reason: 'connection lost' },
  ]);
  t.like(await bob.request('/who'), { text: 'in lobby (1): bob\nonline (2): bob, carol' });
  t.like(await carol.request('/rooms'), { text: 'rooms (2):\n  attic (1)\n  lobby (1)' });
  const again = await TestClient.login(t, ports[1]!, 'Alice');
  await again.join('lobby');
  t.like(await bob.waitFor((e) => e.t === 'joined' && e.user === 'Alice'), { room: 'lobby' });
});

test('a node that shuts down cleanly releases its users at once', async (t) => {
  const { child, ports, bob } = await scene(t);
  child.signal('SIGTERM');
  t.deepEqual(await child.exit(), { code: 0, signal: null });
  // Already gone when the process has exited: no lease has to run out.
  t.like(await bob.request('/who'), { text: 'in lobby (1): bob\nonline (2): bob, carol' });
  t.like(await bob.waitFor((e) => e.t === 'left' && e.user === 'alice'), { room: 'lobby', reason: 'shutdown' });
  await TestClient.login(t, ports[0]!, 'alice');
});
