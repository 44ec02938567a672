import type { Plan } from './cli.js';
import { higherIsBetter, type Ramp, type Row } from './results.js';
import { external, peerInstalled, startTarget, type ServerKind, type Target } from './targets.js';
import { jobsOf, type Measured } from './workloads/index.js';

export interface Outcome {
  rows: Row[];
  ramps: Ramp[];
  /** Why some server or case was left out. */
  skipped: string[];
}

const clock = () => new Date().toISOString().slice(11, 19);
export const say = (line: string) => process.stderr.write(`[${clock()}] ${line}\n`);

/** The run whose first compared metric is the median (a whole run, so its figures agree). */
function medianRun(runs: Measured[]): Measured {
  const key = runs[0]!.row.compare[0]!;
  // A missing figure (no step passed, logins missing) counts as the worst.
  const worst = higherIsBetter(key) ? -Infinity : Infinity;
  const value = (m: Measured) => {
    const v = m.row.metrics[key];
    return typeof v === 'number' && !Number.isNaN(v) ? v : worst;
  };
  return [...runs].sort((a, b) => value(a) - value(b))[Math.floor((runs.length - 1) / 2)]!;
}

/**
 * Runs each case on each server in turn, so the figures compared come from minutes apart on the
 * same machine. Every run gets a fresh server, stopped afterwards.
 */
export async function runPlan(plan: Plan): Promise<Outcome> {
  const outcome: Outcome = { rows: [], ramps: [], skipped: [] };
  const peers = plan.peers.filter((p) => {
    if (peerInstalled(p)) return true;
    outcome.skipped.push(`${p}: not installed, left out of the comparison`);
    return false;
  });
  for (const job of jobsOf(plan)) {
    const servers: ServerKind[] = ['ours', ...(job.peers ? peers : [])];
    const runs = new Map<ServerKind, Measured[]>(servers.map((s) => [s, []]));
    // Run by run, each server in turn, the order rotating: noise that comes and goes then hits
    // every server alike.
    for (let run = 1; run <= plan.runs; run++) {
      for (const server of servers.map((_, k) => servers[(k + run - 1) % servers.length]!)) {
        say(`${job.workload} ${job.case} on ${server}${plan.runs > 1 ? ` (run ${run}/${plan.runs})` : ''}`);
        let target: Target | undefined;
        try {
          target = server === 'ours' && plan.targets ? external(plan.targets) : await startTarget(server, job.serverFlags);
          const measured = await job.run(target);
          runs.get(server)!.push(measured);
          say(`  ${Object.entries(measured.row.metrics).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        } catch (error) {
          const why = `${job.workload} ${job.case} on ${server}: ${(error as Error).message.split('\n')[0]}`;
          outcome.skipped.push(why);
          say(`  failed: ${why}`);
        } finally {
          await target?.stop();
        }
      }
    }
    for (const measured of runs.values()) {
      if (measured.length === 0) continue;
      const median = medianRun(measured);
      if (plan.runs > 1) median.row.note = [median.row.note, `median of ${measured.length} runs`].filter(Boolean).join('; ');
      outcome.rows.push(median.row);
      if (median.ramp) outcome.ramps.push(median.ramp);
    }
  }
  return outcome;
}
