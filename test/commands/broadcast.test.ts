import test from 'ava';
import { TestClient } from '../helpers/client.js';
import { startServer } from '../helpers/server.js';

async function threeInTwoRooms(t: Parameters<typeof TestClient.login>[0]) {
  const { port } = await startServer(t);
  const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((n) => TestClient.login(t, port, n)));
  await alice!.join('lobby');
  await bob!.join('lobby');
  await carol!.join('elsewhere');
  return { alice: alice!, bob: bob!, carol: carol!, dave: dave! };
}

test('plain text, /broadcast, /b and /say reach every member of the room, sender included, and no one else', async (t) => {
  const { alice, bob, carol, dave } = await threeInTwoRooms(t);
  const lines = ['plain text', '/broadcast with the command', '/b with an alias', '/say  spaces  kept '];
  for (const line of lines) alice.send(line);
  const expected = ['plain text', 'with the command', 'with an alias', 'spaces  kept '];
  await bob.waitFor((e) => e.t === 'message' && e.text === 'spaces  kept ');
  await alice.waitFor((e) => e.t === 'message' && e.text === 'spaces  kept ');
  for (const client of [alice, bob]) {
    t.deepEqual(
      client.of('message').map(({ room, from, text }) => ({ room, from, text })),
      expected.map((text) => ({ room: 'lobby', from: 'alice', text })),
    );
    t.true(client.of('message').every((m) => Math.abs(m.ts - Date.now()) < 60_000));
  }
  await carol.barrier();
  await dave.barrier();
  t.deepEqual([...carol.of('message'), ...dave.of('message')], []);
});

test('a line starting with // sends the rest, slash included, to the room', async (t) => {
  const { alice, bob } = await threeInTwoRooms(t);
  alice.send('//help is not a command here');
  t.like(await bob.waitFor((e) => e.t === 'message'), { from: 'alice', text: '/help is not a command here' });
});

test('a message of 2,000 characters is sent and one of 2,001 is refused whole', async (t) => {
  const { alice, bob } = await threeInTwoRooms(t);
  const longest = '🎉'.repeat(1000) + 'x'.repeat(1000); // characters, not UTF-16 units or bytes
  alice.send(longest);
  t.is(((await bob.waitFor((e) => e.t === 'message')) as { text: string }).text, longest);
  t.like(await alice.refused('y'.repeat(2001)), {
    code: 'MESSAGE_TOO_LONG',
    message: 'message is 2,001 characters; the limit is 2,000 (nothing was sent)',
  });
  t.like(await alice.refused(`/broadcast ${'z'.repeat(5000)}`), { code: 'MESSAGE_TOO_LONG' });
  await bob.barrier();
  t.is(bob.of('message').length, 1);
});

test('sending to a room while in none is refused', async (t) => {
  const { dave } = await threeInTwoRooms(t);
  const refusal = { code: 'NOT_IN_ROOM', message: 'you are not in a room; /join a room first' };
  t.like(await dave.refused('hello?'), refusal);
  t.like(await dave.refused('/broadcast hello?'), refusal);
});

test('/broadcast without a message is refused with its usage', async (t) => {
  const { alice, bob } = await threeInTwoRooms(t);
  const refusal = { code: 'BAD_ARGUMENTS', message: 'missing <message>\nusage: /broadcast <message...>' };
  t.like(await alice.refused('/broadcast'), refusal);
  t.like(await alice.refused('/b    '), refusal);
  await bob.barrier();
  t.deepEqual(bob.of('message'), []);
});
