import test from 'ava';
import { TestClient } from './helpers/client.js';
import { startServer } from './helpers/server.js';

test('with --plugins, the manifest and /help show only those commands and the others are unknown', async (t) => {
  const { port } = await startServer(t, { pluginNames: ['join', 'help', 'broadcast'] });
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'bob');
  t.deepEqual(alice.connection.welcome.commands.map((c) => c.name), ['broadcast', 'help', 'join']);
  const help = await alice.request('/help');
  t.deepEqual(
    (help as { text: string }).text.split('\n').map((l) => l.trim().split(' ')[0]),
    ['commands:', '/broadcast', '/help', '/join', 'type'],
  );
  for (const line of ['/whisper bob hi', '/w bob hi', '/leave', '/who', '/rooms', '/exit']) {
    const name = line.split(' ')[0];
    t.like(await alice.refused(line), { code: 'UNKNOWN_COMMAND', message: `unknown command '${name}'; type /help for the list` }, line);
  }
  t.like(await alice.refused('/help whisper'), { code: 'UNKNOWN_COMMAND' });
  await alice.join('lobby');
  await bob.join('lobby');
  alice.send('plain text still goes to the room');
  t.like(await bob.waitFor((e) => e.t === 'message'), { from: 'alice', text: 'plain text still goes to the room' });
  t.deepEqual(bob.of('whisper'), []);
});

test('without a plain-text command (broadcast declares it), plain text is refused with a pointer to /help', async (t) => {
  const { port } = await startServer(t, { pluginNames: ['join', 'help'] });
  const alice = await TestClient.login(t, port, 'alice');
  await alice.join('lobby');
  t.like(await alice.refused('hello'), {
    code: 'UNKNOWN_COMMAND',
    message: 'plain text goes nowhere on this server: no command takes it; type /help',
  });
});

test("the seed's seven commands alone, and every moderation plugin can be left out on its own", async (t) => {
  const seven = ['join', 'leave', 'broadcast', 'whisper', 'sendfile', 'exit', 'help'];
  const { port } = await startServer(t, { pluginNames: seven });
  const alice = await TestClient.login(t, port, 'alice');
  t.deepEqual(alice.connection.welcome.commands.map((c) => c.name), [...seven].sort());
  t.like(await alice.refused('/kick bob'), { code: 'UNKNOWN_COMMAND' });
  const moderation = ['ban', 'kick', 'mute', 'lock', 'slow', 'op', 'ignore', 'serverban', 'kill', 'announce', 'nick', 'account', 'topic', 'me', 'away'];
  for (const left of moderation) {
    const server = await startServer(t, { pluginNames: [...seven, ...moderation.filter((p) => p !== left)] });
    t.truthy(server.port, `without ${left}`);
    await server.stop();
  }
});
