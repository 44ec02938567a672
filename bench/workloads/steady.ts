import { Cohort } from '../cohort.js';
import { stepMetrics, type Row } from '../results.js';
import type { Target } from '../targets.js';
import { Traffic, type Send, type StepResult } from '../traffic.js';

export interface SteadyOptions {
  clients: number;
  /** Messages per second per client. */
  rate: number;
  seconds: number;
}

/** Warms up for a second at the measured rate (JIT, buffers), then measures one step. */
async function measure(target: Target, o: SteadyOptions, traffic: Traffic, send: Send): Promise<StepResult> {
  await traffic.step(o.clients, o.rate, Math.min(1, o.seconds), send, target.pids);
  return traffic.step(o.clients, o.rate, o.seconds, send, target.pids);
}

/** (a) Room fan-out: every client says a 100-byte line to its room of 15 at `rate`. */
export async function fanout(target: Target, o: SteadyOptions): Promise<Row> {
  const traffic = new Traffic();
  const cohort = await Cohort.open(target, o.clients, traffic);
  try {
    const r = await measure(target, o, traffic, cohort.say);
    return {
      workload: 'fan-out',
      case: `${o.clients} clients × ${o.rate}/s`,
      server: target.kind,
      compare: ['p99 ms', 'p50 ms', 'delivered %', 'server CPU %'],
      metrics: stepMetrics(r),
    };
  } finally {
    cohort.close();
  }
}

/** (c) Whispers: every client whispers to a random other client at `rate`. */
export async function whispers(target: Target, o: SteadyOptions): Promise<Row> {
  const traffic = new Traffic();
  const cohort = await Cohort.open(target, o.clients, traffic);
  try {
    const r = await measure(target, o, traffic, (i, text) => {
      let j = Math.floor(Math.random() * (o.clients - 1));
      if (j >= i) j++;
      cohort.clients[i]!.whisper(cohort.clients[j]!.name, text);
      return 1;
    });
    return {
      workload: 'whispers',
      case: `${o.clients} clients × ${o.rate}/s`,
      server: target.kind,
      compare: ['server CPU %', 'p99 ms', 'delivered %'],
      metrics: stepMetrics(r),
    };
  } finally {
    cohort.close();
  }
}
