import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { ChatClientProcess } from './helpers/chatclient-process.js';
import { jpeg, listing, MiB, putFile, sha256, tempDir, text } from './helpers/files.js';
import { startServer } from './helpers/server.js';

test('one scripted chatclient sends files to another, which saves them byte-identical', async (t) => {
  const server = await startServer(t);
  const home = await tempDir(t);
  const downloads = join(home, 'downloads');
  const photo = jpeg(2 * MiB);
  const notes = text(50 * 1024);
  await putFile(home, 'photo.jpg', photo);
  await putFile(home, 'my notes.txt', notes);
  await putFile(home, 'prog.exe', Buffer.from('MZ'));

  const bob = ChatClientProcess.start(t, server.port, ['--user', 'bob', '--downloads', downloads], home);
  await bob.waitForLine('* logged in as bob');
  const alice = ChatClientProcess.start(t, server.port, [], home);
  for (const line of ['alice', '/sendfile photo.jpg bob', '/sendfile "my notes.txt" bob', '/sendfile prog.exe bob']) alice.write(line);
  alice.end();
  t.is(await alice.exited, 0, alice.errors.join('\n'));
  for (const line of [
    '* logged in as alice',
    '* upload of photo.jpg started',
    '* bob saved photo.jpg (2 MiB)',
    '* upload of my notes.txt started',
    '* bob saved my notes.txt (50 KiB)',
    '! prog.exe is a .exe file; only .txt .pdf .jpg .png files can be sent',
  ]) {
    t.true(alice.lines.includes(line), `alice printed ${JSON.stringify(line)}; she printed:\n${alice.lines.join('\n')}`);
  }

  await bob.waitForLine(`* saved photo.jpg from alice as ${join(downloads, 'photo.jpg')}`);
  await bob.waitForLine(`* saved my notes.txt from alice as ${join(downloads, 'my notes.txt')}`);
  bob.end();
  t.is(await bob.exited, 0, bob.errors.join('\n'));
  t.true(bob.lines.includes('* receiving photo.jpg (2 MiB) from alice'));
  t.true(bob.lines.includes('* receiving my notes.txt (50 KiB) from alice'));
  t.is(sha256(await readFile(join(downloads, 'photo.jpg'))), sha256(photo));
  t.is(sha256(await readFile(join(downloads, 'my notes.txt'))), sha256(notes));
});

test('a scripted sender killed mid-transfer: the scripted recipient says so and keeps nothing', async (t) => {
  const server = await startServer(t, { fileMaxBytes: 32 * MiB });
  const home = await tempDir(t);
  const downloads = join(home, 'downloads');
  await putFile(home, 'huge.jpg', jpeg(24 * MiB));
  const bob = ChatClientProcess.start(t, server.port, ['--user', 'bob', '--downloads', downloads], home);
  await bob.waitForLine('* logged in as bob');
  // Frozen, bob reads nothing: the upload stalls once the socket buffers are full, far from its end.
  bob.signal('SIGSTOP');
  t.teardown(() => bob.signal('SIGCONT'));
  const alice = ChatClientProcess.start(t, server.port, ['--user', 'alice'], home);
  alice.write('/sendfile huge.jpg bob');
  await alice.waitForLine('* upload of huge.jpg started');
  alice.signal('SIGKILL');
  t.is(await alice.exited, null);
  bob.signal('SIGCONT');
  await bob.waitForLine('! huge.jpg from alice was not saved: alice disconnected');
  t.true(bob.lines.includes('* receiving huge.jpg (24 MiB) from alice'));
  t.like(server.stats(), { uploadsActive: 0, uploadsWaiting: 0 });
  bob.end();
  t.is(await bob.exited, 0);
  t.deepEqual(await listing(downloads), [], 'no partial or temporary file');
});

test('a scripted recipient that cannot save: its sender prints that the file reached bob but was not saved, never "sent"', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile });
  const home = await tempDir(t);
  await putFile(home, 't.txt', text(1000));
  await putFile(home, 'not-a-folder', Buffer.from('x'));
  const bob = ChatClientProcess.start(t, server.port, ['--user', 'bob', '--downloads', join(home, 'not-a-folder', 'downloads')], home);
  await bob.waitForLine('* logged in as bob');
  const alice = ChatClientProcess.start(t, server.port, ['--user', 'alice'], home);
  alice.write('/sendfile t.txt bob');
  alice.end();
  t.is(await alice.exited, 0, alice.errors.join('\n'));
  t.true(alice.lines.includes('! upload of t.txt failed: it reached bob but was not saved: cannot write to their downloads folder'), alice.lines.join('\n'));
  t.false(alice.lines.some((line) => line.startsWith('* sent ') || line.includes(' saved ')));
  t.true(bob.lines.some((line) => /^! t\.txt from alice was not saved: cannot save into .*ENOTDIR/.test(line)), bob.lines.join('\n'));
  bob.end();
  t.is(await bob.exited, 0);
  await server.stop();
  t.regex(await readFile(logFile, 'utf8'), / file-save-failed id=1 from=alice to=bob file=t\.txt reason="cannot write to their downloads folder"\n/);
});

test('scripted --accept-files: none refuses every file, ask waits for an /accept line; a bad value is a usage error', async (t) => {
  const server = await startServer(t);
  const home = await tempDir(t);
  await putFile(home, 'photo.jpg', jpeg(20 * 1024));
  const bob = ChatClientProcess.start(t, server.port, ['--user', 'bob', '--downloads', join(home, 'bob'), '--accept-files', 'none'], home);
  const carol = ChatClientProcess.start(t, server.port, ['--user', 'carol', '--downloads', join(home, 'carol'), '--accept-files', 'ask'], home);
  await bob.waitForLine('* logged in as bob');
  await carol.waitForLine('* logged in as carol');
  const alice = ChatClientProcess.start(t, server.port, ['--user', 'alice'], home);
  for (const line of ['/sendfile photo.jpg bob', '/sendfile photo.jpg carol']) alice.write(line);
  alice.end();
  await bob.waitForLine('* declined photo.jpg (20 KiB) from alice: files are refused (--accept-files none)');
  await carol.waitForLine('* alice wants to send you photo.jpg (20 KiB): /accept or /decline');
  carol.write('/accept');
  await carol.waitForLine(`* saved photo.jpg from alice as ${join(home, 'carol', 'photo.jpg')}`);
  t.is(await alice.exited, 0, alice.errors.join('\n'));
  t.true(alice.lines.includes('! upload of photo.jpg failed: bob declined it'), alice.lines.join('\n'));
  t.true(alice.lines.includes('* carol saved photo.jpg (20 KiB)'), alice.lines.join('\n'));
  const shown = alice.lines.filter((l) => l.includes('carol') || l.includes('started'));
  t.deepEqual(shown, ['* waiting for carol to accept photo.jpg (they have 2 min to answer)', '* carol accepted photo.jpg', '* upload of photo.jpg started', '* carol saved photo.jpg (20 KiB)']);
  t.deepEqual(await listing(join(home, 'bob')), []);
  for (const p of [bob, carol]) p.end();

  const bad = ChatClientProcess.start(t, server.port, ['--accept-files', 'maybe'], home);
  t.is(await bad.exited, 2);
  t.deepEqual(bad.errors, ["chatclient: --accept-files takes ask, all or none, not 'maybe'"]);
});
