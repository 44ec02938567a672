import { Cohort, ROOM_SIZE } from '../cohort.js';
import { coreMetrics, type Ramp, type Row } from '../results.js';
import type { Target } from '../targets.js';
import { Traffic, type StepResult } from '../traffic.js';

export const P99_LIMIT_MS = 100;
const MIN_DELIVERED = 0.95;
const GROWTH = 1.5;
const START_DELIVERIES = 5_000; // per second, below any server's knee
const MAX_STEPS = 17; // 5k × 1.5^16 ≈ 3.3M deliveries/s: past any generator in one core
const GENERATOR_BUSY = 0.9;

const passes = (r: StepResult) => r.p99 <= P99_LIMIT_MS && r.deliveredRatio >= MIN_DELIVERED;

/**
 * (b) Saturation: room fan-out at a per-client rate raised ×1.5 per step until p99 passes 100 ms
 * or under 95 % is delivered. The knee is the best deliveries/s of a passing step. The ramp also
 * stops when the generator's own core is nearly full, and says so: beyond that it measures us.
 */
export async function saturation(target: Target, clients: number, seconds: number): Promise<{ row: Row; ramp: Ramp }> {
  const traffic = new Traffic();
  const cohort = await Cohort.open(target, clients, traffic);
  try {
    let rate = START_DELIVERIES / (clients * (ROOM_SIZE - 1));
    await traffic.step(clients, rate, 1, cohort.say, target.pids);
    const steps: StepResult[] = [];
    let stop = `no failure in ${MAX_STEPS} steps`;
    for (let k = 0; k < MAX_STEPS; k++, rate *= GROWTH) {
      const r = await traffic.step(clients, rate, seconds, cohort.say, target.pids);
      steps.push(r);
      if (!passes(r)) {
        const why = r.p99 > P99_LIMIT_MS ? `p99 ${r.p99.toFixed(0)} ms` : `${(r.deliveredRatio * 100).toFixed(1)} % delivered`;
        stop = `${why} at ${Math.round(r.offeredPerSec).toLocaleString('en-US')}/s offered (generator CPU ${Math.round(r.generatorCpu * 100)} %)`;
        break;
      }
      if (r.generatorCpu >= GENERATOR_BUSY) {
        stop = `generator saturated (${Math.round(r.generatorCpu * 100)} % CPU): the knee is at least this`;
        break;
      }
    }
    const good = steps.filter(passes);
    const knee = good.length ? good.reduce((a, b) => (b.deliveriesPerSec > a.deliveriesPerSec ? b : a)) : undefined;
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
        steps: steps.length,
        ...(knee ? coreMetrics(knee.coreBusy) : {}),
      },
      note: `stopped: ${stop}`,
    };
    return { row, ramp: { server: target.kind, clients, steps, knee: knee?.deliveriesPerSec ?? null } };
  } finally {
    cohort.close();
  }
}
