import { freshPrefix, withTimeout } from '../cohort.js';
import { ignore, type Client } from '../drivers/types.js';
import { Histogram } from '../histogram.js';
import { CpuMeter, listenOverflows, rssOf } from '../proc.js';
import { coreMetrics, type Row } from '../results.js';
import type { Target } from '../targets.js';

/**
 * (e) Connect storm: `count` clients connect at once and log in. Login time runs from the
 * connect call to login-ok (IRC: 001). ListenOverflows is the kernel's count for all sockets,
 * so other work on the machine can add to it.
 */
export async function storm(target: Target, count: number, timeoutMs: number): Promise<Row> {
  const overflowsBefore = listenOverflows();
  const meter = new CpuMeter([...target.pids, process.pid]);
  const hist = new Histogram();
  const clients: Client[] = [];
  const t0 = performance.now();
  let last = t0;
  const prefix = freshPrefix('s');
  const logins = Array.from({ length: count }, (_, i) => {
    const client = target.protocol.connect(target.addresses[i % target.addresses.length]!, `${prefix}${i}`, ignore);
    clients.push(client);
    return client.ready.then(() => {
      last = performance.now();
      hist.record(last - t0);
    });
  });
  try {
    await withTimeout(Promise.allSettled(logins), timeoutMs, 'storm').catch(() => {});
    const wall = (performance.now() - t0) / 1000;
    const cpu = meter.read();
    const done = hist.count;
    return {
      workload: 'storm',
      case: `${count} clients at once`,
      server: target.kind,
      compare: ['logins/s', 'p99 login ms'],
      metrics: {
        'logged in': done,
        'logins/s': done ? Math.round(done / ((last - t0) / 1000)) : 0,
        'p50 login ms': Number(hist.quantile(0.5).toFixed(1)),
        // With logins missing, the p99 is at least the timeout; say so rather than show a small number.
        'p99 login ms': done >= count * 0.99 ? Number(hist.quantile(0.99 * (count / done)).toFixed(1)) : NaN,
        'max login ms': Number(hist.max.toFixed(1)),
        'listen overflows': listenOverflows() - overflowsBefore,
        'server CPU %': Math.round(cpu.slice(0, -1).reduce((a, b) => a + b, 0) * 100),
        'server RSS MB': Number((target.pids.reduce((s, p) => s + rssOf(p), 0) / 2 ** 20).toFixed(1)),
        'generator CPU %': Math.round(cpu.at(-1)! * 100),
        'wall s': Number(wall.toFixed(2)),
        ...coreMetrics(meter.coreBusy()),
      },
      note: done < count ? `${count - done} of ${count} not logged in after ${timeoutMs / 1000} s` : undefined,
    };
  } finally {
    for (const c of clients) c.close();
  }
}
