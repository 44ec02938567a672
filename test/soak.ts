/**
 * The long leak check behind `npm run soak` (not part of `npm test`): a child server started
 * with --expose-gc, a warm-up, then CYCLES connect/login/disconnect cycles in rounds, with the
 * server's counters and heap after a forced GC printed after every round. Exits 1 when the
 * counters do not come back to the baseline or the heap grows by more than the margin.
 *
 *   npm run soak               # 200,000 cycles
 *   npm run soak -- 1000000    # or any other number
 */
import type { Diagnostics } from '../core/server/diagnostics.js';
import { ChildServer } from './helpers/child-server.js';
import { runCycles, startSink, type CycleKind } from './helpers/cycles.js';

const CYCLES = Number(process.argv[2] ?? 200_000);
const ROUND = 20_000;
const WARM_UP = 2_000;
const HEAP_MARGIN = 1024 * 1024;

const counters = (s: Diagnostics) =>
  JSON.stringify({ connections: s.connections, users: s.users, rooms: s.rooms, uploads: [s.uploadsActive, s.uploadsWaiting], fds: s.fds, resources: s.resources });
const kib = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / 1024).toFixed(0)} KiB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function settle(server: ChildServer, reference: Diagnostics): Promise<Diagnostics> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const stats = await server.stats();
    if (counters(stats) === counters(reference) || Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<number> {
  const server = await ChildServer.start(['--max-per-address', '1000'], { gc: true });
  try {
    const sink = await startSink(server.port);
    const start = await server.stats();
    const warm = await runCycles(server.port, WARM_UP, { sink: 'sink' });
    const baseline = await settle(server, start);
    console.log(`node ${process.version}, ${CYCLES.toLocaleString('en-US')} cycles after ${WARM_UP.toLocaleString('en-US')} warm-up (${warm.failures.length} failures)`);
    console.log(`baseline: ${counters(baseline)} heap ${mib(baseline.heapUsed)}`);
    console.log('| cycles | seconds | cycles/s | counters as at baseline | heap vs baseline |');
    console.log('| ---: | ---: | ---: | --- | ---: |');
    const byKind: Partial<Record<CycleKind, number>> = {};
    const failures: string[] = [];
    let done = 0;
    let ms = 0;
    let last = baseline;
    while (done < CYCLES) {
      const round = Math.min(ROUND, CYCLES - done);
      const report = await runCycles(server.port, round, { sink: 'sink', first: WARM_UP + done });
      done += round;
      ms += report.ms;
      failures.push(...report.failures);
      for (const [kind, n] of Object.entries(report.byKind)) byKind[kind as CycleKind] = (byKind[kind as CycleKind] ?? 0) + n;
      last = await settle(server, baseline);
      const same = counters(last) === counters(baseline);
      console.log(`| ${done.toLocaleString('en-US')} | ${(ms / 1000).toFixed(1)} | ${Math.round((round * 1000) / report.ms)} | ${same ? 'yes' : counters(last)} | ${kib(last.heapUsed - baseline.heapUsed)} |`);
    }
    console.log(`kinds: ${JSON.stringify(byKind)}`);
    console.log(`failures: ${failures.length === 0 ? 'none' : failures.slice(0, 5).join('; ')}`);
    console.log(`final: ${counters(last)} heap ${mib(last.heapUsed)}`);
    sink.close();
    const ok = failures.length === 0 && counters(last) === counters(baseline) && last.heapUsed - baseline.heapUsed < HEAP_MARGIN;
    console.log(ok ? 'soak passed' : 'soak FAILED');
    return ok ? 0 : 1;
  } finally {
    server.kill();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error);
    process.exit(1);
  },
);
