import { spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { formatEvent, formatTransfer } from '../client/format.js';
import type { ServerMessageOf } from '../core/protocol/messages.js';
import { FileUser, jpeg, listing, MiB, putFile, tempDir, text, TRANSFER_WAIT_MS } from './helpers/files.js';
import { RawClient } from './helpers/raw-peer.js';
import { Relay } from './helpers/relay.js';
import { startServer } from './helpers/server.js';

const PHOTO = jpeg(1 * MiB);
const FIRST = 64 * 1024;

/** Five raw senders with an upload to `to` each in progress: admitted, and their first bytes received. */
async function fiveInProgress(t: ExecutionContext, port: number, to: FileUser) {
  const senders = await Promise.all([1, 2, 3, 4, 5].map((i) => RawClient.login(t, port, `k${i}`)));
  const transfers: number[] = [];
  for (const sender of senders) {
    const go = await sender.offer(to.name, 'photo.jpg', PHOTO);
    if (go.t !== 'upload-go') throw new Error(`${sender.name} was not admitted: ${JSON.stringify(go)}`);
    await sender.stream(go.transfer, PHOTO.subarray(0, FIRST));
    transfers.push(go.transfer);
  }
  await Promise.all(transfers.map((id) => to.waitProgress((p) => p.transfer === id && p.bytes === FIRST, `the first bytes of ${id}`)));
  return { senders, transfers };
}

test('a sender killed mid-transfer: the recipient is told and keeps nothing, the permit goes to the next upload', async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const { senders, transfers } = await fiveInProgress(t, server.port, bob);
  const sixth = await FileUser.login(t, server.port, 's6');
  const notes = text(10_000);
  await sixth.sendFile(await putFile(await tempDir(t), 'notes.txt', notes), 'bob');
  t.like(await sixth.waitProgress((p) => p.state === 'queued', 'queued').then(([p]) => p), { position: 1 });

  senders[0]!.kill();
  const [failed] = await bob.waitProgress((p) => p.transfer === transfers[0] && p.state === 'failed', 'the download to fail');
  t.deepEqual(formatTransfer(failed!), ['! photo.jpg from k1 was not saved: k1 disconnected']);
  const [saved] = await bob.waitProgress((p) => p.state === 'done', 'the sixth upload to arrive');
  t.deepEqual(await readFile(saved!.path!), notes);

  for (const sender of senders.slice(1)) sender.kill();
  await bob.waitProgress((p) => p.state === 'failed', 'every killed upload to fail', 5);
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 });
  t.deepEqual(await listing(bob.downloads), ['notes.txt'], 'no partial or temporary file');

  // All five permits are free again: five new uploads start at once, none waits.
  const fresh = await Promise.all([1, 2, 3, 4, 5].map((i) => RawClient.login(t, server.port, `n${i}`)));
  for (const sender of fresh) t.like(await sender.offer('bob', 'photo.jpg', PHOTO), { t: 'upload-go' });
});

test('a recipient killed mid-transfer: every sender is told, nothing partial is kept, the permits are freed', async (t) => {
  const server = await startServer(t);
  const relay = await Relay.start(t, server.port);
  const bob = await FileUser.login(t, relay.port, 'bob');
  const carol = await FileUser.login(t, server.port, 'carol');
  const { senders, transfers } = await fiveInProgress(t, server.port, bob);
  const [toCarol, toBob] = await Promise.all(['s6', 's7'].map((name) => RawClient.login(t, server.port, name)));
  const forCarol = (await toCarol!.offer('carol', 'photo.jpg', PHOTO)) as ServerMessageOf<'upload-queued'>;
  t.like(forCarol, { t: 'upload-queued', position: 1 });
  t.like(await toBob!.offer('bob', 'photo.jpg', PHOTO), { t: 'upload-queued', position: 2 });

  relay.cut();
  for (const [i, sender] of [...senders, toBob!].entries()) {
    const failed = (await sender.waitFor((m) => m.t === 'upload-failed', 'upload-failed')) as ServerMessageOf<'upload-failed'>;
    t.is(failed.reason, 'bob disconnected', sender.name);
    if (i === 0) t.deepEqual(formatEvent(failed, sender.name), ['! upload of photo.jpg failed: bob disconnected']);
  }
  const lost = await bob.waitProgress((p) => p.state === 'failed', 'every download to fail', 5);
  t.deepEqual(lost.map((p) => p.transfer).sort(), [...transfers].sort());
  t.deepEqual(await listing(bob.downloads), [], 'no partial or temporary file');

  // The permits went back: the upload waiting for carol starts and completes.
  const go = await toCarol!.go(forCarol.transfer);
  await toCarol!.stream(go.transfer, PHOTO);
  toCarol!.end(go.transfer);
  const [saved] = await carol.received(1);
  t.deepEqual(await readFile(saved!.path!), PHOTO);
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 });
});

test('a sender leaving while queued gives up its place, and the next in line starts instead', async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const { senders, transfers } = await fiveInProgress(t, server.port, bob);
  const leaver = await FileUser.login(t, server.port, 's6');
  const next = await RawClient.login(t, server.port, 's7');
  await leaver.sendFile(await putFile(await tempDir(t), 'photo.jpg', PHOTO), 'bob');
  await leaver.waitProgress((p) => p.state === 'queued' && p.position === 1, 'queued');
  const queued = (await next.offer('bob', 'later.jpg', PHOTO)) as ServerMessageOf<'upload-queued'>;
  t.like(queued, { t: 'upload-queued', position: 2 });

  // Bob shares a room with the leaver: his notice that s6 left comes after the server let go of s6.
  await bob.join('lobby');
  await leaver.join('lobby');
  leaver.client.send('/exit');
  await bob.client.waitFor((e) => e.t === 'left' && e.user === 's6', 's6 to leave', TRANSFER_WAIT_MS);
  t.like(server.stats(), { uploadsActive: 5, uploadsWaiting: 1 });
  await leaver.client.closed;
  t.deepEqual(leaver.states('failed', 'up').map((p) => p.reason), ['the connection closed']);

  await senders[0]!.stream(transfers[0]!, PHOTO.subarray(FIRST));
  senders[0]!.end(transfers[0]!);
  const go = await next.go(queued.transfer);
  t.deepEqual(bob.client.of('file-start').map((e) => e.from), ['k1', 'k2', 'k3', 'k4', 'k5', 's7'], 's6 never started');
  await next.stream(go.transfer, PHOTO);
  next.end(go.transfer);
  for (const [i, sender] of senders.slice(1).entries()) {
    await sender.stream(transfers[i + 1]!, PHOTO.subarray(FIRST));
    sender.end(transfers[i + 1]!);
  }
  const saved = await bob.received(6);
  t.deepEqual(saved.map((p) => basename(p.path!)).sort(), ['later.jpg', 'photo (1).jpg', 'photo (2).jpg', 'photo (3).jpg', 'photo (4).jpg', 'photo.jpg']);
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 });
});

test('a file that shrinks while it is sent is cancelled by the client, and the recipient told', async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const alice = await FileUser.login(t, server.port, 'alice');
  const path = await putFile(await tempDir(t), 'photo.jpg', PHOTO);
  await alice.sendFile(path, 'bob');
  // The offer is out; the server's go cannot have been read yet, so streaming finds the file empty.
  truncateSync(path, 0);
  const reason = 'alice cancelled the upload (photo.jpg became shorter while it was being sent)';
  const [failed] = await alice.waitProgress((p) => p.state === 'failed', 'the upload to fail');
  t.is(failed!.reason, reason);
  const [lost] = await bob.waitProgress((p) => p.state === 'failed', 'the download to fail');
  t.is(lost!.reason, reason);
  t.deepEqual(await listing(bob.downloads), []);
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 });
});

test('an upload ended before all its bytes came fails on both sides', async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const go = (await mallory.offer('bob', 'photo.jpg', PHOTO)) as ServerMessageOf<'upload-go'>;
  await mallory.stream(go.transfer, PHOTO.subarray(0, FIRST));
  mallory.end(go.transfer);
  const reason = `the upload ended after ${FIRST} of ${PHOTO.length} bytes`;
  t.like(await mallory.waitFor((m) => m.t === 'upload-failed', 'upload-failed'), { reason });
  t.is((await bob.waitProgress((p) => p.state === 'failed', 'the download to fail'))[0]!.reason, reason);
  t.deepEqual(await listing(bob.downloads), []);
});

test("no one can write into, end or cancel someone else's upload", async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const [alice, mallory] = await Promise.all(['alice', 'mallory'].map((name) => RawClient.login(t, server.port, name)));
  const go = (await alice!.offer('bob', 'photo.jpg', PHOTO)) as ServerMessageOf<'upload-go'>;
  await alice!.stream(go.transfer, PHOTO.subarray(0, FIRST));
  mallory!.sendChunk(go.transfer, Buffer.from('injected'));
  mallory!.send({ t: 'upload-end', transfer: go.transfer });
  mallory!.send({ t: 'upload-cancel', transfer: go.transfer, reason: 'hijacked' });
  mallory!.sendChunk(999, Buffer.from('nowhere'));
  t.like(await mallory!.waitFor((m) => m.t === 'error', 'an error'), { code: 'UNKNOWN_TRANSFER', message: 'there is no upload 999' });
  await alice!.stream(go.transfer, PHOTO.subarray(FIRST));
  alice!.end(go.transfer);
  const [saved] = await bob.received(1);
  t.deepEqual(await readFile(saved!.path!), PHOTO, 'only alice wrote her file');
  t.deepEqual(mallory!.of('upload-failed'), []);
});

test("a client killed mid-download leaves a hidden temporary file, which the next client receiving into that folder removes", async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const alice = await FileUser.login(t, server.port, 'alice');
  // What a SIGKILLed client leaves: a part file named with its pid, now dead; one of a live client stays.
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  const orphan = `.photo.jpg.${dead}-0123456789ab.part`;
  const live = `.notes.txt.${process.pid}-ba9876543210.part`;
  mkdirSync(bob.downloads, { recursive: true });
  for (const name of [orphan, live]) writeFileSync(join(bob.downloads, name), 'partial');

  await alice.sendFile(await putFile(await tempDir(t), 'new.txt', text(1000)), 'bob');
  await bob.received(1);
  t.deepEqual(await listing(bob.downloads), [live, 'new.txt']);
});
