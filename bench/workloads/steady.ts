import { openLoad, type GeneratorKind } from '../load.js';
import { stepMetrics, type Row } from '../results.js';
import type { Target } from '../targets.js';
import type { Load, StepResult } from '../traffic.js';

export interface SteadyOptions {
  clients: number;
  /** Messages per second per client. */
  rate: number;
  seconds: number;
  /** The generator, when the case must not get the default one. */
  generator?: GeneratorKind;
}

/** Warms up for a second at the measured rate (JIT, buffers), then measures one step. */
async function measure(o: SteadyOptions, load: Load): Promise<StepResult> {
  try {
    await load.step(o.rate, Math.min(1, o.seconds));
    return await load.step(o.rate, o.seconds);
  } finally {
    load.close();
  }
}

/** (a) Room fan-out: every client says a 100-byte line to its room of 15 at `rate`. */
export async function fanout(target: Target, o: SteadyOptions): Promise<Row> {
  const r = await measure(o, await openLoad(target, o.clients, 'room', o.generator));
  return {
    workload: 'fan-out',
    case: `${o.clients} clients × ${o.rate}/s`,
    server: target.kind,
    compare: ['p99 ms', 'p50 ms', 'delivered %', 'server CPU %'],
    metrics: stepMetrics(r),
  };
}

/** (c) Whispers: every client whispers to a random other client at `rate`. */
export async function whispers(target: Target, o: SteadyOptions): Promise<Row> {
  const r = await measure(o, await openLoad(target, o.clients, 'whisper', o.generator));
  return {
    workload: 'whispers',
    case: `${o.clients} clients × ${o.rate}/s`,
    server: target.kind,
    compare: ['server CPU %', 'p99 ms', 'delivered %'],
    metrics: stepMetrics(r),
  };
}
