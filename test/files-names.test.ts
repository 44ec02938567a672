import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import test from 'ava';
import { Download } from '../client/downloads.js';
import { formatEvent } from '../client/format.js';
import { safeFileName } from '../core/protocol/file-rules.js';
import { FileUser, listing, putFile, sha256, tempDir, text } from './helpers/files.js';
import { RawClient } from './helpers/raw-peer.js';
import { startServer } from './helpers/server.js';

const HOSTILE: [offered: string, saved: string][] = [
  ['../../x.txt', 'x.txt'],
  ['/etc/passwd.txt', 'passwd.txt'],
  ['..\\..\\windows.txt', 'windows.txt'],
  ['C:\\Users\\bob\\evil.txt', 'evil.txt'],
  ['bell\u0007 and\u001b[31m red\r\n.txt', 'bell and[31m red.txt'],
  ['\u202etxt.exe.txt', 'txt.exe.txt'],
  ['ad\u200bmin\u200d\ufeff\u2060.txt', 'admin.txt'],
  ['tags\u{e0001}\u{e0061}\u{e007f}.txt', 'tags.txt'],
  ['line\u2028para\u2029.txt', 'linepara.txt'],
  // Names Windows gives to devices, whatever the case or extension: saved with a prefix.
  ['aux.txt', '_aux.txt'],
  ['CON.txt', '_CON.txt'],
  ['nul.tar.txt', '_nul.tar.txt'],
  ['Com1.txt', '_Com1.txt'],
  ['lpt9 .txt', '_lpt9 .txt'],
  ['prn.txt. .', '_prn.txt'],
  ['conin$.txt', '_conin$.txt'],
  ['.hidden.txt', 'hidden.txt'],
  ['a:b|c?.txt', 'a_b_c_.txt'],
  [`${'a'.repeat(296)}.txt`, `${'a'.repeat(96)}.txt`],
  // 300 characters of three bytes each: bounded in bytes too, so the file system takes it.
  [`${'日'.repeat(296)}.txt`, `${'日'.repeat(65)}.txt`],
];

test('hostile file names land only inside the downloads folder, under a safe name', async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const sent = new Map<string, Buffer>();
  for (const [offered, saved] of HOSTILE) {
    const data = text(2048, saved);
    const go = await mallory.offer('bob', offered, data);
    if (go.t !== 'upload-go') return t.fail(`${JSON.stringify(offered)}: ${JSON.stringify(go)}`);
    t.is(go.file, saved, 'the sender is told the name that will be used');
    await mallory.stream(go.transfer, data);
    mallory.end(go.transfer);
    await mallory.waitFor((m) => (m.t === 'upload-done' || m.t === 'upload-failed') && m.transfer === go.transfer, 'the upload to end');
    sent.set(saved, data);
  }
  const saved = await bob.received(HOSTILE.length);
  t.is(saved.length, HOSTILE.length, JSON.stringify(bob.states('failed')));
  for (const p of saved) {
    t.is(dirname(p.path!), bob.downloads);
    t.deepEqual(await readFile(p.path!), sent.get(basename(p.path!)), basename(p.path!));
  }
  t.deepEqual(await listing(bob.downloads), HOSTILE.map(([, name]) => name).sort(), 'nothing else, not even a temporary file');
  t.deepEqual(await listing(dirname(bob.downloads)), ['downloads'], 'nothing outside the downloads folder');
  for (const start of bob.client.of('file-start')) t.regex(formatEvent(start, 'bob')[0]!, /^\* receiving [^\n\r\x1b]+ \(2 KiB\) from mallory$/);
});

test('a name with nothing safe left in it is refused, naming what is left', async (t) => {
  const server = await startServer(t);
  await FileUser.login(t, server.port, 'bob');
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const refusal = (name: string) => `${name} has no file extension; only .txt .pdf .jpg .png files can be sent`;
  t.like(await mallory.offer('bob', '../../', text(10)), { t: 'error', message: refusal('file') });
  t.like(await mallory.offer('bob', '/tmp/.txt', text(10)), { t: 'error', message: refusal('txt') });
  t.like(await mallory.offer('bob', '\u0000\u0001', text(10)), { t: 'error', message: refusal('file') });
});

test('safe names stay within 255 bytes, never split a character, and are safe already when sanitised again', (t) => {
  for (const [offered] of HOSTILE) t.true(Buffer.byteLength(safeFileName(offered)) <= 200, offered);
  const emoji = safeFileName(`x${'😀'.repeat(150)}.png`);
  t.true(emoji.endsWith('.png'));
  t.is(Buffer.from(emoji).toString(), emoji, 'no half of a surrogate pair');
  for (const [offered, saved] of HOSTILE) t.is(safeFileName(saved), saved, `sanitising ${JSON.stringify(offered)} twice changes nothing`);
});

test('three files named small.txt from different senders are all kept, none overwritten', async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const senders = await Promise.all(['ann', 'ben', 'cid'].map((name) => FileUser.login(t, server.port, name)));
  const contents = new Map(senders.map((s) => [s.name, Buffer.from(`small file from ${s.name}\n`)]));
  await Promise.all(
    senders.map(async (s) => s.sendFile(await putFile(await tempDir(t), 'small.txt', contents.get(s.name)!), 'bob')),
  );
  const saved = await bob.received(3);
  t.deepEqual(saved.map((p) => basename(p.path!)).sort(), ['small (1).txt', 'small (2).txt', 'small.txt']);
  for (const p of saved) t.deepEqual(await readFile(p.path!), contents.get(p.peer), `${p.path} holds what ${p.peer} sent`);
  t.deepEqual(await listing(bob.downloads), ['small (1).txt', 'small (2).txt', 'small.txt']);
});

test('a file already in the downloads folder is never overwritten', async (t) => {
  const server = await startServer(t);
  const bob = await FileUser.login(t, server.port, 'bob');
  const alice = await FileUser.login(t, server.port, 'alice');
  await mkdir(bob.downloads, { recursive: true });
  await writeFile(join(bob.downloads, 'report.txt'), 'my own report\n');
  await writeFile(join(bob.downloads, 'report (1).txt'), 'my own second report\n');
  await alice.sendFile(await putFile(await tempDir(t), 'report.txt', Buffer.from('alice report\n')), 'bob');
  const [saved] = await bob.received(1);
  t.is(saved!.path, join(bob.downloads, 'report (2).txt'));
  t.is(await readFile(join(bob.downloads, 'report.txt'), 'utf8'), 'my own report\n');
  t.is(await readFile(join(bob.downloads, 'report (1).txt'), 'utf8'), 'my own second report\n');
  t.is(await readFile(saved!.path!, 'utf8'), 'alice report\n');
});

test('only the device names themselves are prefixed, not names that start like them', (t) => {
  for (const name of ['console.txt', 'auxiliary.txt', 'com10.txt', 'lpt.txt', 'nullish.txt', 'my aux.txt', 'a.aux.txt']) t.is(safeFileName(name), name);
  for (const name of ['COM0.txt', 'com\u00b9.txt', 'LPT\u00b3.txt', 'CONOUT$.txt', 'AuX']) t.is(safeFileName(name), `_${name}`);
});

test('the receiving client saves under a safe name whatever name a server announces', async (t) => {
  const folder = join(await tempDir(t), 'downloads');
  const data = text(100);
  for (const [offered, saved] of HOSTILE.filter(([name]) => name.length < 50)) {
    const download = new Download(folder, offered, data.length, sha256(data));
    download.write(data);
    const path = await download.complete();
    t.is(dirname(path), folder);
    t.is(basename(path), saved, JSON.stringify(offered));
  }
});
