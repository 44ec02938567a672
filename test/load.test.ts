import test from 'ava';
import { TestClient } from './helpers/client.js';
import { startServer } from './helpers/server.js';

const CLIENTS = 50;
const ROOM_SIZES = [15, 15, 15, 5];
const PER_CLIENT = 3;

async function crowd(t: Parameters<typeof TestClient.login>[0]) {
  const { port } = await startServer(t);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => TestClient.login(t, port, `user${i}`)));
  const rooms: TestClient[][] = [];
  let next = 0;
  for (const [r, size] of ROOM_SIZES.entries()) {
    const members = clients.slice(next, next + size);
    next += size;
    await Promise.all(members.map((c) => c.join(`room${r}`)));
    rooms.push(members);
  }
  return { clients, rooms };
}

const sorted = (list: string[]) => [...list].sort();

test('50 clients in rooms of up to 15 each get every broadcast of their room, in order, and none from other rooms', async (t) => {
  const { clients, rooms } = await crowd(t);
  for (let k = 0; k < PER_CLIENT; k++) for (const c of clients) c.send(`${c.name} says ${k}`);

  const expected = rooms.map((members) => members.flatMap((m) => Array.from({ length: PER_CLIENT }, (_, k) => `${m.name} says ${k}`)));
  // Once every client has its room's messages, every broadcast has been fanned out; the barrier
  // then flushes anything that might have leaked across rooms.
  await Promise.all(
    rooms.flatMap((members, r) => members.map((c) => c.waitFor(() => c.of('message').length >= expected[r]!.length, 'all room messages'))),
  );
  await Promise.all(clients.map((c) => c.barrier()));
  for (const [r, members] of rooms.entries()) {
    for (const c of members) {
      const got = c.of('message');
      t.deepEqual(sorted(got.map((m) => m.text)), sorted(expected[r]!), `${c.name} in room${r}`);
      t.true(got.every((m) => m.room === `room${r}` && m.text.startsWith(`${m.from} says `)));
      for (const sender of members) {
        const fromSender = got.filter((m) => m.from === sender.name).map((m) => m.text);
        t.deepEqual(fromSender, Array.from({ length: PER_CLIENT }, (_, k) => `${sender.name} says ${k}`));
      }
    }
  }
});

test('whispers among 50 clients reach only their targets', async (t) => {
  const { clients } = await crowd(t);
  // i -> 7i+3 (mod 50) is a permutation, so everyone sends one and receives one, mostly across rooms.
  const target = (i: number) => clients[(i * 7 + 3) % CLIENTS]!;
  clients.forEach((c, i) => c.send(`/whisper ${target(i).name} secret from ${c.name}`));
  await Promise.all(clients.map((c) => c.waitFor(() => c.of('whisper').length >= 2, 'two whispers')));
  await Promise.all(clients.map((c) => c.barrier()));
  clients.forEach((c, i) => {
    const sender = clients.find((_, j) => target(j) === c)!;
    t.deepEqual(
      sorted(c.of('whisper').map((w) => `${w.from}>${w.to}:${w.text}`)),
      sorted([`${c.name}>${target(i).name}:secret from ${c.name}`, `${sender.name}>${c.name}:secret from ${sender.name}`]),
    );
  });
  t.deepEqual(clients.flatMap((c) => c.of('message')), []);
});
