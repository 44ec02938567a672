import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { DEFAULTS } from '../core/config.js';
import { StartupError } from '../core/errors.js';
import { parseServerArgs } from '../core/server/cli.js';
import { ChatClientProcess } from './helpers/chatclient-process.js';
import { jpeg, MiB, putFile, sha256, tempDir } from './helpers/files.js';
import { arena, eventually, HostileClient, json, rawFrame, type Received } from './helpers/hostile.js';
import { startServer } from './helpers/server.js';

const FLOODED_OUT_MS = 20_000;

test('deeply nested JSON before login is refused as TOO_DEEP; a connection that keeps sending it is dropped for excess flood, and the log says why', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const { port, alice, bob, unharmed } = await arena(t, { logFile });
  // Brackets inside strings are text, not nesting, escaped quotes included.
  const brackets = `${'[{'.repeat(20)} "\\" ${']}'.repeat(3)}`;
  alice.send(brackets);
  await bob.waitFor((e) => e.t === 'message' && e.text === brackets, 'a line of brackets');
  const attacker = await HostileClient.connect(t, port);
  const nested = rawFrame(1, '['.repeat(60_000) + ']'.repeat(60_000));
  // 40 frames of 120 KB: about five times the JSON byte burst (1 MiB).
  attacker.write(...Array.from({ length: 40 }, () => nested));
  await attacker.waitClosed('the disconnect for excess flood', FLOODED_OUT_MS);
  const refusals = attacker.errors();
  t.true(refusals.length > 0 && refusals.every((e) => e.code === 'TOO_DEEP'), JSON.stringify(refusals.slice(0, 3)));
  t.regex(String(refusals[0]!.message), /nested deeper than 8 levels/);
  t.deepEqual(attacker.received.at(-1), { t: 'bye', reason: 'excess flood' });
  await unharmed();
  const logged = / disconnect id=\d+ how=lost cause="excess flood: more than 262144 bytes of JSON a second \(burst 1048576\)"/;
  await eventually(async () => logged.test(await readFile(logFile, 'utf8')), 'the disconnect logged with its cause');
});

test('floods of malformed JSON, pings or upload-ends for no transfer are answered until the frame budget is spent, then dropped for excess flood', async (t) => {
  const { port, unharmed } = await arena(t);
  const floods: { frame: Buffer; answer: (m: Received) => boolean; login?: string }[] = [
    { frame: rawFrame(1, '{"t":'), answer: (m) => m.code === 'BAD_MESSAGE' },
    { frame: json({ t: 'ping' }), answer: (m) => m.t === 'pong' },
    { frame: json({ t: 'upload-end', transfer: 4242 }), answer: (m) => m.code === 'UNKNOWN_TRANSFER', login: 'mallory' },
  ];
  await Promise.all(
    floods.map(async ({ frame, answer, login }) => {
      const attacker = login ? await HostileClient.login(t, port, login) : await HostileClient.connect(t, port);
      attacker.write(Buffer.concat(Array.from({ length: 3 * DEFAULTS.frameBurst }, () => frame)));
      await attacker.waitClosed('the disconnect for excess flood', FLOODED_OUT_MS);
      const answered = attacker.received.filter(answer).length;
      t.true(answered > 0 && answered < 3 * DEFAULTS.frameBurst, `${answered} answered`);
      t.deepEqual(attacker.received.at(-1), { t: 'bye', reason: 'excess flood' });
    }),
  );
  await unharmed();
});

test('chatclient sending lines and a file at the advertised rates never trips the frame budget', async (t) => {
  // Budgets small enough that the lines and the file's 48 chunks must be paced to get through.
  const server = await startServer(t, { floodRate: 10, floodBurst: 10, frameRate: 30, frameBurst: 30 });
  const home = await tempDir(t);
  const downloads = join(home, 'downloads');
  const photo = jpeg(3 * MiB);
  await putFile(home, 'photo.jpg', photo);
  const bob = ChatClientProcess.start(t, server.port, ['--user', 'bob', '--downloads', downloads], home);
  await bob.waitForLine('* logged in as bob');
  const alice = ChatClientProcess.start(t, server.port, ['--user', 'alice'], home);
  for (let i = 1; i <= 20; i++) alice.write(`/whisper bob line ${i}`);
  alice.write('/sendfile photo.jpg bob');
  alice.end();
  t.is(await alice.exited, 0, [...alice.lines, ...alice.errors].join('\n'));
  t.true(alice.lines.includes('* bob saved photo.jpg (3 MiB)'), alice.lines.join('\n'));
  t.false(alice.lines.some((l) => /flood|too fast|disconnected/.test(l)), alice.lines.join('\n'));
  await bob.waitForLine(`* saved photo.jpg from alice as ${join(downloads, 'photo.jpg')}`);
  for (let i = 1; i <= 20; i++) t.true(bob.lines.includes(`[whisper from alice] line ${i}`), `line ${i}`);
  t.is(sha256(await readFile(join(downloads, 'photo.jpg'))), sha256(photo));
  bob.end();
  t.is(await bob.exited, 0, bob.errors.join('\n'));
});

test('the frame and byte budgets have flags, are in the welcome, and a byte burst below the largest frame is refused at start-up', async (t) => {
  const parsed = parseServerArgs('--frame-rate 0 --frame-burst 5 --byte-rate 64KiB --byte-burst 2MiB'.split(' '));
  if (parsed.kind !== 'run') return t.fail();
  t.like(parsed.config, { frameRate: 0, frameBurst: 5, byteRate: 64 * 1024, byteBurst: 2 * MiB });
  t.like(DEFAULTS, { frameRate: 500, frameBurst: 250, byteRate: 256 * 1024, byteBurst: MiB });
  t.throws(() => parseServerArgs(['--byte-burst', '64KiB']), { instanceOf: StartupError, message: /--byte-burst \(65536\) must be at least --max-frame \(131072\)/ });
  const { port } = await startServer(t);
  const client = await HostileClient.connect(t, port);
  client.write(json({ t: 'hello', v: 1 }));
  const welcome = await client.waitFor((m) => m.t === 'welcome', 'welcome');
  t.like(welcome.limits, { frameRate: 500, frameBurst: 250, byteRate: 256 * 1024, byteBurst: MiB });
});
