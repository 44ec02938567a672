import test from 'ava';
import { Child, spawnServer } from './helpers/process.js';
import { ChildServer } from './helpers/child-server.js';
import { TestClient } from './helpers/client.js';
import { startServer } from './helpers/server.js';
import { Terminal } from './helpers/terminal.js';

const client = (t: Parameters<typeof Child.spawn>[0], port: number, ...args: string[]) =>
  Child.spawn(t, 'chatclient', ['127.0.0.1', String(port), ...args]);

test('two scripted chatclients log in, join a room and talk through stdin and stdout', async (t) => {
  const { port } = await startServer(t);
  const alice = client(t, port);
  alice.writeLine('alice');
  alice.writeLine('/join lobby');
  await alice.waitFor(/^\* you joined lobby$/m);

  const bob = client(t, port);
  bob.writeLine('bob');
  bob.writeLine('/join lobby');
  await alice.waitFor(/^\* bob joined lobby$/m);
  alice.writeLine('hello bob');
  await bob.waitFor(/^\[lobby\] alice: hello bob$/m);
  bob.writeLine('/whisper alice hi alice');
  bob.writeLine('/exit');
  t.deepEqual(await bob.exit(), { code: 0, signal: null });
  await alice.waitFor(/^\* bob left lobby \(quit\)$/m);
  alice.process.stdin.end();
  t.deepEqual(await alice.exit(), { code: 0, signal: null });

  t.is(bob.stdout, ['* logged in as bob', '* you joined lobby', '[lobby] alice: hello bob', '[whisper to alice] hi alice', ''].join('\n'));
  t.is(
    alice.stdout,
    [
      '* logged in as alice',
      '* you joined lobby',
      '* bob joined lobby',
      '[lobby] alice: hello bob',
      '[whisper from bob] hi alice',
      '* bob left lobby (quit)',
      '',
    ].join('\n'),
  );
  t.is(alice.stderr + bob.stderr, '');
});

test('a refused username ends the scripted client with exit code 1', async (t) => {
  const { port } = await startServer(t);
  const bad = client(t, port);
  bad.writeLine('no way!');
  t.deepEqual(await bad.exit(), { code: 1, signal: null });
  t.is(bad.stdout, "! login refused: username 'no way!' may only contain ASCII letters and digits\n");
});

test('a refused connection is one line on stderr and exit code 1', async (t) => {
  // Port 1 (tcpmux) has no listener here; a just-freed ephemeral port could be taken by a parallel test.
  const port = 1;
  const refused = client(t, port);
  t.deepEqual(await refused.exit(), { code: 1, signal: null });
  t.is(refused.stderr, `chatclient: cannot connect to 127.0.0.1:${port}: connection refused (is the server running on that port?)\n`);
});

test('a server that dies under the client is reported as lost, exit code 1', async (t) => {
  const { child: server, port } = await spawnServer(t, ['--no-log-file', '--quiet']);
  const alice = client(t, port);
  alice.writeLine('alice');
  await alice.waitFor(/^\* logged in as alice$/m);
  server.process.kill('SIGKILL');
  t.deepEqual(await alice.exit(), { code: 1, signal: null });
  t.is(alice.stderr, `chatclient: connection to 127.0.0.1:${port} lost\n`);
});

test('with --reconnect a scripted client waits out a server restart: it logs in again, rejoins and goes on with its lines', async (t) => {
  const first = await ChildServer.start([]);
  t.teardown(() => first.kill());
  const alice = client(t, first.port, '--user', 'alice', '--reconnect');
  alice.writeLine('/join lobby');
  await alice.waitFor(/^\* you joined lobby$/m);
  first.signal('SIGKILL');
  await alice.waitFor(new RegExp(`^! connection to 127\\.0\\.0\\.1:${first.port} lost$`, 'm'));
  await alice.waitFor(/^\* reconnecting in \d+ s \(attempt 1\)$/m);
  const second = await ChildServer.start([], { port: first.port });
  t.teardown(() => second.kill());
  await alice.waitFor(/^\* reconnected as alice; lines sent to lobby while away are not shown$/m, 'stdout', 60_000);
  const bob = await TestClient.login(t, second.port, 'bob');
  await bob.join('lobby');
  alice.writeLine('back again');
  await bob.waitFor((e) => e.t === 'message' && e.from === 'alice' && e.text === 'back again', "alice's line");
  alice.process.stdin.end();
  t.deepEqual(await alice.exit(), { code: 0, signal: null });
});

test('a server that shuts down tells the scripted client, which exits 0', async (t) => {
  const server = await startServer(t);
  const alice = client(t, server.port, '--user', 'alice');
  await alice.waitFor(/^\* logged in as alice$/m);
  await server.stop();
  t.deepEqual(await alice.exit(), { code: 0, signal: null });
  t.is(alice.stdout, '* logged in as alice\n* the server is shutting down\n* disconnected: server shutting down\n');
});

test('piped lines beyond the flood burst are paced to the advertised rate: none refused, all delivered, and it exits 0', async (t) => {
  const { port } = await startServer(t, { floodRate: 20, floodBurst: 10 });
  const bob = await TestClient.login(t, port, 'bob');
  await bob.join('r');
  const piped = client(t, port);
  piped.process.stdin.end(['u', '/join r', ...Array.from({ length: 45 }, (_, i) => String(i + 1))].join('\n') + '\n');
  t.deepEqual(await piped.exit(), { code: 0, signal: null });
  t.notRegex(piped.stdout, /too fast/);
  t.is(piped.stderr, '');
  for (let i = 1; i <= 45; i++) await bob.waitFor((e) => e.t === 'message' && e.from === 'u' && e.text === String(i));
  await bob.waitFor((e) => e.t === 'left' && e.user === 'u' && e.reason === 'quit');
});

test('/exit is never refused for flooding, so a client can always leave', async (t) => {
  const { port } = await startServer(t, { floodRate: 1, floodBurst: 2 });
  const alice = await TestClient.login(t, port, 'alice');
  const ids = ['/help', '/help', '/help', '/help'].map((line) => alice.send(line));
  await alice.waitFor((e) => e.t === 'error' && e.re === ids[3] && e.code === 'FLOOD');
  alice.send('/exit');
  t.like(await alice.closed, { how: 'bye', reason: 'goodbye' });
});

test('on a terminal, a whisper padded to its width goes on indented; through a pipe it stays one line', async (t) => {
  const server = await startServer(t, { floodRate: 0 });
  const bob = await TestClient.login(t, server.port, 'bob');
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'carol'], { piped: true, columns: 60 });
  const piped = client(t, server.port, '--user', 'dave');
  await term.waitFor('* logged in as carol');
  await piped.waitFor(/^\* logged in as dave$/m);
  // `[whisper from bob] ` takes 19 columns: the padding fills the row, so the tail starts the next.
  const fake = '[whisper from admin] your session expired';
  const text = `hi${' '.repeat(60 - 19 - 2)}${fake}`;
  bob.send(`/whisper carol ${text}`);
  bob.send(`/whisper dave ${text}`);
  const rows = await term.waitFor(fake);
  t.false(rows.some((row) => row.startsWith(fake)), rows.join('\n'));
  t.true(rows.includes(`  ${fake}`), rows.join('\n'));
  await piped.waitFor(/your session expired$/m);
  t.true(piped.stdout.includes(`\n[whisper from bob] ${text}\n`), 'one line per event for a program reading it');
  await term.press('C-d');
  t.like(await term.exited(), { code: 0, restored: true });
});
