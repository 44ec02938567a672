import type { Plan } from '../cli.js';
import type { Ramp, Row } from '../results.js';
import { overTls, TLS_FLAGS, type Target } from '../targets.js';
import { files } from './files.js';
import { idle } from './idle.js';
import { saturation } from './saturation.js';
import { network } from './network.js';
import { fanout, whispers } from './steady.js';
import { storm } from './storm.js';

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
  /** Flags our server needs for this case. */
  serverFlags?: string[];
  run(target: Target): Promise<Measured>;
}

const row = (run: (t: Target) => Promise<Row>) => async (t: Target) => ({ row: await run(t) });

/** The workloads of one steady step per client count, at --rate for --duration. */
const STEADY = { fanout, whispers, network };

export function jobsOf(plan: Plan): Job[] {
  const jobs: Job[] = [];
  const steady = { rate: plan.rate, seconds: plan.seconds };
  for (const workload of plan.workloads) {
    switch (workload) {
      case 'fanout':
      case 'whispers':
      case 'network': {
        const measure = STEADY[workload];
        for (const clients of plan.clients) {
          jobs.push({ workload, case: `${clients} clients × ${plan.rate}/s`, peers: workload !== 'network', run: row((t) => measure(t, { ...steady, clients })) });
        }
        break;
      }
      case 'saturation':
        for (const clients of plan.clients) {
          jobs.push({ workload, case: `${clients} clients`, peers: true, run: (t) => saturation(t, clients, plan.quick ? 1.5 : 3) });
        }
        break;
      case 'idle':
        jobs.push({ workload, case: `${plan.idleClients} clients in rooms`, peers: true, run: row((t) => idle(t, plan.idleClients)) });
        break;
      case 'storm':
        jobs.push({ workload, case: `${plan.stormClients} clients at once`, peers: true, run: row((t) => storm(t, plan.stormClients, plan.quick ? 15_000 : 30_000)) });
        break;
      case 'files': {
        const chat = plan.quick ? 150 : 300;
        jobs.push({ workload, case: `5 × 3 MiB + ${chat} chatting`, peers: false, run: row((t) => files(t, chat, 5, plan.seconds)) });
        // The same over TLS, beside it: what encryption costs in throughput and chat latency.
        jobs.push({ workload, case: `5 × 3 MiB + ${chat} chatting, TLS`, peers: false, serverFlags: TLS_FLAGS, run: row((t) => files(overTls(t), chat, 5, plan.seconds)) });
        break;
      }
    }
  }
  return jobs;
}
