import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { useGenerator } from './load.js';
import { buildNative } from './native.js';
import { parsePlan, USAGE, type Plan } from './cli.js';
import { noPinning, pinned, pinSelf, stopChildrenOnSignals } from './processes.js';
import { comparisonTable, detailTables, writeResults } from './report.js';
import { runPlan, say } from './runner.js';
import { useServerFrom } from './targets.js';

const GENERATOR_CORE = 1;

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`;
}

/** The 1-minute load average: above the 2 cores' worth, other work competed with the bench. */
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
const loadAtStart = load();

/** Picks the generator; says which in the results, and why when it is not the native one. */
function chooseGenerator(plan: Plan): string {
  if (plan.generator === 'node') {
    useGenerator('node');
    return 'generator: Node (bench/drivers), as asked (--generator node)';
  }
  const built = buildNative();
  if ('why' in built) {
    if (plan.generator === 'native') throw new Error(`--generator native: ${built.why}`);
    useGenerator('node');
    return `generator: Node (bench/drivers): the native one could not be built (${built.why}); its CPU near 100 % means the limit may be its own`;
  }
  useGenerator('native');
  return 'generator: native (bench/native/loadgen.c: C, epoll, one thread, built with cc -O2), for fan-out, whispers and saturation; Node (bench/drivers) for TLS, several nodes, idle, storm and files';
}

function conditions(plan: Plan, generator: string): string[] {
  return [
    generator,
    `machine: ${machine()}`,
    `load average (1 min): ${loadAtStart} at the start, ${load()} at the end (above the number of cores, threads waited for a core)`,
    `pinning: ${pinned() ? `server on core 0, generator on core ${GENERATOR_CORE} (taskset)` : 'none'}`,
    'TCP_NODELAY: on for every generator socket; our server sets it on its sockets (core/session); ngircd and InspIRCd leave Nagle on',
    `messages: 100 bytes, rooms of 15; latency from a send timestamp in the text; ${plan.runs === 1 ? 'one run per case' : `median of ${plan.runs} runs`}`,
    'CPU in % of one core over the measured window; the cores are shared with other work, so compare ratios from the same run only',
  ];
}

async function main(): Promise<void> {
  let plan;
  try {
    plan = parsePlan(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (!plan) return void process.stdout.write(USAGE);
  stopChildrenOnSignals();
  if (!plan.pin) noPinning();
  if (plan.serverDir) useServerFrom(resolve(plan.serverDir));
  if (!pinSelf(GENERATOR_CORE)) noPinning();
  const started = new Date();
  say(`bench: ${plan.workloads.join(', ')} on ours${plan.peers.length ? ` and ${plan.peers.join(', ')}` : ''}`);
  let generator;
  try {
    generator = chooseGenerator(plan);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}
`);
    process.exit(2);
  }
  say(generator);
  const outcome = await runPlan(plan);
  const notes = conditions(plan, generator);
  const text = [
    '',
    ...notes,
    '',
    detailTables(outcome.rows, false),
    outcome.rows.some((r) => r.server !== 'ours') ? `== ours / theirs\n\n${comparisonTable(outcome.rows, false)}\n` : '',
    ...outcome.skipped.map((s) => `left out: ${s}`),
  ];
  process.stdout.write(`${text.join('\n')}\n`);
  writeResults(plan.out, outcome, started, notes, process.argv.slice(2));
  say(`results written to ${plan.out}/`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  },
);
