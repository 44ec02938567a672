import test from 'ava';
import { TestClient } from './helpers/client.js';
import { RawClient } from './helpers/raw-client.js';
import { startServer } from './helpers/server.js';

test('a client whose socket is destroyed without /exit: its room is told, its name is free again, the server goes on', async (t) => {
  const server = await startServer(t);
  const { port } = server;
  const bob = await RawClient.login(t, port, 'bob');
  const alice = await TestClient.login(t, port, 'alice');
  const carol = await TestClient.login(t, port, 'carol');
  await alice.join('lobby');
  await carol.join('lobby');
  bob.send({ t: 'cmd', id: 1, line: '/join lobby' });
  await alice.waitFor((e) => e.t === 'joined' && e.user === 'bob');

  bob.socket.destroy();
  t.deepEqual(await alice.waitFor((e) => e.t === 'left'), { t: 'left', room: 'lobby', user: 'bob', reason: 'connection lost' });
  t.deepEqual(await carol.waitFor((e) => e.t === 'left'), { t: 'left', room: 'lobby', user: 'bob', reason: 'connection lost' });
  t.like(await alice.request('/who'), { text: 'in lobby (2): alice, carol\nonline (2): alice, carol' });
  t.like(await alice.refused('/whisper bob are you there'), { code: 'NO_SUCH_USER' });

  const bobAgain = await TestClient.login(t, port, 'bob');
  await bobAgain.join('lobby');
  alice.send('welcome back');
  t.like(await bobAgain.waitFor((e) => e.t === 'message'), { from: 'alice', text: 'welcome back' });
  t.like(await carol.waitFor((e) => e.t === 'message'), { from: 'alice', text: 'welcome back' });
  t.deepEqual(bobAgain.of('message').length, 1);
  t.like(server.stats(), { connections: 3, users: 3, rooms: 1 });
});

test('a client that stops answering heartbeats is dropped and its room told', async (t) => {
  const { port } = await startServer(t, { heartbeatMs: 3000 });
  const silent = await RawClient.login(t, port, 'silent'); // never answers the server's pings
  const alice = await TestClient.login(t, port, 'alice'); // the client library answers them
  await alice.join('lobby');
  silent.send({ t: 'cmd', id: 1, line: '/join lobby' });
  await alice.waitFor((e) => e.t === 'joined' && e.user === 'silent');

  t.like(await alice.waitFor((e) => e.t === 'left', 'the silent client to be dropped'), { user: 'silent', reason: 'connection lost' });
  await silent.closedWithin();
  t.true(silent.messages.some((m) => m.t === 'ping'));
  t.false(alice.connection.closed);
  t.like(await alice.request('/who'), { text: 'in lobby (1): alice\nonline (1): alice' });
});

test('a client that vanishes in the middle of a stream of messages does not disturb the others', async (t) => {
  const { port } = await startServer(t);
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => TestClient.login(t, port, n)));
  const ghosts = await Promise.all(['ghost1', 'ghost2', 'ghost3'].map((n) => RawClient.login(t, port, n)));
  await alice!.join('lobby');
  await bob!.join('lobby');
  ghosts.forEach((g) => g.send({ t: 'cmd', id: 1, line: '/join lobby' }));
  await alice!.waitFor(() => alice!.of('joined').length === 5, 'everyone to join');
  for (let i = 0; i < 20; i++) {
    alice!.send(`message ${i}`);
    if (i % 5 === 0) ghosts[i / 5]?.socket.destroy();
  }
  await bob!.waitFor((e) => e.t === 'message' && e.text === 'message 19');
  t.deepEqual(
    bob!.of('message').map((m) => m.text),
    Array.from({ length: 20 }, (_, i) => `message ${i}`),
  );
  await bob!.waitFor(() => bob!.of('left').length === 3, 'three ghosts to leave');
  t.deepEqual(
    bob!.of('left').map((e) => `${e.user} ${e.reason}`).sort(),
    ['ghost1 connection lost', 'ghost2 connection lost', 'ghost3 connection lost'],
  );
});
