import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import test from 'ava';
import type { ServerMessageOf } from '../core/protocol/messages.js';
import { UPLOAD_WINDOW } from '../core/services/uploads.js';
import { ChildServer } from './helpers/child-server.js';
import { FileUser, jpeg, listing, MiB, pdf, putFile, sha256, tempDir } from './helpers/files.js';
import { RawClient } from './helpers/raw-peer.js';
import { eventually } from './helpers/hostile.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';

async function network(t: Parameters<typeof TestRedis.start>[0], uploadSlots?: number) {
  const redis = await TestRedis.start(t);
  const servers = await Promise.all([0, 1, 2].map(() => startServer(t, { redisUrl: redis.url, ...(uploadSlots ? { uploadSlots } : {}) })));
  return servers.map((s) => s.port);
}

test('files from two other nodes at once reach their recipient byte-identical', async (t) => {
  const ports = await network(t);
  const alice = await FileUser.login(t, ports[0]!, 'alice');
  const bob = await FileUser.login(t, ports[1]!, 'bob');
  const carol = await FileUser.login(t, ports[2]!, 'carol');
  const photo = jpeg(3 * MiB);
  const paper = pdf(MiB + 12345);
  await alice.sendFile(await putFile(await tempDir(t), 'photo.jpg', photo), 'Bob');
  await carol.sendFile(await putFile(await tempDir(t), 'paper.pdf', paper), 'bob');
  const saved = await bob.received(2);
  t.is(saved.length, 2, JSON.stringify(bob.states('failed')));
  const byName = Object.fromEntries(await Promise.all(saved.map(async (p) => [p.name, await readFile(p.path!)] as const)));
  t.is(sha256(byName['photo.jpg']!), sha256(photo));
  t.is(sha256(byName['paper.pdf']!), sha256(paper));
  t.not(saved[0]!.transfer, saved[1]!.transfer, 'transfer ids are unique across the network');
  for (const sender of [alice, carol]) await sender.waitProgress((p) => p.direction === 'up' && p.state === 'done', 'the upload to be done');
});

test('across nodes the sender hears what became of each file: saved, not saved and why, or unconfirmed (an older client)', async (t) => {
  const ports = await network(t);
  const alice = await FileUser.login(t, ports[0]!, 'alice');
  const bob = await FileUser.login(t, ports[1]!, 'bob');
  const carol = await FileUser.login(t, ports[2]!, 'carol');
  const dave = await RawClient.login(t, ports[2]!, 'dave');
  writeFileSync(carol.downloads, 'a file where the folder should be');
  const dir = await tempDir(t);
  const photo = jpeg(300 * 1024);
  const path = await putFile(dir, 'photo.jpg', photo);
  await alice.sendFile(path, 'bob');
  await alice.sendFile(path, 'carol');
  const outcomes = await alice.waitProgress((p) => p.direction === 'up' && (p.state === 'done' || p.state === 'failed'), 'both uploads to end', 2);
  t.like(alice.client.of('upload-done'), [{ to: 'bob', saved: true }]);
  t.deepEqual(alice.client.of('upload-failed').map((e) => e.reason), ['it reached carol but was not saved: cannot write to their downloads folder']);
  t.is(outcomes.length, 2);
  t.is(sha256(await readFile((await bob.received(1))[0]!.path!)), sha256(photo));

  await alice.sendFile(path, 'dave');
  const end = (await dave.waitFor((m) => m.t === 'file-end', 'file-end')) as ServerMessageOf<'file-end'>;
  t.deepEqual(dave.bytesOf(end.transfer), photo);
  await alice.waitProgress((p) => p.direction === 'up' && p.state === 'done' && p.peer === 'dave', 'the upload to dave to end');
  t.like(alice.client.of('upload-done').find((e) => e.to === 'dave'), { saved: false });
});

test('a corrupted chunk fails the digest check across nodes, and both sides are told', async (t) => {
  const ports = await network(t);
  const bob = await FileUser.login(t, ports[1]!, 'bob');
  const mallory = await RawClient.login(t, ports[0]!, 'mallory');
  const data = jpeg(600 * 1024);
  const go = await mallory.offer('bob', 'photo.jpg', data);
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  const corrupted = Buffer.from(data);
  corrupted[500_000] ^= 0x01;
  await mallory.stream(go.transfer, corrupted); // credit comes back only as bob's socket takes the bytes
  mallory.end(go.transfer);
  const reason = 'checksum mismatch: photo.jpg was corrupted on the way';
  t.like(await mallory.waitFor((m) => m.t === 'upload-failed', 'upload-failed'), { transfer: go.transfer, reason });
  const [ended] = await bob.waitProgress((p) => p.transfer === go.transfer && p.state === 'failed', 'the download to fail');
  t.is(ended!.reason, reason);
  t.deepEqual(await listing(bob.downloads), [], 'no file, partial or temporary, is left');
});

test('a recipient on another node who is gone fails the upload, and the permit is free again', async (t) => {
  const ports = await network(t, 1);
  const bob = await FileUser.login(t, ports[1]!, 'bob');
  const mallory = await RawClient.login(t, ports[0]!, 'mallory');
  const data = jpeg(200 * 1024);
  const go = (await mallory.offer('bob', 'photo.jpg', data)) as ServerMessageOf<'upload-go'>;
  t.is(go.t, 'upload-go');
  bob.client.connection.close();
  await eventually(async () => {
    mallory.command('/who');
    const reply = await mallory.waitForNew((m) => m.t === 'reply', 'the answer to /who');
    return reply.t === 'reply' && reply.text === 'online (1): mallory';
  }, 'bob to be gone');
  await mallory.stream(go.transfer, data.subarray(0, 64 * 1024));
  t.like(await mallory.waitFor((m) => m.t === 'upload-failed', 'upload-failed'), { transfer: go.transfer, reason: 'bob is no longer online' });
  await FileUser.login(t, ports[2]!, 'bob');
  t.like(await mallory.offer('bob', 'photo.jpg', data), { t: 'upload-go' }, 'the only permit of the node is free');
});

test('the upload limit applies per node', async (t) => {
  const ports = await network(t, 1);
  await FileUser.login(t, ports[1]!, 'bob');
  const [m1, m2, m3] = await Promise.all([RawClient.login(t, ports[0]!, 'm1'), RawClient.login(t, ports[0]!, 'm2'), RawClient.login(t, ports[2]!, 'm3')]);
  const data = jpeg(100 * 1024);
  t.like(await m1!.offer('bob', 'a.jpg', data), { t: 'upload-go' });
  t.like(await m2!.offer('bob', 'b.jpg', data), { t: 'upload-queued', position: 1 }, 'the node of m1 and m2 has one permit, in use');
  t.like(await m3!.offer('bob', 'c.jpg', data), { t: 'upload-go' }, 'another node has its own');
});

test('transfer ids stay unique when Redis restarts empty', async (t) => {
  const redis = await TestRedis.start(t);
  const [one, two] = await Promise.all([startServer(t, { redisUrl: redis.url }), startServer(t, { redisUrl: redis.url })]);
  await FileUser.login(t, two!.port, 'bob');
  const mallory = await RawClient.login(t, one!.port, 'mallory');
  const data = jpeg(1000);
  const ids = [];
  // Two start and one waits (one sender's share): each has its id.
  for (let i = 0; i < 3; i++) ids.push(((await mallory.offer('bob', 'a.jpg', data)) as ServerMessageOf<'upload-go' | 'upload-queued'>).transfer);
  await redis.stop();
  await redis.resume();
  let again: ServerMessageOf<'upload-queued'> | undefined;
  await eventually(async () => {
    const answer = await mallory.offer('bob', 'b.jpg', data);
    if (answer.t === 'upload-queued') again = answer;
    return again !== undefined;
  }, 'an upload to be accepted after the restart', 20_000);
  t.true(again!.transfer > Math.max(...ids), `${again!.transfer} after ${ids.join(', ')}`);
});

test("while the recipient's node is frozen, the sender gets no credit beyond the window; the file arrives whole once it thaws", async (t) => {
  const redis = await TestRedis.start(t);
  const one = await startServer(t, { redisUrl: redis.url });
  const two = await ChildServer.start(['--redis', redis.url]);
  t.teardown(() => two.kill());
  const bob = await FileUser.login(t, two.port, 'bob');
  const mallory = await RawClient.login(t, one.port, 'mallory');
  const data = jpeg(MiB);
  const go = (await mallory.offer('bob', 'photo.jpg', data)) as ServerMessageOf<'upload-go'>;
  t.like(go, { t: 'upload-go', window: UPLOAD_WINDOW });

  two.signal('SIGSTOP'); // bob's node takes nothing from Redis and writes nothing to bob
  t.teardown(() => two.signal('SIGCONT'));
  await mallory.stream(go.transfer, data.subarray(0, UPLOAD_WINDOW)); // all the credit there is
  mallory.command('/help help'); // answered after the chunks before it have been handled
  await mallory.waitFor((m) => m.t === 'reply', 'the answer to /help');
  t.is(mallory.of('upload-credit').length, 0, 'no credit while the recipient cannot be written to');

  two.signal('SIGCONT');
  await mallory.stream(go.transfer, data.subarray(UPLOAD_WINDOW));
  mallory.end(go.transfer);
  const [saved] = await bob.received(1);
  t.is(sha256(await readFile(saved!.path!)), sha256(data));
  t.like(await mallory.waitFor((m) => m.t === 'upload-done', 'upload-done'), { bytes: MiB });
});
