import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import test from 'ava';
import { formatEvent } from '../client/format.js';
import type { ServerMessageOf } from '../core/protocol/messages.js';
import { UPLOAD_WINDOW } from '../core/services/uploads.js';
import { TestClient } from './helpers/client.js';
import { FileUser, jpeg, MiB, putFile, sha256, tempDir, text, TRANSFER_WAIT_MS } from './helpers/files.js';
import { RawClient } from './helpers/raw-peer.js';
import { Relay } from './helpers/relay.js';
import { startServer } from './helpers/server.js';

const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

/** The most uploads the log ever shows running at once, replaying its start and end lines. */
function mostRunning(log: string): number {
  const running = new Set<string>();
  let most = 0;
  for (const [, action, id] of log.matchAll(/ (file-started|file-delivered|file-cancelled|file-refused) id=(\d+)/g)) {
    if (action === 'file-started') running.add(id!);
    else running.delete(id!);
    most = Math.max(most, running.size);
  }
  return most;
}

test('ten senders at once: five uploads run, five wait in FIFO order, all ten arrive intact', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile });
  const bob = await FileUser.login(t, server.port, 'bob');
  const senders = [];
  for (let i = 1; i <= 10; i++) {
    const relay = await Relay.start(t, server.port);
    const user = await FileUser.login(t, relay.port, `s${i}`);
    const data = jpeg(2 * MiB);
    senders.push({ relay, user, data, path: await putFile(await tempDir(t), 'photo.jpg', data) });
  }
  // The server's own state, looked at whenever anything reaches any client.
  let busiest = 0;
  const look = () => {
    busiest = Math.max(busiest, server.stats().uploadsActive);
  };
  for (const { connection } of [bob.client, ...senders.map((s) => s.user.client)]) {
    connection.on('event', look);
    connection.on('chunk', look);
  }

  // Each sender's answer is held on the way back until all ten have offered, so no upload can
  // start streaming (and finish) before the last offer is in: the queue fills deterministically.
  for (const { relay, user, path } of senders) {
    relay.hold();
    await user.sendFile(path, 'bob');
    await relay.seen((m) => m.t === 'upload-go' || m.t === 'upload-queued', `the answer to ${user.name}`);
  }
  t.like(server.stats(), { uploadsActive: 5, uploadsWaiting: 5 });
  for (const { relay } of senders) relay.release();

  const saved = await bob.received(10);
  await Promise.all(senders.map(({ user }) => user.waitProgress((p) => p.direction === 'up' && p.state === 'done', 'upload done')));
  t.is(busiest, 5, 'never more than five uploads in progress, and five at the busiest');
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 });

  const queued = senders.slice(5).map(({ user }) => user.client.of('upload-queued')[0]);
  t.deepEqual(queued.map((q) => q?.position), [1, 2, 3, 4, 5]);
  t.deepEqual(formatEvent(queued[0]!, 's6'), ['* upload of photo.jpg queued: position 1']);
  for (const { user } of senders.slice(5)) {
    t.deepEqual(user.progress.filter((p) => p.direction === 'up').map((p) => p.state).filter((s) => s !== 'progress'), ['queued', 'started', 'done']);
  }
  t.deepEqual(
    bob.client.of('file-start').map((e) => e.from),
    senders.map(({ user }) => user.name),
    'the waiting uploads started in the order they were queued',
  );

  t.deepEqual(saved.map((p) => basename(p.path!)).sort(), ['photo.jpg', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `photo (${n}).jpg`)].sort());
  for (const p of saved) {
    const sender = senders.find(({ user }) => user.name === p.peer)!;
    t.is(sha256(await readFile(p.path!)), sha256(sender.data), `${p.path} is what ${p.peer} sent`);
  }

  await server.stop();
  const log = await readFile(logFile, 'utf8');
  t.is(mostRunning(log), 5, 'the log agrees: at most five at once');
  t.deepEqual([...log.matchAll(/ file-queued .*from=(s\d+) .*position=(\d)/g)].map((m) => `${m[1]}@${m[2]}`), ['s6@1', 's7@2', 's8@3', 's9@4', 's10@5']);
  t.is([...log.matchAll(/ file-delivered /g)].length, 10);
});

test('a chat message sent during five 3 MiB transfers is delivered before they complete', async (t) => {
  const server = await startServer(t);
  const relay = await Relay.start(t, server.port);
  const bob = await FileUser.login(t, relay.port, 'bob');
  const carol = await TestClient.login(t, server.port, 'carol');
  const senders = await Promise.all([1, 2, 3, 4, 5].map((i) => FileUser.login(t, server.port, `s${i}`)));
  const files = await Promise.all(senders.map(async () => {
    const data = jpeg(3 * MiB);
    return { data, path: await putFile(await tempDir(t), 'big.jpg', data) };
  }));

  // Bob stops reading until the message has been sent, so file bytes are queued ahead of it.
  relay.pause();
  await Promise.all(senders.map((s, i) => s.sendFile(files[i]!.path, 'bob')));
  // More than the window sent means credit came back: the server wrote those bytes to bob's socket.
  const ahead = UPLOAD_WINDOW + 64 * 1024;
  await Promise.all(senders.map((s) => s.waitProgress((p) => p.direction === 'up' && p.bytes >= ahead, 'bytes queued for bob')));
  t.like(server.stats(), { uploadsActive: 5 });

  let fileBytes = 0;
  let atMessage: { fileBytes: number; completed: number } | undefined;
  bob.client.connection.on('chunk', (_, data) => (fileBytes += data.length));
  bob.client.connection.on('event', (e) => {
    if (e.t === 'whisper' && !atMessage) atMessage = { fileBytes, completed: bob.client.of('file-end').length };
  });
  carol.send('/whisper bob chat is not stuck behind files');
  await carol.waitFor((e) => e.t === 'whisper', 'the whisper to be sent', TRANSFER_WAIT_MS);
  relay.resume();

  await bob.client.waitFor((e) => e.t === 'whisper' && e.from === 'carol', 'the whisper', TRANSFER_WAIT_MS);
  t.is(atMessage?.completed, 0, 'no transfer had completed when the message arrived');
  t.true(atMessage!.fileBytes >= 5 * 64 * 1024, `file bytes were queued ahead of the message (${atMessage!.fileBytes})`);
  const saved = await bob.received(5);
  t.is(saved.length, 5);
  for (const p of saved) t.is(sha256(await readFile(p.path!)), sha256(files[senders.findIndex((s) => s.name === p.peer)]!.data));
});

test('the log records queued, started (with the time waited), delivered, saved, refused and cancelled uploads', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile, uploadSlots: 1 });
  const bob = await FileUser.login(t, server.port, 'bob');
  const [m1, m3, m4] = await Promise.all(['m1', 'm3', 'm4'].map((name) => RawClient.login(t, server.port, name)));
  const s2 = await FileUser.login(t, server.port, 's2');
  const photo = jpeg(100 * 1024);
  const go = (await m1!.offer('bob', 'a.jpg', photo)) as ServerMessageOf<'upload-go'>;
  await m1!.stream(go.transfer, photo.subarray(0, 1000));

  const notes = text(5000);
  await s2.sendFile(await putFile(await tempDir(t), 'b.txt', notes), 'bob');
  await s2.waitProgress((p) => p.state === 'queued', 'queued');
  t.like(await m3!.offer('bob', 'c.txt', text(100)), { t: 'upload-queued', position: 2 });
  // Bob shares a room with m3: his notice that m3 is gone comes after the server cancelled m3's upload.
  await bob.join('lobby');
  m3!.command('/join lobby');
  await bob.client.waitFor((e) => e.t === 'joined' && e.user === 'm3', 'm3 to join', TRANSFER_WAIT_MS);
  m3!.kill();
  await bob.client.waitFor((e) => e.t === 'left' && e.user === 'm3', 'm3 to be gone', TRANSFER_WAIT_MS);
  t.like(await m4!.offer('bob', 'prog.exe', Buffer.from('MZ')), { t: 'error' });
  await m1!.stream(go.transfer, photo.subarray(1000));
  m1!.end(go.transfer);
  await bob.received(2);
  await server.stop();

  const log = await readFile(logFile, 'utf8');
  const expected = [
    String.raw`file-started id=1 from=m1 to=bob file=a.jpg size=102400 waited_ms=\d+`,
    String.raw`file-queued id=2 from=s2 to=bob file=b.txt size=5000 position=1`,
    String.raw`file-queued id=3 from=m3 to=bob file=c.txt size=100 position=2`,
    String.raw`file-cancelled id=3 from=m3 to=bob file=c.txt reason="m3 disconnected"`,
    String.raw`file-refused from=m4 to=bob file=prog.exe reason="prog.exe is a .exe file; only .txt .pdf .jpg .png files can be sent"`,
    String.raw`file-delivered id=1 from=m1 to=bob file=a.jpg bytes=102400 ms=\d+`,
    String.raw`file-started id=2 from=s2 to=bob file=b.txt size=5000 waited_ms=\d+`,
    String.raw`file-delivered id=2 from=s2 to=bob file=b.txt bytes=5000 ms=\d+`,
  ];
  // Bob's word that he saved a file comes after its delivery, racing with the next upload.
  const fileLines = log.split('\n').filter((line) => / file-/.test(line) && !/ file-saved /.test(line));
  t.is(fileLines.length, expected.length, fileLines.join('\n'));
  expected.forEach((pattern, i) => t.regex(fileLines[i] ?? '', new RegExp(`^${ISO} ${pattern}$`)));
  t.deepEqual([...log.matchAll(/ file-saved (.*)/g)].map((m) => m[1]), ['id=1 from=m1 to=bob file=a.jpg', 'id=2 from=s2 to=bob file=b.txt']);
  t.true(log.indexOf(' file-saved id=1 ') > log.indexOf(' file-delivered id=1 '));
});
