import test, { type ExecutionContext } from 'ava';
import { TestClient } from './helpers/client.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';

/** Three nodes of one network, each a real server on its own port, sharing a real redis-server. */
async function network(t: ExecutionContext, nodes = 3) {
  const redis = await TestRedis.start(t);
  const servers = await Promise.all(Array.from({ length: nodes }, () => startServer(t, { redisUrl: redis.url })));
  return { redis, ports: servers.map((s) => s.port), servers };
}

test('a username is unique across the nodes, ignoring case', async (t) => {
  const { ports } = await network(t);
  await TestClient.login(t, ports[0]!, 'alice');
  const other = await TestClient.connect(t, ports[1]!);
  t.deepEqual(await other.connection.login('ALICE'), { ok: false, reason: "username 'alice' is already taken", attemptsLeft: 4 });
  t.deepEqual(await other.connection.login('alice'), { ok: false, reason: "username 'alice' is already taken", attemptsLeft: 3 });
  t.deepEqual(await other.connection.login('bob'), { ok: true, name: 'bob' });
  const third = await TestClient.connect(t, ports[2]!);
  t.deepEqual(await third.connection.login('Bob'), { ok: false, reason: "username 'bob' is already taken", attemptsLeft: 4 });
});

test('/who and /rooms show the whole network', async (t) => {
  const { ports } = await network(t);
  const alice = await TestClient.login(t, ports[0]!, 'alice');
  const bob = await TestClient.login(t, ports[1]!, 'bob');
  const carol = await TestClient.login(t, ports[2]!, 'Carol');
  await alice.join('lobby');
  await bob.join('Lobby');
  await carol.join('attic');
  t.like(await carol.request('/rooms'), { t: 'reply', text: 'rooms (2):\n  attic (1)\n  lobby (2)' });
  t.like(await carol.request('/who lobby'), { t: 'reply', text: 'in lobby (2): alice, bob\nonline (3): alice, bob, Carol' });
  t.like(await alice.request('/who'), { t: 'reply', text: 'in lobby (2): alice, bob\nonline (3): alice, bob, Carol' });
});

test('a room holds 15 across the nodes; the 16th is refused', async (t) => {
  const { ports } = await network(t);
  const members = await Promise.all(Array.from({ length: 15 }, (_, i) => TestClient.login(t, ports[i % 3]!, `user${i}`)));
  for (const member of members) await member.join('hall');
  const late = await TestClient.login(t, ports[1]!, 'late');
  t.like(await late.refused('/join HALL'), { code: 'ROOM_FULL', message: "room 'hall' is full (15/15); try another room" });
  t.like(await late.request('/rooms'), { text: 'rooms (1):\n  hall (15)' });
});

test('two users racing for the last place from two nodes: exactly one gets it', async (t) => {
  const { ports } = await network(t);
  for (let round = 0; round < 5; round++) {
    const room = `race${round}`;
    const members = await Promise.all(Array.from({ length: 14 }, (_, i) => TestClient.login(t, ports[i % 3]!, `r${round}u${i}`)));
    for (const member of members) await member.join(room);
    const [a, b] = await Promise.all([TestClient.login(t, ports[1]!, `r${round}a`), TestClient.login(t, ports[2]!, `r${round}b`)]);
    const racers = [a!, b!];
    for (const racer of racers) racer.send(`/join ${room}`);
    const outcomes = await Promise.all(
      racers.map((c) => c.waitFor((e) => (e.t === 'joined' && e.user === c.name) || (e.t === 'error' && e.code === 'ROOM_FULL'), 'the join answer')),
    );
    t.deepEqual(outcomes.map((e) => e.t).sort(), ['error', 'joined'], `round ${round}`);
    t.regex((await a!.request(`/who ${room}`) as { text: string }).text, new RegExp(`^in ${room} \\(15\\): `));
    await Promise.all([...members, ...racers].map((c) => c.connection.close()));
  }
});
