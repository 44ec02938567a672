import test from 'ava';
import { TestClient } from '../helpers/client.js';
import { startServer } from '../helpers/server.js';

test('/join creates the room, tells its members, and /j does the same', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'bob');
  alice.send('/join lobby');
  t.deepEqual(await alice.waitFor((e) => e.t === 'joined'), { t: 'joined', room: 'lobby', user: 'alice' });
  bob.send('/j lobby');
  t.deepEqual(await alice.waitFor((e) => e.t === 'joined' && e.user === 'bob'), { t: 'joined', room: 'lobby', user: 'bob' });
  t.deepEqual(await bob.waitFor((e) => e.t === 'joined'), { t: 'joined', room: 'lobby', user: 'bob' });
});

test('/join refuses a missing, invalid or surplus argument with its usage', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const usage = 'usage: /join <room>';
  t.like(await alice.refused('/join'), { code: 'BAD_ARGUMENTS', message: `missing <room>\n${usage}` });
  t.like(await alice.refused('/join no-dashes'), {
    code: 'BAD_ARGUMENTS',
    message: `room name 'no-dashes' may only contain ASCII letters and digits\n${usage}`,
  });
  t.like(await alice.refused('/join two words'), { code: 'BAD_ARGUMENTS', message: `too many arguments for /join\n${usage}` });
  t.is(alice.connection.room, undefined);
  t.like(await alice.request('/rooms'), { t: 'reply', text: 'no rooms yet; /join <room> creates one' });
});

test('/join of the room you are in is refused, in any spelling', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  await alice.join('lobby');
  t.like(await alice.refused('/join lobby'), { code: 'ALREADY_IN_ROOM', message: "you are already in 'lobby'" });
  t.like(await alice.refused('/join LOBBY'), { code: 'ALREADY_IN_ROOM', message: "you are already in 'lobby'" });
  t.is(alice.of('joined').length, 1);
});

test('/leave tells the room and the leaver; /part does the same', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'bob');
  await alice.join('lobby');
  await bob.join('lobby');
  alice.send('/leave');
  t.deepEqual(await bob.waitFor((e) => e.t === 'left'), { t: 'left', room: 'lobby', user: 'alice', reason: 'left' });
  t.deepEqual(await alice.waitFor((e) => e.t === 'left'), { t: 'left', room: 'lobby', user: 'alice', reason: 'left' });
  t.is(alice.connection.room, undefined);
  bob.send('/part');
  t.like(await bob.waitFor((e) => e.t === 'left' && e.user === 'bob'), { room: 'lobby', reason: 'left' });
});

test('/leave outside a room, or with arguments, is refused', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  t.like(await alice.refused('/leave'), { code: 'NOT_IN_ROOM', message: 'you are not in a room' });
  await alice.join('lobby');
  t.like(await alice.refused('/leave now'), { code: 'BAD_ARGUMENTS', message: 'too many arguments for /leave\nusage: /leave' });
  t.is(alice.connection.room, 'lobby');
});
