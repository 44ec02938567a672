import test from 'ava';
import { encodeChunkFrame } from '../core/protocol/frame.js';
import type { Diagnostics } from '../core/server/diagnostics.js';
import { ChildServer } from './helpers/child-server.js';
import { runCycles, startSink } from './helpers/cycles.js';
import { eventually, HostileClient, rawFrame } from './helpers/hostile.js';
import { RawClient } from './helpers/raw-peer.js';

const CYCLES = 20_000;
const WARM_UP = 2_000;
// Heap after a forced GC may differ by what V8 keeps around (code, inline caches, map capacity);
// a leak of even 50 bytes a cycle would be 1 MB over 20,000 cycles.
const HEAP_MARGIN = 1024 * 1024;

const counters = (s: Diagnostics) => ({
  connections: s.connections,
  users: s.users,
  rooms: s.rooms,
  uploadsActive: s.uploadsActive,
  uploadsWaiting: s.uploadsWaiting,
  outputBytes: s.outputBytes,
  fds: s.fds,
  resources: s.resources,
});

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

test(`${CYCLES.toLocaleString('en-US')} connect/login/disconnect cycles leave sessions, users, rooms, permits, handles, descriptors and heap where they were`, async (t) => {
  t.timeout(120_000);
  const server = await ChildServer.start(['--max-per-address', '1000'], { gc: true });
  t.teardown(() => server.kill());
  const sink = await startSink(server.port);
  t.teardown(() => sink.close());
  const settled = async (reference: Diagnostics) => {
    let last = reference;
    await eventually(async () => {
      last = await server.stats();
      return JSON.stringify(counters(last)) === JSON.stringify(counters(reference));
    }, `counters back to ${JSON.stringify(counters(reference))}; last ${JSON.stringify(counters(last))}`, 15_000);
    return last;
  };
  const idle = { connections: 1, users: 1, rooms: 0, uploadsActive: 0, uploadsWaiting: 0, outputBytes: 0 };
  const start = await server.stats();
  t.like(start, idle);

  // Warm up (JIT, pools, table sizes), then take the baseline the real run must return to.
  const warm = await runCycles(server.port, WARM_UP, { sink: 'sink' });
  t.deepEqual(warm.failures, []);
  const baseline = await settled(start);
  const report = await runCycles(server.port, CYCLES, { sink: 'sink', first: WARM_UP });
  t.deepEqual(report.failures, [], 'every clean cycle logged in and got its goodbye');
  const after = await settled(baseline);
  t.like(after, idle);
  t.true(after.gc, 'the server runs with --expose-gc');
  const growth = after.heapUsed - baseline.heapUsed;
  t.true(growth < HEAP_MARGIN, `heap grew by ${mib(growth)}`);
  t.log(`${report.cycles} cycles in ${report.ms} ms: ${JSON.stringify(report.byKind)}`);
  t.log(`baseline: heap ${mib(baseline.heapUsed)}, fds ${baseline.fds}, resources ${JSON.stringify(baseline.resources)}`);
  t.log(`after:    heap ${mib(after.heapUsed)} (${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KiB), fds ${after.fds}, resources ${JSON.stringify(after.resources)}`);
});

test('clients trickling a large frame a byte at a time cost the server about what they sent, not a buffer object per byte', async (t) => {
  const server = await ChildServer.start(['--max-per-address', '100'], { gc: true });
  t.teardown(() => server.kill());
  const clients = await Promise.all(Array.from({ length: 8 }, (_, i) => HostileClient.login(t, server.port, `drip${i}`)));
  const before = await server.stats();
  const BYTES = 16_000;
  await Promise.all(
    clients.map(async (client) => {
      client.write(rawFrame(1, '', 128 * 1024)); // the largest frame allowed, arriving slowly
      for (let i = 0; i < BYTES; i++) {
        await new Promise<void>((resolve) => client.socket.write(' ', () => setImmediate(resolve)));
      }
    }),
  );
  // Every byte has arrived once an answer to a ping would have: use the stats round trip, then check.
  await eventually(async () => (await server.stats()).connections === 8, 'all eight still connected');
  const after = await server.stats();
  const growth = after.heapUsed - before.heapUsed;
  t.log(`${clients.length} × ${BYTES} bytes trickled: heap +${mib(growth)}`);
  // Before the decoder merged small pieces this was about 3 MiB (a Buffer object per read).
  t.true(growth < 1024 * 1024, `heap grew by ${mib(growth)} for ${mib(clients.length * BYTES)} received`);
  t.true(clients.every((c) => !c.isClosed));
});

test('a sender repeating empty chunks after upload-go is dropped; the server holds nothing for them', async (t) => {
  const server = await ChildServer.start([], { gc: true });
  t.teardown(() => server.kill());
  const bob = await RawClient.login(t, server.port, 'bob');
  const mallory = await RawClient.login(t, server.port, 'mallory');
  const before = await server.stats();
  const go = await mallory.offer('bob', 't.txt', Buffer.from('some text'));
  if (go.t !== 'upload-go') return t.fail(JSON.stringify(go));
  // Before the fix each of these was kept (02 00 00 00 04 <id>): RSS went from 69 MiB to 1.2 GiB in 10 s.
  const FRAMES = 200_000;
  mallory.sendRaw(Buffer.concat(Array.from({ length: FRAMES }, () => encodeChunkFrame(go.transfer, Buffer.alloc(0)))));
  t.like(await mallory.waitFor((m) => m.t === 'upload-failed', 'upload-failed'), { reason: 'an empty chunk was sent; every chunk carries at least one byte' });
  t.like(await mallory.waitFor((m) => m.t === 'bye', 'bye'), { reason: 'dropped after 3 malformed file chunks' });
  await mallory.closed;
  t.like(await bob.waitFor((m) => m.t === 'file-abort', 'file-abort'), { transfer: go.transfer });
  let after = before;
  await eventually(async () => (after = await server.stats()).connections === 1, 'mallory gone');
  t.like(after, { users: 1, uploadsActive: 0, uploadsWaiting: 0 });
  const growth = after.heapUsed - before.heapUsed;
  t.log(`${FRAMES} empty chunks sent: heap ${growth >= 0 ? '+' : ''}${mib(growth)}`);
  t.true(growth < 4 * 1024 * 1024, `heap grew by ${mib(growth)}`);
});
