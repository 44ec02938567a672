import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { UPLOAD_WINDOW } from '../core/services/uploads.js';
import { FileUser, jpeg, listing, MiB, pdf, putFile, tempDir } from './helpers/files.js';
import { RawClient } from './helpers/raw-peer.js';
import { Relay } from './helpers/relay.js';
import { startServer } from './helpers/server.js';

test('stopping the server lets an upload in flight finish within the grace period', async (t) => {
  const server = await startServer(t, { uploadSlots: 1 });
  const bob = await FileUser.login(t, server.port, 'bob');
  const [sender, waiter, late] = await Promise.all(['m1', 'm2', 'm3'].map((name) => RawClient.login(t, server.port, name)));
  const report = pdf(1 * MiB);
  const go = await sender!.offer('bob', 'report.pdf', report);
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  await sender!.stream(go.transfer, report.subarray(0, 100_000));
  t.like(await waiter!.offer('bob', 'queued.pdf', report), { t: 'upload-queued', position: 1 });

  const stopping = server.stop();
  await sender!.waitFor((m) => m.t === 'shutdown', 'the shutdown notice');
  t.like(await waiter!.waitFor((m) => m.t === 'upload-failed', 'the queued upload to be cancelled'), { reason: 'the server is shutting down' });
  t.like(await late!.offer('bob', 'late.pdf', report), { t: 'error', message: 'the server is shutting down' });

  await sender!.stream(go.transfer, report.subarray(100_000));
  sender!.end(go.transfer);
  t.like(await sender!.waitFor((m) => m.t === 'upload-done', 'upload-done'), { file: 'report.pdf', bytes: report.length });
  const [saved] = await bob.received(1);
  t.is(saved?.path, join(bob.downloads, 'report.pdf'));
  t.deepEqual(await readFile(join(bob.downloads, 'report.pdf')), report);
  await stopping;
  t.like(await bob.client.closed, { reason: 'server shutting down', shutdown: true });
  t.deepEqual(await listing(bob.downloads), ['report.pdf']);
});

test('stopping the server cancels cleanly an upload that cannot finish in time (recipient not reading)', async (t) => {
  // Bigger than any loopback socket buffers, so it cannot drain into the kernel while bob is not reading.
  const server = await startServer(t, { shutdownGraceMs: 300, fileMaxBytes: 32 * MiB });
  const relay = await Relay.start(t, server.port);
  const bob = await FileUser.login(t, relay.port, 'bob');
  const alice = await FileUser.login(t, server.port, 'alice');
  relay.pause();
  await alice.sendFile(await putFile(await tempDir(t), 'huge.jpg', jpeg(24 * MiB)), 'bob');
  await alice.waitProgress((p) => p.bytes > UPLOAD_WINDOW, 'bytes to flow');

  const stopping = server.stop();
  const [failed] = await alice.waitProgress((p) => p.state === 'failed', 'the upload to be cancelled');
  const reason = 'the server shut down before the transfer finished';
  t.is(failed!.reason, reason);
  t.deepEqual(alice.client.of('upload-failed').map((e) => e.reason), [reason]);
  relay.resume();
  const [lost] = await bob.waitProgress((p) => p.state === 'failed', 'the download to be dropped');
  t.is(lost!.reason, reason);
  await stopping;
  t.deepEqual(await listing(bob.downloads), [], 'no partial or temporary file');
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 });
});
