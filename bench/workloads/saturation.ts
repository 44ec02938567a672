import { ROOM_SIZE } from '../cohort.js';
import { openLoad } from '../load.js';
import { coreMetrics, type Ramp, type Row } from '../results.js';
import type { Target } from '../targets.js';
import type { StepResult } from '../traffic.js';

export const P99_LIMIT_MS = 100;
const MIN_DELIVERED = 0.95;
const GROWTH = 1.5;
const START_DELIVERIES = 5_000; // per second, below any server's knee
const MAX_STEPS = 17; // 5k × 1.5^16 ≈ 3.3M deliveries/s: past any generator in one core
// A knee found with the generator busier than this may be the generator's: reported as "at least".
const GENERATOR_BUSY = 0.8;

const passes = (r: StepResult) => r.p99 <= P99_LIMIT_MS && r.deliveredRatio >= MIN_DELIVERED;

/**
 * (b) Saturation: room fan-out at a per-client rate raised ×1.5 per step until p99 passes 100 ms
 * or under 95 % is delivered. The knee is the best deliveries/s of a passing step. The ramp also
 * stops when the generator passes 80 % of its core, and calls the knee "at least" that.
 */
export async function saturation(target: Target, clients: number, seconds: number): Promise<{ row: Row; ramp: Ramp }> {
  const load = await openLoad(target, clients, 'room');
  try {
    let rate = START_DELIVERIES / (clients * (ROOM_SIZE - 1));
    await load.step(rate, 1);
    const steps: StepResult[] = [];
    let stop = `no failure in ${MAX_STEPS} steps`;
    for (let k = 0; k < MAX_STEPS; k++, rate *= GROWTH) {
      const r = await load.step(rate, seconds);
      steps.push(r);
      if (!passes(r)) {
        const why = r.p99 > P99_LIMIT_MS ? `p99 ${r.p99.toFixed(0)} ms` : `${(r.deliveredRatio * 100).toFixed(1)} % delivered`;
        stop = `${why} at ${Math.round(r.offeredPerSec).toLocaleString('en-US')}/s offered (generator CPU ${Math.round(r.generatorCpu * 100)} %)`;
        break;
      }
      if (r.generatorCpu >= GENERATOR_BUSY) {
        stop = `generator at ${Math.round(r.generatorCpu * 100)} % CPU: past this the limit could be its own`;
        break;
      }
    }
    const good = steps.filter(passes);
    const knee = good.length ? good.reduce((a, b) => (b.deliveriesPerSec > a.deliveriesPerSec ? b : a)) : undefined;
    // The step that failed: past the knee a server should hold back (latency), not lose lines.
    const past = steps.at(-1) && !passes(steps.at(-1)!) ? steps.at(-1) : undefined;
    const atLeast = knee && knee.generatorCpu >= GENERATOR_BUSY ? `; the knee is at least this (generator at ${Math.round(knee.generatorCpu * 100)} % CPU)` : '';
    const row: Row = {
      workload: 'saturation',
      case: `${clients} clients`,
      server: target.kind,
      compare: ['knee deliveries/s'],
      metrics: {
        'knee deliveries/s': knee ? Math.round(knee.deliveriesPerSec) : `< ${START_DELIVERIES.toLocaleString('en-US')}`,
        'knee msg/s per client': knee ? Number(knee.ratePerClient.toFixed(3)) : 0,
        'p50 ms at knee': knee ? Number(knee.p50.toFixed(2)) : NaN,
        'p99 ms at knee': knee ? Number(knee.p99.toFixed(2)) : NaN,
        'server CPU % at knee': knee ? Math.round(knee.serverCpu * 100) : NaN,
        'server RSS MB at knee': knee ? Number((knee.serverRss / 2 ** 20).toFixed(1)) : NaN,
        'generator CPU % at knee': knee ? Math.round(knee.generatorCpu * 100) : NaN,
        'delivered % one step past': past ? Number((past.deliveredRatio * 100).toFixed(2)) : NaN,
        'p99 ms one step past': past ? Number(past.p99.toFixed(1)) : NaN,
        'errors one step past': past ? past.errors : NaN,
        steps: steps.length,
        ...(knee ? coreMetrics(knee.coreBusy) : {}),
      },
      ...(atLeast ? { atLeast: ['knee deliveries/s'] } : {}),
      note: `stopped: ${stop}${atLeast}`,
    };
    return { row, ramp: { server: target.kind, clients, steps, knee: knee?.deliveriesPerSec ?? null } };
  } finally {
    load.close();
  }
}
