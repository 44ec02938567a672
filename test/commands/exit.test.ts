import test from 'ava';
import { TestClient } from '../helpers/client.js';
import { startServer } from '../helpers/server.js';

test('/exit tells the room, says goodbye and closes the connection', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'bob');
  await alice.join('lobby');
  await bob.join('lobby');
  alice.send('/exit');
  t.deepEqual(await alice.closed, { how: 'bye', reason: 'goodbye', shutdown: false });
  t.deepEqual(await bob.waitFor((e) => e.t === 'left'), { t: 'left', room: 'lobby', user: 'alice', reason: 'quit' });
  t.like(await bob.request('/who'), { text: 'in lobby (1): bob\nonline (1): bob' });
});

test('/quit does the same outside a room, and /exit takes no arguments', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  t.like(await alice.refused('/exit now'), { code: 'BAD_ARGUMENTS', message: 'too many arguments for /exit\nusage: /exit' });
  t.false(alice.connection.closed);
  alice.send('/quit');
  t.deepEqual(await alice.closed, { how: 'bye', reason: 'goodbye', shutdown: false });
});

test('commands sent before /exit all run, and nothing after it does', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'bob');
  await bob.join('lobby');
  for (const line of ['/join lobby', 'one', 'two', '/exit', 'three']) alice.send(line);
  await alice.closed;
  await bob.waitFor((e) => e.t === 'left');
  // (A `commands` message after the login narrows the manifest to what a guest may run.)
  const seen = bob.events.filter((e) => e.t !== 'commands').map((e) => (e.t === 'message' ? e.text : e.t === 'joined' || e.t === 'left' ? `${e.t} ${e.user}` : e.t));
  t.deepEqual(seen, ['login-ok', 'joined bob', 'joined alice', 'one', 'two', 'left alice']);
});
