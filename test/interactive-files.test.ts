import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transfers, type TransferProgress } from '../client/transfers.js';
import { TestClient } from './helpers/client.js';
import { startProxy } from './helpers/proxy.js';
import { startServer } from './helpers/server.js';
import { SCREEN_WAIT_MS, Terminal } from './helpers/terminal.js';

const lastRow = (rows: string[]) => rows.filter((r) => r.length > 0).at(-1) ?? '';

function folder(t: Parameters<typeof startServer>[0]): string {
  const dir = mkdtempSync(join(tmpdir(), 'chat-files-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const jpeg = (bytes: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(bytes - 3)]);

/** The outcome of the next transfer that ends on `transfers`. */
function ended(transfers: Transfers): Promise<TransferProgress> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no transfer ended')), SCREEN_WAIT_MS);
    transfers.on('progress', (p) => {
      if (p.state !== 'done' && p.state !== 'failed') return;
      clearTimeout(timer);
      resolve(p);
    });
  });
}

test('sending from the terminal: the path and the user complete by Tab, and a completion line follows', async (t) => {
  const server = await startServer(t);
  const here = folder(t);
  const photo = jpeg(200 * 1024);
  writeFileSync(join(here, 'holiday photo.jpg'), photo);
  writeFileSync(join(here, 'setup.exe'), 'MZ');
  const bob = await TestClient.login(t, server.port, 'bob', Transfers.features('all'));
  const bobFiles = new Transfers(bob.connection, folder(t));
  const received = ended(bobFiles);
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'alice'], { cwd: here });
  await term.waitFor(/^alice>$/m);

  await term.type('/sendfile setup.exe bob');
  await term.press('Enter');
  await term.waitFor(/^\d\d:\d\d ! setup\.exe is a \.exe file; only \.txt \.pdf \.jpg \.png files can be sent$/m);

  await term.type('/sendfile hol');
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === 'alice> /sendfile "holiday photo.jpg"');
  await term.type('b');
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === 'alice> /sendfile "holiday photo.jpg" bob');
  await term.press('Enter');
  await term.waitFor(/^\d\d:\d\d \* bob saved holiday photo\.jpg \(200 KiB\)$/m);
  const outcome = await received;
  t.is(outcome.state, 'done');
  t.deepEqual(readFileSync(outcome.path!), photo);
});

test('a slow download shows a progress line, then the line with the saved path in its place', async (t) => {
  const server = await startServer(t);
  // bob's uplink passes 32 KiB every 50 ms: 640 KiB take about a second.
  const slow = await startProxy(t, server.port, { bytes: 32 * 1024, everyMs: 50 });
  const downloads = folder(t);
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'alice', '--downloads', downloads, '--accept-files', 'all']);
  await term.waitFor(/^alice>$/m);
  const bob = await TestClient.login(t, slow.port, 'bob');
  const source = join(folder(t), 'big.jpg');
  const content = jpeg(640 * 1024);
  writeFileSync(source, content);
  await term.type('half typed');
  await new Transfers(bob.connection, folder(t)).send(`/sendfile ${source} alice`);

  const progress = /^receiving big\.jpg from bob +(\d+)% \[[#-]{10}\] [\d.]+ (KiB|MiB|bytes) of 640 KiB, [\d.]+ (KiB|MiB|bytes)\/s$/m;
  const during = await term.waitFor(progress);
  t.is(lastRow(during), 'alice> half typed', 'the progress line sits above the prompt');
  const saved = join(downloads, 'big.jpg');
  const after = await term.waitFor((rows) => rows.some((r) => r.endsWith(`* saved big.jpg from bob as ${saved}`)));
  t.false(after.some((r) => progress.test(r)), 'the progress line is gone');
  t.is(lastRow(after), 'alice> half typed');
  t.true(after.some((r) => /^\d\d:\d\d \* receiving big\.jpg \(640 KiB\) from bob$/.test(r)));
  t.deepEqual(readFileSync(saved), content);
});

test('a file offered on the terminal waits for /accept (Tab completes it); /decline tells the sender; nothing is written unasked', async (t) => {
  const server = await startServer(t);
  const downloads = folder(t);
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'alice', '--downloads', downloads]);
  await term.waitFor(/^alice>$/m);
  const bob = await TestClient.login(t, server.port, 'bob', Transfers.features('all'));
  const bobFiles = new Transfers(bob.connection, folder(t));
  const here = folder(t);
  const report = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(40 * 1024)]);
  writeFileSync(join(here, 'report.pdf'), report);
  writeFileSync(join(here, 'notes.txt'), 'hello\n');

  await bobFiles.send(`/sendfile ${join(here, 'report.pdf')} alice`);
  await term.waitFor(/^\d\d:\d\d \* bob wants to send you report\.pdf \(40 KiB\): \/accept or \/decline$/m);
  await bob.waitFor((e) => e.t === 'upload-offered', 'upload-offered');
  t.deepEqual(readdirSync(downloads), [], 'nothing is written before acceptance');
  await term.type('/accept r');
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === 'alice> /accept report.pdf');
  await term.press('Enter');
  const saved = join(downloads, 'report.pdf');
  const rows = await term.waitFor((r) => r.some((row) => row.endsWith(`* saved report.pdf from bob as ${saved}`)));
  t.true(rows.some((r) => /^\d\d:\d\d \* accepted report\.pdf from bob$/.test(r)));
  t.deepEqual(readFileSync(saved), report);

  await bobFiles.send(`/sendfile ${join(here, 'notes.txt')} alice`);
  await term.waitFor(/\* bob wants to send you notes\.txt \(6 bytes\)/);
  await term.type('/decline');
  await term.press('Enter');
  await term.waitFor(/^\d\d:\d\d \* declined notes\.txt \(6 bytes\) from bob$/m);
  const failed = await bob.waitFor((e) => e.t === 'upload-failed', 'upload-failed');
  t.like(failed, { file: 'notes.txt', reason: 'alice declined it' });
  t.deepEqual(readdirSync(downloads), ['report.pdf']);
});

test('an offer left unanswered on the terminal is withdrawn after the timeout, and says so', async (t) => {
  const server = await startServer(t, { offerTimeoutMs: 300 });
  const downloads = folder(t);
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'alice', '--downloads', downloads, '--accept-files', 'ask']);
  await term.waitFor(/^alice>$/m);
  const bob = await TestClient.login(t, server.port, 'bob', Transfers.features('all'));
  const here = folder(t);
  writeFileSync(join(here, 'notes.txt'), 'hello\n');
  await new Transfers(bob.connection, folder(t)).send(`/sendfile ${join(here, 'notes.txt')} alice`);
  await term.waitFor(/\* bob wants to send you notes\.txt \(6 bytes\): \/accept or \/decline$/m);
  await term.waitFor(/^\d\d:\d\d ! notes\.txt from bob was not saved: you did not answer within 0\.3 s$/m);
  t.like(await bob.waitFor((e) => e.t === 'upload-failed', 'upload-failed'), { reason: 'alice did not answer within 0.3 s' });
  await term.type('/accept');
  await term.press('Enter');
  await term.waitFor(/^\d\d:\d\d ! no file is waiting for an answer$/m);
  t.deepEqual(readdirSync(downloads), []);
});
