import test from 'ava';
import { TestClient } from '../helpers/client.js';
import { startServer } from '../helpers/server.js';

test('/help lists every loaded command with its usage and summary', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const manifest = alice.connection.welcome.commands;
  const names = manifest.map((c) => c.name);
  // The commands of the brief are there; more may be, from any plugin in plugins/, in name order.
  for (const name of ['broadcast', 'exit', 'help', 'join', 'leave', 'rooms', 'sendfile', 'who', 'whisper']) t.true(names.includes(name), name);
  t.deepEqual(names, [...new Set(names)].sort());
  const answer = await alice.request('/help');
  t.is(answer.t, 'reply');
  const lines = (answer as { text: string }).text.split('\n');
  t.is(lines[0], 'commands:');
  t.is(lines.at(-1), 'type /help <command> for details');
  t.is(lines.length, manifest.length + 2);
  manifest.forEach((c, i) => t.regex(lines[i + 1]!, new RegExp(`^  ${escape(c.usage)} +${escape(c.summary)}$`)));
  t.true(lines.includes(`  ${'/whisper <username> <message...>'.padEnd(longest(manifest))}  Send a private message to one user, wherever they are`));
});

test('/help <command> explains one command, by name or alias, with or without the slash', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  const whisper = 'usage: /whisper <username> <message...>\nSend a private message to one user, wherever they are\naliases: /w /msg';
  for (const line of ['/help whisper', '/help w', '/help /msg', '/h WHISPER']) t.like(await alice.request(line), { t: 'reply', text: whisper }, line);
  t.like(await alice.request('/help who'), { t: 'reply', text: 'usage: /who [room]\nWho is in your room (or in <room>), and who is online' });
});

test('/help for a command that does not exist, or with two arguments, is refused', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  t.like(await alice.refused('/help nope'), { code: 'UNKNOWN_COMMAND', message: "no command named 'nope'; type /help for the list" });
  t.like(await alice.refused('/help join leave'), { code: 'BAD_ARGUMENTS', message: 'too many arguments for /help\nusage: /help [command]' });
});

test('an unknown command is refused with its name and a pointer to /help; command names ignore case', async (t) => {
  const { port } = await startServer(t);
  const alice = await TestClient.login(t, port, 'alice');
  t.like(await alice.refused('/dance wildly'), { code: 'UNKNOWN_COMMAND', message: "unknown command '/dance'; type /help for the list" });
  await alice.join('lobby');
  alice.send('/BROADCAST loud');
  t.like(await alice.waitFor((e) => e.t === 'message'), { text: 'loud' });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function longest(manifest: { usage: string }[]): number {
  return Math.max(...manifest.map((c) => c.usage.length));
}
