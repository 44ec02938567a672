import test from 'ava';
import { TestClient } from './helpers/client.js';
import { RawClient } from './helpers/raw-client.js';
import { startServer } from './helpers/server.js';

test('a 16-character username is accepted and a 17-character one refused', async (t) => {
  const { port } = await startServer(t);
  const long = await TestClient.connect(t, port);
  const refused = await long.connection.login('a'.repeat(17));
  t.deepEqual(refused, {
    ok: false,
    reason: `username '${'a'.repeat(17)}' is too long (17 characters; the limit is 16)`,
    attemptsLeft: 4,
  });
  const sixteen = await TestClient.connect(t, port);
  t.deepEqual(await sixteen.connection.login('b'.repeat(16)), { ok: true, name: 'b'.repeat(16) });
});

test('a name with other characters than ASCII letters and digits is refused, and the same connection may try again', async (t) => {
  const { port } = await startServer(t);
  const client = await TestClient.connect(t, port);
  t.deepEqual(await client.connection.login('bad!name'), {
    ok: false,
    reason: "username 'bad!name' may only contain ASCII letters and digits",
    attemptsLeft: 4,
  });
  for (const bad of ['', 'ünïcode', 'with space']) t.false((await client.connection.login(bad)).ok, bad);
  t.deepEqual(await client.connection.login('goodName1'), { ok: true, name: 'goodName1' });
  t.is((await client.request('/who')).t, 'reply');
});

test('Alice is refused while alice is online, and gets in once alice has left', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const impostor = await TestClient.connect(t, port);
  t.deepEqual(await impostor.connection.login('Alice'), { ok: false, reason: "username 'alice' is already taken", attemptsLeft: 4 });
  t.deepEqual(await impostor.connection.login('ALICE'), { ok: false, reason: "username 'alice' is already taken", attemptsLeft: 3 });
  alice.send('/exit');
  await alice.closed;
  t.deepEqual(await impostor.connection.login('Alice'), { ok: true, name: 'Alice' });
});

test('the fifth failed attempt closes the connection', async (t) => {
  const { port } = await startServer(t);
  const client = await RawClient.connect(t, port);
  client.send({ t: 'hello', v: 1 });
  await client.waitFor((m) => m.t === 'welcome');
  for (let i = 1; i <= 5; i++) client.send({ t: 'login', name: `bad!${i}` });
  await client.closedWithin();
  t.deepEqual(
    client.messages.filter((m) => m.t === 'login-refused').map((m) => m.t === 'login-refused' && m.attemptsLeft),
    [4, 3, 2, 1, 0],
  );
  t.deepEqual(client.messages.at(-1), { t: 'bye', reason: 'too many failed login attempts' });
});

test('a connection that does not log in within the time limit is closed', async (t) => {
  const { port } = await startServer(t, { loginTimeoutMs: 2000 });
  const idle = await RawClient.connect(t, port);
  idle.send({ t: 'hello', v: 1 });
  const loggedIn = await TestClient.login(t, port, 'quick');
  await idle.closedWithin();
  t.deepEqual(idle.messages.at(-1), { t: 'bye', reason: 'login timed out' });
  t.false(loggedIn.connection.closed);
  t.is((await loggedIn.request('/who')).t, 'reply');
});

test('commands before logging in are refused', async (t) => {
  const { port } = await startServer(t);
  const client = await RawClient.connect(t, port);
  client.send({ t: 'hello', v: 1 });
  client.send({ t: 'cmd', id: 7, line: '/join lobby' });
  t.like(await client.waitFor((m) => m.t === 'error'), { re: 7, code: 'NOT_LOGGED_IN' });
  client.send({ t: 'login', name: 'late' });
  t.like(await client.waitFor((m) => m.t === 'login-ok'), { name: 'late' });
});
