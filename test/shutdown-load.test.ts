import { createHash } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import { encodeChunkFrame } from '../core/protocol/frame.js';
import { ChildServer } from './helpers/child-server.js';
import { TestClient } from './helpers/client.js';
import { HostileClient } from './helpers/hostile.js';

const CLIENTS = 30;

/** Clients in rooms of ten, each sending its next line as soon as its previous one came back. */
async function busyClients(t: ExecutionContext, port: number): Promise<TestClient[]> {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => TestClient.login(t, port, `user${i}`)));
  await Promise.all(clients.map((c, i) => c.join(`room${i % 3}`)));
  for (const client of clients) {
    let n = 0;
    const next = () => client.connection.closed || client.send(`${client.name} line ${n++}`);
    client.connection.on('event', (e) => e.t === 'message' && e.from === client.name && next());
    next();
  }
  await Promise.all(clients.map((c) => c.waitFor((e) => e.t === 'message' && e.text === `${c.name} line 20`, 'load running')));
  return clients;
}

/** An upload that has started and then stops sending: it holds a slot through the grace period. */
async function stalledUpload(t: ExecutionContext, port: number): Promise<HostileClient> {
  const content = Buffer.alloc(200_000, 'a');
  const sha256 = createHash('sha256').update(content).digest('hex');
  const sender = await HostileClient.login(t, port, 'uploader');
  sender.command('/sendfile big.txt user0', { files: [{ arg: 'filename', name: 'big.txt', size: content.length, sha256 }] });
  const go = await sender.waitFor((m) => m.t === 'upload-go', 'upload-go');
  sender.write(encodeChunkFrame(go.transfer as number, content.subarray(0, 50_000)));
  await sender.waitFor((m) => m.t === 'upload-credit', 'bytes on their way');
  return sender;
}

test('SIGINT under load: every client is told, every connection closes, the process exits 0 and the log ends with shutdown-complete', async (t) => {
  const server = await ChildServer.start(['--shutdown-grace', '0.5']);
  t.teardown(() => server.kill());
  const clients = await busyClients(t, server.port);
  const uploader = await stalledUpload(t, server.port);
  server.signal('SIGINT');
  const exit = await server.exit();
  t.deepEqual(exit, { code: 0, signal: null });
  const infos = await Promise.all(clients.map((c) => c.closed));
  t.true(infos.every((info) => info.shutdown && info.how === 'bye' && info.reason === 'server shutting down'), JSON.stringify(infos[0]));
  t.true(clients.every((c) => c.of('shutdown').length === 1));
  await uploader.waitClosed();
  t.like(
    uploader.received.find((m) => m.t === 'upload-failed'),
    { reason: 'the server shut down before the transfer finished' },
  );
  const lines = server.log().trimEnd().split('\n');
  t.regex(lines.at(-1)!, /^\S+Z shutdown-complete$/);
  t.true(lines.some((l) => / shutdown reason=SIGINT connections=31$/.test(l)));
  t.is(lines.filter((l) => / disconnect /.test(l)).length, CLIENTS + 1);
});

test('a second SIGINT exits at once, without waiting for the grace period', async (t) => {
  const server = await ChildServer.start(['--shutdown-grace', '30']);
  t.teardown(() => server.kill());
  await TestClient.login(t, server.port, 'user0');
  await stalledUpload(t, server.port);
  const watcher = await TestClient.login(t, server.port, 'watcher');
  server.signal('SIGINT');
  await watcher.waitFor((e) => e.t === 'shutdown', 'the shutdown notice');
  server.signal('SIGINT');
  t.deepEqual(await server.exit(5_000), { code: 130, signal: null });
});
