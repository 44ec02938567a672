import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { formatEvent, formatTransfer } from '../client/format.js';
import { FileProblem } from '../client/transfers.js';
import type { ServerMessageOf } from '../core/protocol/messages.js';
import { FileUser, jpeg, listing, MiB, pdf, putFile, sha256, tempDir, text } from './helpers/files.js';
import { RawClient } from './helpers/raw-peer.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';

const offered = (user: FileUser, count = 1) => user.waitProgress((p) => p.direction === 'down' && p.state === 'offered', 'a file offered', count);
const upEnded = (user: FileUser) => user.waitProgress((p) => p.direction === 'up' && (p.state === 'done' || p.state === 'failed'), 'the upload to end');

test('a recipient who asks first: nothing is written before /accept; the sender waits, hears accepted, then saved', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile });
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await FileUser.login(t, server.port, 'bob', 'ask');
  const data = pdf(300 * 1024);
  await alice.sendFile(await putFile(await tempDir(t), 'report.pdf', data), 'bob');

  const [offer] = await offered(bob);
  t.deepEqual(formatTransfer(offer!), ['* alice wants to send you report.pdf (300 KiB): /accept or /decline']);
  const waiting = (await alice.client.waitFor((e) => e.t === 'upload-offered', 'upload-offered')) as ServerMessageOf<'upload-offered'>;
  t.deepEqual(formatEvent(waiting, 'alice'), ['* waiting for bob to accept report.pdf (they have 2 min to answer)']);
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 }, 'an offer holds no upload slot and no place in the queue');
  t.deepEqual(await listing(bob.downloads), [], 'nothing is written before acceptance');

  t.true(bob.transfers.answerLine('/accept'));
  const [saved] = await bob.received(1);
  t.is(sha256(await readFile(saved!.path!)), sha256(data));
  await upEnded(alice);
  const accepted = alice.states('accepted', 'up');
  t.deepEqual(accepted.map((p) => formatTransfer(p)), [['* bob accepted report.pdf']]);
  t.like(alice.client.of('upload-done'), [{ to: 'bob', saved: true }]);
  const log = await readFile(logFile, 'utf8');
  t.regex(log, / file-offered id=\d+ from=alice to=bob file=report\.pdf/);
  t.regex(log, / file-accepted id=\d+ from=alice to=bob/);
});

test('/decline: the sender is told, and nothing reaches the recipient', async (t) => {
  const server = await startServer(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await FileUser.login(t, server.port, 'bob', 'ask');
  await alice.sendFile(await putFile(await tempDir(t), 'photo.jpg', jpeg(100 * 1024)), 'bob');
  await offered(bob);
  bob.transfers.answerLine('/decline photo.jpg');
  await upEnded(alice);
  t.deepEqual(alice.client.of('upload-failed').map((e) => formatEvent(e, 'alice')), [['! upload of photo.jpg failed: bob declined it']]);
  t.deepEqual(formatTransfer(bob.states('declined')[0]!), ['* declined photo.jpg (100 KiB) from alice']);
  await bob.client.barrier();
  t.deepEqual(bob.client.of('file-start'), []);
  t.deepEqual(await listing(bob.downloads), []);
  t.deepEqual(bob.transfers.pending(), []);
});

test('an offer nobody answers is withdrawn after --offer-timeout, on both sides', async (t) => {
  const server = await startServer(t, { offerTimeoutMs: 300 });
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await FileUser.login(t, server.port, 'bob', 'ask');
  await alice.sendFile(await putFile(await tempDir(t), 'notes.txt', text(2000)), 'bob');
  await offered(bob);
  await upEnded(alice);
  t.deepEqual(alice.client.of('upload-failed').map((e) => e.reason), ['bob did not answer within 0.3 s']);
  const [gone] = await bob.waitProgress((p) => p.state === 'failed', 'the offer withdrawn');
  t.deepEqual(formatTransfer(gone!), ['! notes.txt from alice was not saved: you did not answer within 0.3 s']);
  t.deepEqual(bob.transfers.pending(), []);
  t.throws(() => bob.transfers.answerLine('/accept'), { instanceOf: FileProblem, message: 'no file is waiting for an answer' });
});

test('several offers: /accept alone asks which; by file, by sender, or all; a stale answer is ignored', async (t) => {
  const server = await startServer(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const carol = await FileUser.login(t, server.port, 'carol');
  const bob = await FileUser.login(t, server.port, 'bob', 'ask');
  const dir = await tempDir(t);
  await alice.sendFile(await putFile(dir, 'a.txt', text(100, 'a')), 'bob');
  await alice.sendFile(await putFile(dir, 'b.txt', text(100, 'b')), 'bob');
  await carol.sendFile(await putFile(await tempDir(t), 'a.txt', text(100, 'c')), 'bob');
  await offered(bob, 3);
  t.throws(() => bob.transfers.answerLine('/accept'), {
    message: '3 files are waiting: a.txt from alice, b.txt from alice, a.txt from carol; say which (/accept FILE, /accept USER or /accept all)',
  });
  t.throws(() => bob.transfers.answerLine('/accept a.txt'), { message: '2 files called a.txt are waiting, from alice, carol; say whose (/accept USER)' });
  t.throws(() => bob.transfers.answerLine('/decline zed'), { message: 'no file called zed, or from zed, is waiting; waiting: a.txt from alice, b.txt from alice, a.txt from carol' });
  t.throws(() => bob.transfers.answerLine('/accept a b'), { message: 'too many arguments for /accept; usage: /accept [file|user|all]' });
  bob.transfers.answerLine('/accept carol');
  bob.transfers.answerLine('/decline b.txt');
  t.deepEqual(bob.transfers.pending().map((o) => `${o.name} ${o.from}`), ['a.txt alice']);
  bob.transfers.answerLine('/accept all');
  const saved = await bob.received(2);
  t.deepEqual(saved.map((p) => p.peer).sort(), ['alice', 'carol']);
  t.deepEqual((await Promise.all(saved.map((p) => readFile(p.path!, 'utf8')))).map((s) => s[0]).sort(), ['a', 'c']);
  // An answer to a transfer that is over, or is not ours, changes nothing.
  const stale = bob.client.of('file-start')[0]!.transfer;
  bob.client.connection.write({ t: 'file-answer', transfer: stale, accept: true });
  alice.client.connection.write({ t: 'file-answer', transfer: stale, accept: false });
  await bob.client.barrier();
  t.deepEqual(bob.client.of('error'), []);
});

test('--accept-files none declines every offer at once; the sender is told', async (t) => {
  const server = await startServer(t);
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await FileUser.login(t, server.port, 'bob', 'none');
  await alice.sendFile(await putFile(await tempDir(t), 'photo.jpg', jpeg(10 * 1024)), 'bob');
  await upEnded(alice);
  t.deepEqual(alice.client.of('upload-failed').map((e) => e.reason), ['bob declined it']);
  t.deepEqual(formatTransfer(bob.states('declined')[0]!), ['* declined photo.jpg (10 KiB) from alice: files are refused (--accept-files none)']);
  t.deepEqual(await listing(bob.downloads), []);
});

test('offers waiting are capped per recipient and per sender; a sender who leaves takes theirs back', async (t) => {
  const server = await startServer(t, { offersPerUser: 2 });
  const alice = await FileUser.login(t, server.port, 'alice');
  await FileUser.login(t, server.port, 'carol', 'ask');
  const bob = await FileUser.login(t, server.port, 'bob', 'ask');
  const path = await putFile(await tempDir(t), 'photo.jpg', jpeg(10 * 1024));
  await alice.sendFile(path, 'bob');
  await alice.sendFile(path, 'bob');
  await offered(bob, 2);
  await alice.sendFile(path, 'bob');
  const full = (await alice.client.waitFor((e) => e.t === 'error', 'the third offer refused')) as ServerMessageOf<'error'>;
  t.like(full, { code: 'UPLOADS_BUSY', message: 'bob already has 2 files waiting for an answer; try again later' });
  await alice.sendFile(path, 'carol');
  const mine = (await alice.client.waitForNew((e) => e.t === 'error', 'the offer to carol refused')) as ServerMessageOf<'error'>;
  t.is(mine.message, 'you already have 2 files waiting for an answer; send more once they are answered');

  await alice.client.connection.close();
  await bob.waitProgress((p) => p.state === 'failed', 'the offers withdrawn', 2);
  t.deepEqual(bob.transfers.pending(), []);
  t.deepEqual(bob.states('failed').map((p) => p.reason), ['alice disconnected', 'alice disconnected']);
});

test('the recipient may refuse only an offer made to them; a client that never asks is sent files as before', async (t) => {
  const server = await startServer(t, { uploadSlots: 1 });
  const alice = await FileUser.login(t, server.port, 'alice');
  const bob = await FileUser.login(t, server.port, 'bob', 'ask');
  const dave = await RawClient.login(t, server.port, 'dave');
  const photo = jpeg(64 * 1024);
  const path = await putFile(await tempDir(t), 'photo.jpg', photo);
  await alice.sendFile(path, 'bob');
  const [offer] = await offered(bob);
  // dave answers bob's offer: not his to answer.
  dave.send({ t: 'file-answer', transfer: offer!.transfer, accept: false });
  await alice.sendFile(path, 'dave');
  const end = (await dave.waitFor((m) => m.t === 'file-end', 'file-end')) as ServerMessageOf<'file-end'>;
  t.deepEqual(dave.bytesOf(end.transfer), photo, 'the one upload slot was free while bob thought it over');
  t.deepEqual(bob.transfers.pending().map((o) => o.transfer), [offer!.transfer], "bob's offer is still his to answer");
  bob.transfers.answerLine('/accept');
  t.is((await bob.received(1)).length, 1);
});

test('across nodes: an offer reaches its recipient on another node, and their answer comes back', async (t) => {
  const redis = await TestRedis.start(t);
  const [one, two] = await Promise.all([0, 1].map(() => startServer(t, { redisUrl: redis.url })));
  const alice = await FileUser.login(t, one!.port, 'alice');
  const bob = await FileUser.login(t, two!.port, 'bob', 'ask');
  const carol = await FileUser.login(t, two!.port, 'carol');
  const paper = pdf(MiB);
  const path = await putFile(await tempDir(t), 'paper.pdf', paper);
  await alice.sendFile(path, 'bob');
  await offered(bob);
  await alice.client.waitFor((e) => e.t === 'upload-offered', 'upload-offered');
  bob.transfers.answerLine('/decline');
  await upEnded(alice);
  t.deepEqual(alice.client.of('upload-failed').map((e) => e.reason), ['bob declined it']);

  await alice.sendFile(path, 'bob');
  await offered(bob, 2);
  bob.transfers.answerLine('/accept');
  t.is(sha256(await readFile((await bob.received(1))[0]!.path!)), sha256(paper));

  // carol's client takes every file: her node answers for her, and the file comes as before.
  await alice.sendFile(path, 'carol');
  t.is(sha256(await readFile((await carol.received(1))[0]!.path!)), sha256(paper));
  t.deepEqual(carol.states('offered'), []);
});
