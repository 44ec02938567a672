import { readFile } from 'node:fs/promises';
import test from 'ava';
import type { ServerMessageOf } from '../core/protocol/messages.js';
import { FileUser, jpeg, putFile, sha256, tempDir, text } from './helpers/files.js';
import { RawClient, type UploadAnswer } from './helpers/raw-peer.js';
import { startServer } from './helpers/server.js';

const PHOTO = jpeg(100 * 1024);

test('60 offers from one user take 2 slots and 5 queue places; another user’s upload runs at once, and one queued behind them goes first', async (t) => {
  // Flood control off: this is about the upload shares, not the command rate.
  const server = await startServer(t, { uploadSlots: 3, floodRate: 0 });
  const bob = await FileUser.login(t, server.port, 'bob');
  const [mallory, alice, carol] = await Promise.all(['mallory', 'alice', 'carol'].map((name) => RawClient.login(t, server.port, name)));
  const answers: UploadAnswer[] = [];
  for (let i = 0; i < 60; i++) answers.push(await mallory!.offer('bob', `m${i}.jpg`, PHOTO));
  t.is(answers.filter((a) => a.t === 'upload-go').length, 2);
  t.deepEqual(answers.filter((a) => a.t === 'upload-queued').map((a) => (a as ServerMessageOf<'upload-queued'>).position), [1, 2, 3, 4, 5]);
  const refused = answers.filter((a) => a.t === 'error');
  t.is(refused.length, 53);
  t.like(refused[0], { code: 'UPLOADS_BUSY', message: 'you already have 5 uploads waiting; send more once they have started' });

  const go = await alice!.offer('bob', 'a.jpg', PHOTO);
  t.like(go, { t: 'upload-go' }, 'alice does not wait behind mallory');
  const queued = await carol!.offer('bob', 'c.jpg', PHOTO);
  t.like(queued, { t: 'upload-queued', position: 6 });
  t.like(server.stats(), { uploadsActive: 3, uploadsWaiting: 6 });
  if (go.t !== 'upload-go' || queued.t !== 'upload-queued') return;

  // Alice's slot frees: mallory already runs her share, so carol's upload takes it.
  await alice!.stream(go.transfer, PHOTO);
  alice!.end(go.transfer);
  const carolGo = await carol!.go(queued.transfer);
  t.like(server.stats(), { uploadsActive: 3, uploadsWaiting: 5 });
  await carol!.stream(carolGo.transfer, PHOTO);
  carol!.end(carolGo.transfer);
  const saved = await bob.received(2);
  t.deepEqual(saved.map((p) => p.peer), ['alice', 'carol']);
  for (const p of saved) t.is(sha256(await readFile(p.path!)), sha256(PHOTO));
  t.deepEqual(bob.client.of('file-start').map((e) => e.from), ['mallory', 'mallory', 'alice', 'carol']);
});

test('an upload kept busy only by empty chunks loses its slot to the next in line', async (t) => {
  const server = await startServer(t, { uploadSlots: 1, uploadStallMs: 1000 });
  const bob = await FileUser.login(t, server.port, 'bob');
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const alice = await FileUser.login(t, server.port, 'alice');
  const go = await mallory.offer('bob', 'hold.jpg', PHOTO);
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  await mallory.stream(go.transfer, PHOTO.subarray(0, 1000));
  const notes = text(5000);
  await alice.sendFile(await putFile(await tempDir(t), 'notes.txt', notes), 'bob');
  await alice.waitProgress((p) => p.state === 'queued', 'queued');
  // Before, every empty chunk counted as progress for the stall timer: the slot was held forever.
  const trickling = async () => {
    for (let i = 0; i < 50; i++) {
      if (mallory.of('upload-failed').length > 0) return true;
      mallory.sendChunk(go.transfer, Buffer.alloc(0));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  };
  t.true(await trickling(), 'the upload failed while the empty chunks were still coming');
  t.like(mallory.of('upload-failed')[0], { transfer: go.transfer });
  const [saved] = await bob.received(2);
  t.is(saved!.peer, 'alice');
  t.deepEqual(await readFile(saved!.path!), notes);
});

test('a sender slower than --upload-min-rate fails at its deadline, and both sides are told why', async (t) => {
  // 2 KiB at 1 KiB/s plus the 3 s floor: 5 s allowed. One byte every 300 ms is never a stall.
  const server = await startServer(t, { uploadStallMs: 3000, uploadMinRate: 1024 });
  const bob = await FileUser.login(t, server.port, 'bob');
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const notes = text(2048);
  const go = await mallory.offer('bob', 'notes.txt', notes);
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  for (let sent = 0; sent < 100 && mallory.of('upload-failed').length === 0; sent++) {
    mallory.sendChunk(go.transfer, notes.subarray(sent, sent + 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const failed = (await mallory.waitFor((m) => m.t === 'upload-failed', 'upload-failed')) as ServerMessageOf<'upload-failed'>;
  t.regex(
    failed.reason,
    /^notes\.txt was too slow: \d+ bytes of 2 KiB arrived in the 5 s allowed \(at least 1 KiB\/s, plus 3 s\); mallory is not sending fast enough$/,
  );
  const [ended] = await bob.waitProgress((p) => p.transfer === go.transfer && p.state === 'failed', 'the download to fail');
  t.is(ended!.reason, failed.reason);
  t.like(server.stats(), { uploadsActive: 0 });
});
