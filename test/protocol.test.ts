import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestClient } from './helpers/client.js';
import { ROOT } from './helpers/process.js';
import { RawClient } from './helpers/raw-client.js';
import { startServer } from './helpers/server.js';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

test('the welcome carries the protocol version, the limits and the command manifest', async (t) => {
  const { port } = await startServer(t);
  const client = await RawClient.connect(t, port);
  client.send({ t: 'hello', v: 1, client: 'test' });
  const welcome = await client.waitFor((m) => m.t === 'welcome');
  t.like(welcome, {
    v: 1,
    server: `chatserver/${VERSION}`,
    limits: {
      maxFrameBytes: 131072,
      usernameMax: 16,
      roomNameMax: 32,
      roomCapacity: 15,
      messageMax: 2000,
      fileMaxBytes: 3145728,
      fileTypes: ['.txt', '.pdf', '.jpg', '.png'],
      chunkBytes: 65536,
      uploadSlots: 5,
      loginAttempts: 5,
      loginTimeoutMs: 30000,
      heartbeatMs: 45000,
    },
  });
  const commands = welcome.t === 'welcome' ? welcome.commands : [];
  t.deepEqual(
    commands.find((c) => c.name === 'whisper'),
    {
      name: 'whisper',
      aliases: ['w', 'msg'],
      usage: '/whisper <username> <message...>',
      summary: 'Send a private message to one user, wherever they are',
      args: [
        { name: 'username', kind: 'user', optional: false },
        { name: 'message', kind: 'text', optional: false },
      ],
    },
  );
  t.like(commands.find((c) => c.name === 'join'), { args: [{ name: 'room', kind: 'room', optional: false }] });
});

test('the limits in the welcome follow the server configuration', async (t) => {
  const { port } = await startServer(t, { roomCapacity: 3, messageMax: 50, usernameMax: 8 });
  const alice = await TestClient.connect(t, port);
  t.like(alice.connection.welcome.limits, { roomCapacity: 3, messageMax: 50, usernameMax: 8 });
  t.false((await alice.connection.login('ninechars')).ok);
  t.true((await alice.connection.login('eightchr')).ok);
  await alice.join('lobby');
  t.like(await alice.refused('x'.repeat(51)), { code: 'MESSAGE_TOO_LONG', message: 'message is 51 characters; the limit is 50 (nothing was sent)' });
});

test('a client speaking another protocol version gets a clear error and is disconnected', async (t) => {
  const { port } = await startServer(t);
  const client = await RawClient.connect(t, port);
  client.send({ t: 'hello', v: 2 });
  await client.closedWithin();
  t.deepEqual(client.messages, [
    { t: 'error', code: 'UNSUPPORTED_VERSION', message: 'this server speaks protocol version 1; your client speaks 2' },
    { t: 'bye', reason: 'unsupported protocol version' },
  ]);
});

test('a frame announcing more than the limit is refused from its header, and only that client is dropped', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const big = await RawClient.login(t, port, 'big');
  await alice.join('lobby');
  big.send({ t: 'cmd', id: 1, line: '/join lobby' });
  await alice.waitFor((e) => e.t === 'joined' && e.user === 'big');

  big.socket.write(Buffer.from([1, 0, 2, 0, 1])); // a JSON frame of 131,073 bytes: one over the limit, no payload sent
  await big.closedWithin();
  t.like(big.messages.at(-1), { t: 'error', code: 'FRAME_TOO_LARGE' });
  t.like(await alice.waitFor((e) => e.t === 'left'), { user: 'big', reason: 'connection lost' });
  alice.send('still here');
  t.like(await alice.waitFor((e) => e.t === 'message'), { text: 'still here' });
});

test('malformed messages are refused and the connection carries on', async (t) => {
  const { port } = await startServer(t);
  const client = await RawClient.connect(t, port);
  client.send({ t: 'login', name: 'early' });
  t.like(await client.waitFor((m) => m.t === 'error'), { code: 'HANDSHAKE_REQUIRED' });
  client.send({ t: 'hello', v: 1 });
  await client.waitFor((m) => m.t === 'welcome');
  client.socket.write(Buffer.concat([Buffer.from([1, 0, 0, 0, 9]), Buffer.from('{not json')]));
  client.send({ t: 'launch-missiles' });
  client.send({ t: 'cmd', id: 'one', line: 5 });
  await client.waitFor(() => client.messages.filter((m) => m.t === 'error' && m.code === 'BAD_MESSAGE').length === 3);
  client.send({ t: 'ping' });
  await client.waitFor((m) => m.t === 'pong');
  client.send({ t: 'login', name: 'late' });
  t.like(await client.waitFor((m) => m.t === 'login-ok'), { name: 'late' });
  client.send({ t: 'login', name: 'again' });
  t.like(await client.waitFor((m) => m.t === 'error' && m.code === 'ALREADY_LOGGED_IN'), { message: 'already logged in as late' });
});

test('a query lists the online users or the rooms, for completion', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'Bob');
  await bob.join('Lobby');
  t.deepEqual(await alice.connection.query('users'), ['alice', 'Bob']);
  t.deepEqual(await alice.connection.query('rooms'), ['Lobby']);
});

test('commands beyond the flood limit are refused with a notice, and the rest go through', async (t) => {
  const { port } = await startServer(t, { floodRate: 1, floodBurst: 3 });
  const alice = await TestClient.login(t, port, 'alice');
  const ids = ['/help', '/help', '/help', '/help', '/help'].map((line) => alice.send(line));
  const answers = await Promise.all(ids.map((id) => alice.waitFor((e) => (e.t === 'reply' || e.t === 'error') && e.re === id)));
  t.deepEqual(answers.map((a) => a.t), ['reply', 'reply', 'reply', 'error', 'error']);
  t.like(answers[4], { code: 'FLOOD', message: 'you are sending too fast; slow down (this line was not sent)' });
});
