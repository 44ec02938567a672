import test, { type ExecutionContext } from 'ava';
import { TestClient } from './helpers/client.js';
import { Redis } from 'ioredis';
import { eventually } from './helpers/hostile.js';
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

test('twenty users from three nodes joining one room at once: exactly fifteen get in', async (t) => {
  const { ports } = await network(t);
  const users = await Promise.all(Array.from({ length: 20 }, (_, i) => TestClient.login(t, ports[i % 3]!, `crowd${i}`)));
  for (const user of users) user.send('/join hall');
  const outcomes = await Promise.all(
    users.map((c) => c.waitFor((e) => (e.t === 'joined' && e.user === c.name) || (e.t === 'error' && e.code === 'ROOM_FULL'), 'the join answer')),
  );
  t.is(outcomes.filter((e) => e.t === 'joined').length, 15);
  t.is(outcomes.filter((e) => e.t === 'error').length, 5);
  t.like(await users[0]!.request('/rooms'), { text: 'rooms (1):\n  hall (15)' });
});

type Seen = { t: string; [key: string]: unknown };
/** What a client saw of the room and of whispers, without timestamps. */
const chat = (client: TestClient): Seen[] =>
  client.events
    .filter((e) => e.t === 'message' || e.t === 'joined' || e.t === 'left' || e.t === 'whisper')
    .map((e) => {
      const { ts: _ts, ...rest } = e as Seen & { ts?: number };
      return rest;
    });

test('broadcasts, whispers and join/leave notices cross the nodes, each exactly once and in order', async (t) => {
  const { ports } = await network(t);
  const alice = await TestClient.login(t, ports[0]!, 'alice');
  const bob = await TestClient.login(t, ports[1]!, 'bob');
  const carol = await TestClient.login(t, ports[2]!, 'carol');
  const dave = await TestClient.login(t, ports[0]!, 'dave'); // same node as alice, another room
  await alice.join('lobby');
  await bob.join('lobby');
  await carol.join('lobby');
  await dave.join('attic');
  for (let i = 1; i <= 20; i++) alice.send(`hello ${i}`);
  await bob.waitFor((e) => e.t === 'message' && e.text === 'hello 20', 'the 20th line');
  bob.send('/w carol psst');
  await carol.waitFor((e) => e.t === 'whisper' && e.text === 'psst', 'the whisper');
  carol.send('/w Alice hi alice');
  await alice.waitFor((e) => e.t === 'whisper' && e.text === 'hi alice', 'the whisper');
  await bob.leave();
  alice.send('done');
  await carol.waitFor((e) => e.t === 'message' && e.text === 'done', 'the last line');
  await alice.waitFor((e) => e.t === 'message' && e.text === 'done', 'the last line');

  const hellos = Array.from({ length: 20 }, (_, i) => ({ t: 'message', room: 'lobby', from: 'alice', text: `hello ${i + 1}` }));
  const joined = (user: string) => ({ t: 'joined', room: 'lobby', user });
  const bobLeft = { t: 'left', room: 'lobby', user: 'bob', reason: 'left' };
  const done = { t: 'message', room: 'lobby', from: 'alice', text: 'done' };
  const psst = { t: 'whisper', from: 'bob', to: 'carol', text: 'psst' };
  const hi = { t: 'whisper', from: 'carol', to: 'alice', text: 'hi alice' };
  t.deepEqual(chat(alice), [joined('alice'), joined('bob'), joined('carol'), ...hellos, hi, bobLeft, done]);
  t.deepEqual(chat(carol), [joined('carol'), ...hellos, psst, hi, bobLeft, done]);
  t.deepEqual(chat(bob), [joined('bob'), joined('carol'), ...hellos, psst, bobLeft]);
  await dave.barrier();
  t.deepEqual(chat(dave), [{ t: 'joined', room: 'attic', user: 'dave' }], 'nothing from another room');
});

test('whispers and room lines from one sender reach a member on another node in the order they were sent', async (t) => {
  const { ports } = await network(t, 2);
  const alice = await TestClient.login(t, ports[0]!, 'alice');
  const bob = await TestClient.login(t, ports[1]!, 'bob');
  await alice.join('lobby');
  await bob.join('lobby');
  const expected: Seen[] = [];
  for (let i = 1; i <= 15; i++) {
    if (i % 3 === 0) {
      alice.send(`/w bob secret ${i}`);
      expected.push({ t: 'whisper', from: 'alice', to: 'bob', text: `secret ${i}` });
    } else {
      alice.send(`line ${i}`);
      expected.push({ t: 'message', room: 'lobby', from: 'alice', text: `line ${i}` });
    }
  }
  await bob.waitFor((e) => e.t === 'whisper' && e.text === 'secret 15', 'the last whisper');
  t.deepEqual(chat(bob).filter((e) => e.t === 'message' || e.t === 'whisper'), expected);
});

test('a node listens to a room only while it has members there', async (t) => {
  const { ports, redis } = await network(t);
  const probe = new Redis(redis.url);
  t.teardown(() => probe.disconnect());
  const listeners = async (room: string) => ((await probe.pubsub('NUMSUB', `chat:ch:room:${room}`)) as [string, number])[1];
  const alice = await TestClient.login(t, ports[0]!, 'alice');
  const bob = await TestClient.login(t, ports[1]!, 'bob');
  const ann = await TestClient.login(t, ports[1]!, 'ann');
  await TestClient.login(t, ports[2]!, 'carol'); // online, in no room
  await alice.join('lobby');
  await bob.join('lobby');
  await ann.join('lobby');
  t.is(await listeners('lobby'), 2, 'the nodes of alice and of bob and ann; not carol\'s');
  await bob.leave();
  t.is(await listeners('lobby'), 2, 'ann is still there');
  await ann.join('attic');
  await eventually(async () => (await listeners('lobby')) === 1, 'the node of bob and ann to stop listening to lobby');
  t.is(await listeners('attic'), 1);
  alice.send('anyone?');
  await alice.waitFor((e) => e.t === 'message' && e.text === 'anyone?');
  await ann.barrier();
  t.false(ann.events.some((e) => e.t === 'message'));
});
