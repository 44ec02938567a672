import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { Download } from '../client/downloads.js';
import { formatEvent, formatTransfer } from '../client/format.js';
import { FileProblem } from '../client/transfers.js';
import type { ServerConfig } from '../core/config.js';
import type { ServerMessageOf } from '../core/protocol/messages.js';
import { FileUser, jpeg, LIMIT, listing, MiB, pdf, putFile, sha256, tempDir, text, TRANSFER_WAIT_MS } from './helpers/files.js';
import { RawClient } from './helpers/raw-peer.js';
import { startServer } from './helpers/server.js';

/** A server, bob waiting for files with the real client, and a folder to send from. */
async function setup(t: ExecutionContext, overrides: Partial<ServerConfig> = {}) {
  const server = await startServer(t, overrides);
  const bob = await FileUser.login(t, server.port, 'bob');
  return { server, bob, dir: await tempDir(t) };
}

/** The client refuses a local file before offering it, in these exact words. */
async function refusedLocally(t: ExecutionContext, sender: FileUser, path: string, words: string): Promise<void> {
  const error = await t.throwsAsync(sender.sendFile(path, 'bob'), { instanceOf: FileProblem });
  t.is(error?.message, words);
}

/** A transfer that failed after it started: the sender and bob are both told why, and bob keeps nothing. */
async function failedOnBothSides(t: ExecutionContext, sender: RawClient, bob: FileUser, transfer: number, reason: string): Promise<void> {
  const failed = (await sender.waitFor((m) => m.t === 'upload-failed' && m.transfer === transfer, 'upload-failed')) as ServerMessageOf<'upload-failed'>;
  t.is(failed.reason, reason);
  t.deepEqual(formatEvent(failed, sender.name), [`! upload of ${failed.file} failed: ${reason}`]);
  const [ended] = await bob.waitProgress((p) => p.transfer === transfer && p.state === 'failed', 'the download to fail');
  t.is(ended!.reason, reason);
  t.deepEqual(formatTransfer(ended!), [`! ${failed.file} from ${sender.name} was not saved: ${reason}`]);
  t.deepEqual(await listing(bob.downloads), [], 'no file, partial or temporary, is left');
}

test('a file of exactly 3 MiB is accepted and arrives byte-identical', async (t) => {
  const { server, bob, dir } = await setup(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const data = jpeg(LIMIT);
  await alice.sendFile(await putFile(dir, 'exact.jpg', data), 'bob');
  const [saved] = await bob.received(1);
  t.is(saved!.path, join(bob.downloads, 'exact.jpg'));
  t.is(sha256(await readFile(saved!.path!)), sha256(data));
  t.deepEqual(formatTransfer(saved!), [`* saved exact.jpg from alice as ${saved!.path}`]);
  const done = await alice.client.waitFor((e) => e.t === 'upload-done', 'upload-done', TRANSFER_WAIT_MS);
  t.deepEqual(formatEvent(done, 'alice'), ['* bob saved exact.jpg (3 MiB)']);
});

test('a file one byte over 3 MiB is refused by the client before anything is sent', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const { server, bob, dir } = await setup(t, { logFile });
  const alice = await FileUser.login(t, server.port, 'alice');
  await refusedLocally(t, alice, await putFile(dir, 'big.jpg', jpeg(LIMIT + 1)), 'big.jpg is 3,145,729 bytes; the limit is 3 MiB');
  await refusedLocally(t, alice, await putFile(dir, 'photo.jpg', jpeg(4 * MiB)), 'photo.jpg is 4 MiB; the limit is 3 MiB');
  await alice.client.barrier();
  await server.stop();
  const log = await readFile(logFile, 'utf8');
  t.notRegex(log, /command=sendfile|file-(refused|queued|started)/, 'the server never heard of either file');
  t.deepEqual(bob.client.of('file-start'), []);
});

test('the server refuses an offer over the limit from a client that skips the check', async (t) => {
  const { server, bob } = await setup(t);
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const small = jpeg(1024);
  t.like(await mallory.offer('bob', 'big.jpg', small, { size: LIMIT + 1 }), {
    t: 'error',
    code: 'FILE_REFUSED',
    message: 'big.jpg is 3,145,729 bytes; the limit is 3 MiB',
  });
  t.like(await mallory.offer('bob', 'huge.jpg', small, { size: 4 * MiB }), { message: 'huge.jpg is 4 MiB; the limit is 3 MiB' });
  t.like(await mallory.offer('bob', 'half.jpg', small, { size: 3.5 * MiB }), { message: 'half.jpg is 3.5 MiB; the limit is 3 MiB' });
  await bob.client.barrier();
  t.deepEqual(bob.client.of('file-start'), [], 'bob never hears of a refused offer');
});

test('the server stops a client that sends more bytes than it declared', async (t) => {
  const { server, bob } = await setup(t);
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const data = text(1025);
  const go = await mallory.offer('bob', 'notes.txt', data.subarray(0, 1024));
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  mallory.sendChunk(go.transfer, data.subarray(0, 1024));
  mallory.sendChunk(go.transfer, data.subarray(1024));
  await failedOnBothSides(t, mallory, bob, go.transfer, 'more bytes were sent than the 1024 declared');
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 });
});

test('the server stops a client that sends a chunk over 64 KiB', async (t) => {
  const { server, bob } = await setup(t);
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const data = jpeg(100 * 1024);
  const go = await mallory.offer('bob', 'photo.jpg', data);
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  mallory.sendChunk(go.transfer, data);
  await failedOnBothSides(t, mallory, bob, go.transfer, 'a chunk of 102400 bytes was sent; chunks are at most 65536 bytes');
});

test('an empty chunk fails its upload on both sides; a sender that keeps sending malformed chunks is dropped', async (t) => {
  const { server, bob } = await setup(t);
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const go = await mallory.offer('bob', 'notes.txt', text(1000));
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  mallory.sendChunk(go.transfer, Buffer.alloc(0));
  await failedOnBothSides(t, mallory, bob, go.transfer, 'an empty chunk was sent; every chunk carries at least one byte');
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 }, 'the permit is free again');
  mallory.sendChunk(go.transfer, Buffer.alloc(0));
  t.like(await mallory.waitFor((m) => m.t === 'error', 'an error'), { code: 'BAD_CHUNK', message: 'an empty chunk was sent; every chunk carries at least one byte' });
  mallory.sendChunk(go.transfer, Buffer.alloc(0));
  t.like(await mallory.waitFor((m) => m.t === 'bye', 'bye'), { reason: 'dropped after 3 malformed file chunks' });
  await mallory.closed;
});

test('a .png holding text is refused by the client, and by the server when the client is bypassed', async (t) => {
  const { server, bob, dir } = await setup(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const words = 'fake.png is not really a PNG file (its content does not match its name)';
  const content = Buffer.from('these are words, not pixels\n');
  await refusedLocally(t, alice, await putFile(dir, 'fake.png', content), words);

  const mallory = await RawClient.login(t, server.port, 'mallory');
  const go = await mallory.offer('bob', 'fake.png', content);
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  await mallory.stream(go.transfer, content);
  await failedOnBothSides(t, mallory, bob, go.transfer, words);
});

test('a .txt holding NUL bytes is refused by the client and by the server', async (t) => {
  const { server, bob, dir } = await setup(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const content = Buffer.concat([text(100_000), Buffer.from([0]), text(10)]);
  const words = 'notes.txt is not a text file (it contains NUL bytes)';
  await refusedLocally(t, alice, await putFile(dir, 'notes.txt', content), words);

  const mallory = await RawClient.login(t, server.port, 'mallory');
  const go = await mallory.offer('bob', 'notes.txt', content);
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  await mallory.stream(go.transfer, content);
  await failedOnBothSides(t, mallory, bob, go.transfer, words);
});

test('an .exe is refused by the client and by the server', async (t) => {
  const { server, dir } = await setup(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const words = 'prog.exe is a .exe file; only .txt .pdf .jpg .png files can be sent';
  await refusedLocally(t, alice, await putFile(dir, 'prog.exe', Buffer.from('MZ')), words);
  await refusedLocally(t, alice, await putFile(dir, 'README', Buffer.from('hi')), 'README has no file extension; only .txt .pdf .jpg .png files can be sent');

  const mallory = await RawClient.login(t, server.port, 'mallory');
  t.like(await mallory.offer('bob', 'prog.exe', Buffer.from('MZ')), { t: 'error', code: 'FILE_REFUSED', message: words });
  t.like(await mallory.offer('bob', 'PHOTO.JPG.exe', Buffer.from('MZ')), { message: 'PHOTO.JPG.exe is a .exe file; only .txt .pdf .jpg .png files can be sent' });
});

test('extensions are matched ignoring case', async (t) => {
  const { server, bob, dir } = await setup(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const data = pdf(5000);
  await alice.sendFile(await putFile(dir, 'Report.PDF', data), 'bob');
  const [saved] = await bob.received(1);
  t.is(saved!.path, join(bob.downloads, 'Report.PDF'));
  t.is(sha256(await readFile(saved!.path!)), sha256(data));
});

test('a file for an unknown user, or for oneself, is refused', async (t) => {
  const { server, dir } = await setup(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const path = await putFile(dir, 'notes.txt', text(100));
  const id = await alice.sendFile(path, 'nobody');
  t.like(await alice.client.waitFor((e) => e.t === 'error' && e.re === id, 'refusal'), { code: 'NO_SUCH_USER', message: "notes.txt was not sent: no user named 'nobody' is online" });
  const self = await alice.sendFile(path, 'alice');
  t.like(await alice.client.waitFor((e) => e.t === 'error' && e.re === self, 'refusal'), { code: 'FILE_REFUSED', message: 'you cannot send notes.txt to yourself' });
  t.false(alice.transfers.busy, 'nothing is left pending in the client');

  const mallory = await RawClient.login(t, server.port, 'mallory');
  t.like(await mallory.offer('nobody', 'notes.txt', text(100)), { t: 'error', message: "notes.txt was not sent: no user named 'nobody' is online" });
});

test('a missing file, or a folder, is refused by the client', async (t) => {
  const { server, dir } = await setup(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  await refusedLocally(t, alice, join(dir, 'missing.txt'), `${join(dir, 'missing.txt')} does not exist`);
  await refusedLocally(t, alice, dir, `${dir} is not a regular file`);
});

test('a corrupted chunk fails the digest check, and both sides are told', async (t) => {
  const { server, bob } = await setup(t);
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const data = jpeg(300 * 1024);
  const go = await mallory.offer('bob', 'photo.jpg', data);
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  const corrupted = Buffer.from(data);
  corrupted[200_000] ^= 0x01;
  await mallory.stream(go.transfer, corrupted);
  mallory.end(go.transfer);
  await failedOnBothSides(t, mallory, bob, go.transfer, 'checksum mismatch: photo.jpg was corrupted on the way');
});

test("the recipient's own digest check rejects wrong bytes and leaves no file", async (t) => {
  const folder = await tempDir(t);
  const data = text(10_000);
  const download = new Download(folder, 'notes.txt', data.length, sha256(data));
  const wrong = Buffer.from(data);
  wrong[5000] = 0x21;
  t.is(download.write(wrong), undefined);
  await t.throwsAsync(download.complete(), { message: 'checksum mismatch: the file was corrupted on the way' });
  t.deepEqual(await listing(folder), []);

  const short = new Download(folder, 'notes.txt', data.length, sha256(data));
  short.write(data.subarray(0, 100));
  await t.throwsAsync(short.complete(), { message: 'received 100 of 10000 bytes' });
  t.deepEqual(await listing(folder), []);

  const right = new Download(folder, 'notes.txt', data.length, sha256(data));
  right.write(data);
  t.is(await right.complete(), join(folder, 'notes.txt'));
  t.deepEqual(await listing(folder), ['notes.txt']);
});

test('a download aborted right after it began leaves no temporary file', async (t) => {
  const folder = await tempDir(t);
  // file-start and file-abort can arrive together, before the temporary file has even opened.
  for (let i = 0; i < 50; i++) {
    const download = new Download(folder, 'photo.jpg', 100, 'f'.repeat(64));
    download.write(Buffer.alloc(10));
    await download.abort();
  }
  t.deepEqual(await listing(folder), []);
});

test('bytes sent while queued are refused, and a full queue answers busy', async (t) => {
  const { server } = await setup(t, { uploadSlots: 1, uploadQueue: 1 });
  const [first, second, third] = await Promise.all(['m1', 'm2', 'm3'].map((name) => RawClient.login(t, server.port, name)));
  const data = jpeg(100 * 1024);
  t.like(await first!.offer('bob', 'a.jpg', data), { t: 'upload-go' });
  const queued = await second!.offer('bob', 'b.jpg', data);
  t.like(queued, { t: 'upload-queued', position: 1, file: 'b.jpg' });
  t.deepEqual(formatEvent(queued, 'm2'), ['* upload of b.jpg queued: position 1']);
  t.like(await third!.offer('bob', 'c.jpg', data), {
    t: 'error',
    code: 'UPLOADS_BUSY',
    message: 'the upload queue is full (1 waiting); try again later',
  });
  if (queued.t !== 'upload-queued') return;
  second!.sendChunk(queued.transfer, data.subarray(0, 1000));
  t.like(await second!.waitFor((m) => m.t === 'upload-failed', 'upload-failed'), { reason: 'file bytes were sent before the upload was started' });
  t.like(server.stats(), { uploadsActive: 1, uploadsWaiting: 0 });
});

test('a file from a user the recipient ignores is refused, in words that say so', async (t) => {
  const { server } = await setup(t);
  const alice = await RawClient.login(t, server.port, 'alice');
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const ignored = alice.command('/ignore mallory');
  await alice.waitFor((m) => m.t === 'reply' && m.re === ignored, 'the ignore');
  t.like(await mallory.offer('alice', 'notes.txt', text(100)), { t: 'error', code: 'FILE_REFUSED', message: 'alice is not taking files from you' });
});
