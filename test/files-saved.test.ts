import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { formatEvent } from '../client/format.js';
import { FILE_RESULT, type ServerMessageOf } from '../core/protocol/messages.js';
import { FileUser, putFile, tempDir, text } from './helpers/files.js';
import { RawClient } from './helpers/raw-peer.js';
import { startServer } from './helpers/server.js';

const NOTES = text(3000);

test('a recipient who cannot write to their downloads folder: the sender is told the file reached them but was not saved', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile });
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await FileUser.login(t, server.port, 'bob');
  writeFileSync(bob.downloads, 'a file where the folder should be');
  await alice.sendFile(await putFile(await tempDir(t), 't.txt', NOTES), 'bob');
  const [failed] = await alice.waitProgress((p) => p.direction === 'up' && p.state === 'failed', 'the upload to fail');
  t.is(failed!.reason, 'it reached bob but was not saved: cannot write to their downloads folder');
  t.deepEqual(alice.states('done', 'up'), [], 'alice is never told it was sent');
  const event = alice.client.of('upload-failed')[0]!;
  t.deepEqual(formatEvent(event, 'alice'), ['! upload of t.txt failed: it reached bob but was not saved: cannot write to their downloads folder']);
  t.regex(bob.states('failed')[0]!.reason!, /^cannot save into .*: EEXIST/);

  // The report settles the transfer: nothing waits any more when the server stops.
  await server.stop();
  const log = await readFile(logFile, 'utf8');
  t.regex(log, / file-delivered id=1 from=alice to=bob file=t\.txt bytes=3000 ms=\d+\n.* file-save-failed id=1 from=alice to=bob file=t\.txt reason="cannot write to their downloads folder"\n/);
  t.notRegex(log, / file-saved /);
});

test('a recipient whose client says it reports but never does: after --upload-stall the sender hears saving is unconfirmed; no one else can answer for them', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile, uploadStallMs: 1000 });
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await RawClient.login(t, server.port, 'bob', [FILE_RESULT]);
  const mallory = await RawClient.login(t, server.port, 'mallory', [FILE_RESULT]);
  await alice.sendFile(await putFile(await tempDir(t), 't.txt', NOTES), 'bob');
  const end = (await bob.waitFor((m) => m.t === 'file-end', 'file-end')) as ServerMessageOf<'file-end'>;
  t.true(end.report, 'bob is asked for a report');
  t.deepEqual(bob.bytesOf(end.transfer), NOTES);
  mallory.send({ t: 'file-result', transfer: end.transfer, saved: false, problem: 'disk-full' });
  mallory.send({ t: 'file-result', transfer: end.transfer, saved: true });

  const done = (await alice.client.waitFor((e) => e.t === 'upload-done', 'upload-done')) as ServerMessageOf<'upload-done'>;
  t.like(done, { file: 't.txt', to: 'bob', bytes: 3000, saved: false });
  t.deepEqual(formatEvent(done, 'alice'), ['* sent t.txt to bob (2.9 KiB), but bob has not confirmed saving it']);
  t.deepEqual(alice.client.of('upload-failed'), []);
  // A report after the wait is too late to change anything.
  bob.send({ t: 'file-result', transfer: end.transfer, saved: true });
  await server.stop();
  const log = await readFile(logFile, 'utf8');
  t.regex(log, / file-unconfirmed id=1 from=alice to=bob file=t\.txt reason="no word from bob's client within 1 s"\n/);
  t.notRegex(log, / file-saved | file-save-failed /);
});

test('a client that does not report saves (an older one) is not waited for: the sender hears at once that saving is unconfirmed', async (t) => {
  // A wait for a report would outlast the test by far.
  const server = await startServer(t, { uploadStallMs: 600_000 });
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await RawClient.login(t, server.port, 'bob');
  await alice.sendFile(await putFile(await tempDir(t), 't.txt', NOTES), 'bob');
  const end = (await bob.waitFor((m) => m.t === 'file-end', 'file-end')) as ServerMessageOf<'file-end'>;
  t.is(end.report, undefined, 'an older client is not asked');
  t.like(await alice.client.waitFor((e) => e.t === 'upload-done', 'upload-done'), { saved: false });
  await alice.transfers.idle();
  t.like(server.stats(), { uploadsActive: 0 });
});

test('a recipient that saved the file: the sender is told they saved it, and the log says file-saved', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile });
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await FileUser.login(t, server.port, 'bob');
  await alice.sendFile(await putFile(await tempDir(t), 't.txt', NOTES), 'bob');
  const [saved] = await bob.received(1);
  t.deepEqual(await readFile(saved!.path!), NOTES);
  const done = (await alice.client.waitFor((e) => e.t === 'upload-done', 'upload-done')) as ServerMessageOf<'upload-done'>;
  t.deepEqual(formatEvent(done, 'alice'), ['* bob saved t.txt (2.9 KiB)']);
  await server.stop();
  t.regex(await readFile(logFile, 'utf8'), / file-saved id=1 from=alice to=bob file=t\.txt\n/);
});
