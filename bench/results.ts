import type { StepResult } from './traffic.js';
import type { ServerKind } from './targets.js';

export type Metrics = Record<string, number | string>;

/** One workload case measured on one server. */
export interface Row {
  workload: string;
  /** What distinguishes the case, e.g. "1000 clients × 1/s"; rows of equal case are compared. */
  case: string;
  server: ServerKind;
  /** Metrics the ours/theirs table compares; the first picks the median of several runs. */
  compare: string[];
  metrics: Metrics;
  /** Metrics that are lower bounds: the generator, not the server, may have been the limit. */
  atLeast?: string[];
  note?: string;
}

/** The steps of a saturation ramp, for the chart. */
export interface Ramp {
  server: ServerKind;
  clients: number;
  steps: StepResult[];
  knee: number | null;
}

const MB = 1024 * 1024;
const round = (n: number, digits: number): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : NaN);

/** The metrics every traffic step reports, with their units in the names. */
export function stepMetrics(r: StepResult): Metrics {
  return {
    'sent/s': Math.round(r.sentPerSec),
    'deliveries/s': Math.round(r.deliveriesPerSec),
    'delivered %': round(r.deliveredRatio * 100, 2),
    'p50 ms': round(r.p50, 2),
    'p99 ms': round(r.p99, 2),
    'max ms': round(r.max, 1),
    'errors': r.errors,
    'server CPU %': Math.round(r.serverCpu * 100),
    'server RSS MB': round(r.serverRss / MB, 1),
    'generator CPU %': Math.round(r.generatorCpu * 100),
    ...coreMetrics(r.coreBusy),
  };
}

/**
 * Busy % of the server's core (0) and the generator's (1) by anyone. Well above the server's or
 * the generator's own CPU, it means other work shared the core and the latencies suffered for it.
 */
export function coreMetrics(busy: number[]): Metrics {
  return { 'core 0 busy %': Math.round(busy[0]! * 100), 'core 1 busy %': Math.round((busy[1] ?? NaN) * 100) };
}

/** Whether a bigger value of a metric is better: rates and delivery are, times and costs are not. */
export const higherIsBetter = (metric: string): boolean => /\/s|delivered/.test(metric);
