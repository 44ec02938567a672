import type { Plan } from '../cli.js';
import type { Ramp, Row } from '../results.js';
import type { Target } from '../targets.js';
import { fanout, whispers } from './steady.js';

export interface Measured {
  row: Row;
  ramp?: Ramp;
}

/** One case of one workload; the runner starts a fresh server for each run of it. */
export interface Job {
  workload: string;
  case: string;
  /** False for cases that exist only in our protocol (files) or need our own servers (network). */
  peers: boolean;
  run(target: Target): Promise<Measured>;
}

const row = (run: (t: Target) => Promise<Row>) => async (t: Target) => ({ row: await run(t) });

export function jobsOf(plan: Plan): Job[] {
  const jobs: Job[] = [];
  const steady = { rate: plan.rate, seconds: plan.seconds };
  for (const workload of plan.workloads) {
    switch (workload) {
      case 'fanout':
        for (const clients of plan.clients) {
          jobs.push({ workload, case: `${clients} clients × ${plan.rate}/s`, peers: true, run: row((t) => fanout(t, { ...steady, clients })) });
        }
        break;
      case 'whispers':
        for (const clients of plan.clients) {
          jobs.push({ workload, case: `${clients} clients × ${plan.rate}/s`, peers: true, run: row((t) => whispers(t, { ...steady, clients })) });
        }
        break;
      default:
        process.stderr.write(`workload ${workload} is not implemented yet; skipped\n`);
    }
  }
  return jobs;
}
