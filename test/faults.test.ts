import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { Download } from '../client/downloads.js';
import { Transfers, type TransferProgress } from '../client/transfers.js';
import type { ServerConfig } from '../core/config.js';
import { encodeChunkFrame } from '../core/protocol/frame.js';
import { TestClient } from './helpers/client.js';
import { eventually, HostileClient, json } from './helpers/hostile.js';
import { FAULTY_PLUGINS, pluginDir } from './helpers/plugin-dir.js';
import { startServer } from './helpers/server.js';

function tempDir(t: ExecutionContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A server with a watcher in room lobby; `settled` waits until only the watcher (and `extra`) remain. */
async function withWatcher(t: ExecutionContext, overrides: Partial<ServerConfig> = {}) {
  const server = await startServer(t, overrides);
  const watcher = await TestClient.login(t, server.port, 'watcher');
  await watcher.join('lobby');
  const settled = (extra = 0) =>
    eventually(() => {
      const s = server.stats();
      return s.connections === 1 + extra && s.users === 1 + extra && s.rooms === 1 && s.uploadsActive === 0 && s.uploadsWaiting === 0;
    }, 'the server back to its baseline');
  return { server, port: server.port, watcher, settled };
}

const file = (text: string) => {
  const content = Buffer.from(text);
  return { content, offer: { arg: 'filename', name: 'notes.txt', size: content.length, sha256: createHash('sha256').update(content).digest('hex') } };
};

test('clients vanishing during the handshake and during login leave nothing behind, and the name is free again', async (t) => {
  const { port, watcher, settled } = await withWatcher(t);
  const hello = json({ t: 'hello', v: 1 });
  const stages: Buffer[] = [Buffer.alloc(0), hello.subarray(0, 3), hello, Buffer.concat([hello, json({ t: 'login', name: 'ghost' })])];
  for (let round = 0; round < 5; round++) {
    for (const bytes of stages) {
      const client = await HostileClient.connect(t, port);
      client.write(bytes);
      client.destroy();
    }
  }
  await settled();
  await HostileClient.login(t, port, 'ghost');
  t.is((await watcher.request('/who')).t, 'reply');
});

test('a client vanishing in the middle of commands: its room is told, and the user is gone', async (t) => {
  const { port, watcher, settled } = await withWatcher(t);
  for (const lines of [['/join lobby', '/who'], ['/join lobby', 'bye all', '/rooms'], ['/join other', '/join lobby', '/leave']]) {
    const client = await HostileClient.login(t, port, 'fleeting');
    client.write(...lines.map((line, i) => json({ t: 'cmd', id: i + 1, line })));
    client.destroy();
    await settled();
  }
  const left = watcher.of('left').filter((e) => e.user === 'fleeting');
  t.true(left.every((e) => e.reason === 'connection lost' || e.reason === 'left' || e.reason === 'switched'));
  t.false(watcher.connection.closed);
});

test('a command still running when its user vanishes cannot leave the user behind in a room', async (t) => {
  const { server, port, watcher, settled } = await withWatcher(t, { pluginDirs: [pluginDir(t, { 'slow-join': FAULTY_PLUGINS['slow-join'] })] });
  const client = await HostileClient.login(t, port, 'slow');
  client.command('/slowjoin');
  await eventually(() => server.stats().users === 2, 'slow logged in');
  client.destroy();
  // Wait until the server has seen the connection go: a whisper to it is refused.
  let tries = 0;
  await eventually(async () => {
    const text = `still there? ${++tries}`;
    const id = watcher.send(`/whisper slow ${text}`);
    const answer = await watcher.waitFor((e) => (e.t === 'error' && e.re === id) || (e.t === 'whisper' && e.text === text), 'whisper outcome');
    return answer.t === 'error';
  }, 'the server to see slow gone');
  const reply = await watcher.request('/release');
  t.like(reply, { t: 'reply', text: 'released 1' });
  await settled();
  t.is((await watcher.request('/rooms')).t, 'reply');
  t.false((await server.stats()).rooms > 1, 'no ghost room');
  await HostileClient.login(t, port, 'slow');
});

test('a user who vanishes while a command hangs is cleaned up at the command time limit', async (t) => {
  const { port, settled } = await withWatcher(t, { commandTimeoutMs: 300, pluginDirs: [pluginDir(t, { hang: FAULTY_PLUGINS.hang })] });
  const client = await HostileClient.login(t, port, 'stuck');
  client.command('/join lobby');
  client.command('/hang');
  await client.waitFor((m) => m.t === 'joined' && m.user === 'stuck', 'joined');
  client.destroy();
  await settled();
  await HostileClient.login(t, port, 'stuck');
  t.pass();
});

test('plugins that throw, at once or after an await, give the user COMMAND_FAILED, are logged with their stack, and harm nothing', async (t) => {
  const logFile = join(tempDir(t, 'chatserver-log-'), 'server.log');
  const { port, watcher } = await withWatcher(t, { logFile, pluginDirs: [pluginDir(t, { boom: FAULTY_PLUGINS.boom, 'boom-later': FAULTY_PLUGINS['boom-later'] })] });
  const user = await TestClient.login(t, port, 'user');
  await user.join('lobby');
  t.like(await user.refused('/boom'), { code: 'COMMAND_FAILED', message: '/boom failed because of an internal error; it has been logged' });
  t.like(await user.refused('/boomlater'), { code: 'COMMAND_FAILED' });
  user.send('still here');
  await watcher.waitFor((e) => e.t === 'message' && e.text === 'still here', 'the next line');
  await eventually(() => /TypeError: plugin bug/.test(readFileSync(logFile, 'utf8')) && /RangeError: async plugin bug/.test(readFileSync(logFile, 'utf8')), 'stacks in the log');
  t.regex(readFileSync(logFile, 'utf8'), /error "command \/boom from .*boom\.mjs failed for user"/);
});

test('a queued upload whose sender vanishes leaves the queue; the running one finishes and the next starts', async (t) => {
  const { server, port } = await withWatcher(t, { uploadSlots: 1 });
  const bob = await HostileClient.login(t, port, 'bob');
  const first = await HostileClient.login(t, port, 'first');
  const waiting = await HostileClient.login(t, port, 'waiting');
  const { content, offer } = file('first file\n');
  first.command('/sendfile notes.txt bob', { files: [offer] });
  const started = await first.waitFor((m) => m.t === 'upload-go', 'first go');
  waiting.command('/sendfile notes.txt bob', { files: [offer] });
  await waiting.waitFor((m) => m.t === 'upload-queued' && m.position === 1, 'queued');
  waiting.destroy();
  await eventually(() => server.stats().uploadsWaiting === 0 && server.stats().users === 3, 'the queue empty');
  t.is(server.stats().uploadsActive, 1);
  first.write(encodeChunkFrame(started.transfer as number, content), json({ t: 'upload-end', transfer: started.transfer }));
  await first.waitFor((m) => m.t === 'upload-done', 'first done');
  t.false(bob.received.some((m) => m.t === 'file-start' && m.from === 'waiting'), 'the vanished upload never started');
  const next = await HostileClient.login(t, port, 'next');
  next.command('/sendfile notes.txt bob', { files: [offer] });
  await next.waitFor((m) => m.t === 'upload-go', 'the slot is free');
});

test('a sender vanishing mid-upload: the recipient is told, nothing partial is kept, the permit goes to the next in line', async (t) => {
  const downloads = tempDir(t, 'chatserver-downloads-');
  const { port, settled } = await withWatcher(t, { uploadSlots: 1 });
  const bob = await TestClient.login(t, port, 'bob');
  const transfers = new Transfers(bob.connection, downloads);
  const outcomes: TransferProgress[] = [];
  transfers.on('progress', (p) => p.state === 'failed' && outcomes.push(p));
  const sender = await HostileClient.login(t, port, 'sender');
  const patient = await HostileClient.login(t, port, 'patient');
  const { content, offer } = file('x'.repeat(100_000));
  sender.command('/sendfile notes.txt bob', { files: [offer] });
  const go = await sender.waitFor((m) => m.t === 'upload-go', 'go');
  patient.command('/sendfile notes.txt bob', { files: [offer] });
  await patient.waitFor((m) => m.t === 'upload-queued', 'queued');
  sender.write(encodeChunkFrame(go.transfer as number, content.subarray(0, 40_000)));
  await bob.waitFor((e) => e.t === 'file-start', 'file-start');
  await sender.waitFor((m) => m.t === 'upload-credit', 'the bytes reached bob');
  sender.destroy();
  t.like(await bob.waitFor((e) => e.t === 'file-abort', 'file-abort'), { reason: 'sender disconnected' });
  await patient.waitFor((m) => m.t === 'upload-go', 'the next upload starts');
  await eventually(() => outcomes.length === 1, 'the download failed');
  patient.destroy(); // its download had started too
  await eventually(() => outcomes.length === 2, 'the second download failed');
  await eventually(() => readdirSync(downloads).length === 0, `no partial file, not ${readdirSync(downloads).join(', ')}`);
  await settled(1);
});

test('a download aborted before its temporary file was even opened leaves nothing behind', async (t) => {
  const downloads = tempDir(t, 'chatserver-downloads-');
  await Promise.all(Array.from({ length: 10 }, () => new Download(downloads, 'notes.txt', 10, '0'.repeat(64)).abort()));
  t.deepEqual(readdirSync(downloads), []);
});

test('a sender vanishing right after the go leaves no temporary file with the recipient', async (t) => {
  const downloads = tempDir(t, 'chatserver-downloads-');
  const { port, settled } = await withWatcher(t);
  const bob = await TestClient.login(t, port, 'bob');
  const transfers = new Transfers(bob.connection, downloads);
  let failed = 0;
  transfers.on('progress', (p) => p.state === 'failed' && failed++);
  const { offer } = file('some text');
  for (let i = 0; i < 5; i++) {
    const sender = await HostileClient.login(t, port, `sender${i}`);
    sender.command('/sendfile notes.txt bob', { files: [offer] });
    await sender.waitFor((m) => m.t === 'upload-go', 'go');
    sender.destroy();
  }
  await eventually(() => failed === 5, 'five failed downloads');
  await settled(1);
  await eventually(() => readdirSync(downloads).length === 0, `an empty downloads folder, not ${readdirSync(downloads).join(', ')}`);
  t.pass();
});

test('a recipient vanishing mid-upload: the sender is told and the permit is released', async (t) => {
  const { port, settled } = await withWatcher(t, { uploadSlots: 1 });
  const bob = await HostileClient.login(t, port, 'bob');
  const sender = await HostileClient.login(t, port, 'sender');
  const { content, offer } = file('y'.repeat(50_000));
  sender.command('/sendfile notes.txt bob', { files: [offer] });
  const go = await sender.waitFor((m) => m.t === 'upload-go', 'go');
  sender.write(encodeChunkFrame(go.transfer as number, content.subarray(0, 10_000)));
  await bob.waitFor((m) => m.t === 'chunk', 'a chunk');
  bob.destroy();
  t.like(await sender.waitFor((m) => m.t === 'upload-failed', 'upload-failed'), { reason: 'bob disconnected' });
  await settled(1);
});

test('a graceful stop is not held up by a command that never finishes', async (t) => {
  const server = await startServer(t, { commandTimeoutMs: 600_000, pluginDirs: [pluginDir(t, { hang: FAULTY_PLUGINS.hang })] });
  const client = await HostileClient.login(t, server.port, 'stuck');
  client.command('/join lobby');
  client.command('/hang');
  await client.waitFor((m) => m.t === 'joined', 'joined');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still stopping after 15 s'), 15_000)));
  t.is(await Promise.race([server.stop().then(() => 'stopped'), late]), 'stopped');
  clearTimeout(timer);
  await client.waitClosed();
});
