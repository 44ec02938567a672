import test from 'ava';
import { TestClient } from './helpers/client.js';
import { startServer } from './helpers/server.js';
import { byName } from '../core/protocol/rules.js';

const logins = (t: Parameters<typeof TestClient.login>[0], port: number, names: string[]) =>
  Promise.all(names.map((name) => TestClient.login(t, port, name)));

test('a 32-character room name is accepted and a 33-character one refused with the usage', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  await alice.join('r'.repeat(32));
  t.is(alice.connection.room, 'r'.repeat(32));
  const refused = await alice.refused(`/join ${'s'.repeat(33)}`);
  t.is(refused.code, 'BAD_ARGUMENTS');
  t.is(refused.message, `room name '${'s'.repeat(33)}' is too long (33 characters; the limit is 32)\nusage: /join <room>`);
  t.is(alice.connection.room, 'r'.repeat(32));
});

test('a room takes 15 members and refuses the 16th until someone leaves', async (t) => {
  const { port } = await startServer(t);
  const clients = await logins(t, port, Array.from({ length: 16 }, (_, i) => `user${i}`));
  const [first, ...others] = clients;
  const sixteenth = others.pop()!;
  await first!.join('full');
  for (const client of others) await client.join('full');
  const refused = await sixteenth.refused('/join full');
  t.is(refused.code, 'ROOM_FULL');
  t.is(refused.message, "room 'full' is full (15/15); try another room");
  await first!.barrier();
  t.false(first!.events.some((e) => e.t === 'joined' && e.user === sixteenth.name));
  const names = (list: TestClient[]) => list.map((c) => c.name).sort(byName).join(', ');
  t.like(await first!.request('/who full'), { t: 'reply', text: `in full (15): ${names([first!, ...others])}\nonline (16): ${names(clients)}` });

  first!.send('/leave');
  await others[0]!.waitFor((e) => e.t === 'left' && e.user === first!.name);
  await sixteenth.join('full');
  t.is(sixteenth.connection.room, 'full');
});

test('switching rooms tells the members of both rooms', async (t) => {
  const { port } = await startServer(t);
  const [alice, amy, bob] = await logins(t, port, ['alice', 'amy', 'bob']);
  await alice!.join('first');
  await amy!.join('first');
  await bob!.join('second');
  await alice!.join('second');
  t.like(await amy!.waitFor((e) => e.t === 'left' && e.user === 'alice'), { room: 'first', reason: 'switched' });
  t.like(await bob!.waitFor((e) => e.t === 'joined' && e.user === 'alice'), { room: 'second' });
  t.like(await alice!.waitFor((e) => e.t === 'left'), { room: 'first', user: 'alice', reason: 'switched' });
  t.is(alice!.connection.room, 'second');
  alice!.send('to the second room');
  t.like(await bob!.waitFor((e) => e.t === 'message'), { room: 'second', from: 'alice', text: 'to the second room' });
  await amy!.barrier();
  t.deepEqual(amy!.of('message'), []);
});

test('room names match ignoring case and keep the spelling of whoever created the room', async (t) => {
  const { port } = await startServer(t);
  const [alice, bob] = await logins(t, port, ['alice', 'bob']);
  await alice!.join('Lobby');
  bob!.send('/join LOBBY');
  t.like(await bob!.waitFor((e) => e.t === 'joined' && e.user === 'bob'), { room: 'Lobby' });
  t.like(await alice!.waitFor((e) => e.t === 'joined' && e.user === 'bob'), { room: 'Lobby' });
  t.like(await bob!.request('/rooms'), { t: 'reply', text: 'rooms (1):\n  Lobby (2)' });
});

test('a room is gone from /rooms once its last member has left', async (t) => {
  const { port } = await startServer(t);
  const [alice, bob] = await logins(t, port, ['alice', 'bob']);
  await alice!.join('kitchen');
  await bob!.join('kitchen');
  await alice!.join('garden');
  t.like(await bob!.request('/rooms'), { t: 'reply', text: 'rooms (2):\n  garden (1)\n  kitchen (1)' });
  await bob!.leave();
  t.like(await bob!.request('/rooms'), { t: 'reply', text: 'rooms (1):\n  garden (1)' });
  await alice!.leave();
  t.like(await bob!.request('/rooms'), { t: 'reply', text: 'no rooms yet; /join <room> creates one' });
});

test('joining or rejoining a room replays no history', async (t) => {
  const { port } = await startServer(t);
  const [alice, bob, carol] = await logins(t, port, ['alice', 'bob', 'carol']);
  await alice!.join('lobby');
  await bob!.join('lobby');
  bob!.send('before alice left');
  await alice!.waitFor((e) => e.t === 'message' && e.text === 'before alice left');
  await alice!.leave();
  bob!.send('while alice was away');
  await bob!.waitFor((e) => e.t === 'message' && e.text === 'while alice was away');
  await alice!.join('lobby');
  await carol!.join('lobby');
  await alice!.barrier();
  await carol!.barrier();
  t.deepEqual(alice!.of('message').map((m) => m.text), ['before alice left']);
  t.deepEqual(carol!.of('message'), []);
  bob!.send('after');
  t.like(await carol!.waitFor((e) => e.t === 'message'), { from: 'bob', text: 'after' });
});
