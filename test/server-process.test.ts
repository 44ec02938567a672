import test from 'ava';
import { createServer, connect, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestClient } from './helpers/client.js';
import { encodeJsonFrame } from '../core/protocol/frame.js';
import { Child, spawnServer } from './helpers/process.js';
import { tempDir } from './helpers/temp.js';

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

test('SIGINT with clients connected: the clients are told, the server exits 0 and its log ends with the shutdown', async (t) => {
  const log = join(await tempDir(t), 'server.log');
  const { child, port } = await spawnServer(t, ['--log', log]);
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'bob');
  await alice.join('lobby');
  await bob.join('lobby');

  child.process.kill('SIGINT');
  t.deepEqual(await child.exit(), { code: 0, signal: null });
  for (const client of [alice, bob]) {
    t.like(await client.waitFor((e) => e.t === 'shutdown'), { reason: 'server shutting down', graceMs: 5000 });
    t.deepEqual(await client.closed, { how: 'bye', reason: 'server shutting down', shutdown: true });
  }
  t.regex(child.stderr, /SIGINT: shutting down/);

  const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
  t.true(lines.every((line) => TIMESTAMP.test(line)), lines.join('\n'));
  t.regex(lines.at(-1)!, /shutdown-complete$/);
  t.regex(lines.find((l) => / shutdown /.test(l)) ?? '', / shutdown reason=SIGINT connections=2$/);
  t.is(lines.filter((l) => / disconnect /.test(l)).length, 2);
  t.true(lines.findIndex((l) => / shutdown /.test(l)) < lines.findIndex((l) => / disconnect /.test(l)));
  t.is(child.stdout.trimEnd(), lines.join('\n'), 'the log is copied to standard output');
});

test('SIGTERM stops the server gracefully too', async (t) => {
  const { child, port } = await spawnServer(t, ['--no-log-file']);
  const alice = await TestClient.login(t, port, 'alice');
  child.process.kill('SIGTERM');
  t.deepEqual(await child.exit(), { code: 0, signal: null });
  t.true((await alice.closed).shutdown);
  t.regex(child.stdout, / shutdown reason=SIGTERM connections=1\n[^]* shutdown-complete\n$/);
});

test('a server whose terminal has gone (stdout and stderr closed) still stops on SIGTERM, and does not spin', async (t) => {
  const { child, port } = await spawnServer(t, ['--no-log-file']);
  const alice = await TestClient.login(t, port, 'alice');
  child.process.stdout.destroy();
  child.process.stderr.destroy();
  alice.send('/join lobby'); // a log line to stdout, and so an EPIPE, before the signal
  await alice.waitFor((e) => e.t === 'joined');
  child.process.kill('SIGTERM');
  t.deepEqual(await child.exit(), { code: 0, signal: null });
});

test('a second SIGINT while the shutdown waits for a connection exits at once', async (t) => {
  const { child, port } = await spawnServer(t, ['--no-log-file']);
  // A client that never closes its side, so the graceful close has to wait for it.
  const stubborn = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  t.teardown(() => void stubborn.destroy());
  stubborn.on('error', () => {});
  await once(stubborn, 'connect');
  stubborn.write(encodeJsonFrame({ t: 'hello', v: 1 }));
  await once(stubborn, 'data');

  child.process.kill('SIGINT');
  await once(stubborn, 'end'); // the server has said bye and is waiting for us
  child.process.kill('SIGINT');
  t.deepEqual(await child.exit(), { code: 130, signal: null });
  t.regex(child.stderr, /SIGINT again: exiting at once/);
});

test('a port already in use gives one clear line and a non-zero exit', async (t) => {
  const holder = createServer();
  holder.listen(0);
  await once(holder, 'listening');
  t.teardown(() => void holder.close());
  const { port } = holder.address() as AddressInfo;

  const child = Child.spawn(t, 'chatserver', [String(port), '--no-log-file']);
  t.deepEqual(await child.exit(), { code: 1, signal: null });
  t.is(child.stderr, `chatserver: cannot listen on all interfaces port ${port}: the port is already in use (is another server running?)\n`);
  t.is(child.stdout, '');
});

test('a start that fails writes its reason to the log file too, not an empty log', async (t) => {
  const holder = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  t.teardown(() => void holder.close());
  const { port } = holder.address() as AddressInfo;
  const logFile = join(await tempDir(t), 'server.log');

  const child = Child.spawn(t, 'chatserver', [String(port), '--host', '127.0.0.1', '--log', logFile, '--quiet']);
  t.deepEqual(await child.exit(), { code: 1, signal: null });
  t.regex(await readFile(logFile, 'utf8'), /^\S+ start-failed reason="cannot listen on 127\.0\.0\.1 port \d+: the port is already in use \(is another server running\?\)"\n$/);
});
