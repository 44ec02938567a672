import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freshPrefix, ROOM_SIZE } from './cohort.js';
import { CpuMeter, rssOf } from './proc.js';
import { start, stop } from './processes.js';
import type { Target } from './targets.js';
import type { Load, Mode, StepResult } from './traffic.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NATIVE_SOURCE = join(ROOT, 'bench/native/loadgen.c');
const BINARY = join(ROOT, 'dist/bench/native/loadgen');
const GENERATOR_CORE = 1;
const SETUP_TIMEOUT_S = 60;

/**
 * Builds the native generator with the system C compiler ($CC, else cc) into dist/, unless it is
 * newer than its source. Returns its path, or why it could not be built.
 */
export function buildNative(): { path: string } | { why: string } {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= statSync(NATIVE_SOURCE).mtimeMs) return { path: BINARY };
  mkdirSync(dirname(BINARY), { recursive: true });
  const cc = process.env.CC || 'cc';
  const built = spawnSync(cc, ['-O2', '-Wall', '-o', BINARY, NATIVE_SOURCE, '-lm'], { encoding: 'utf8' });
  if (built.error) return { why: `no C compiler (${cc}: ${built.error.message})` };
  if (built.status !== 0) return { why: `${cc} failed: ${built.stderr.trim().split('\n')[0]}` };
  return { path: BINARY };
}

/** The native generator speaks plain TCP to one server; TLS and several nodes stay with Node. */
export const nativeUsable = (target: Target): boolean => target.addresses.length === 1 && !target.addresses[0]!.tls;

type Line = Record<string, number | string | undefined>;

/** The generator's stdout, one JSON object per line, read in order. */
class Lines {
  private readonly lines: AsyncIterator<string>;

  constructor(child: ChildProcess) {
    this.lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  /** The next line; throws with the generator's own words when it reports an error or stops. */
  async next(what: string, output: () => string): Promise<Line> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`native generator stopped while waiting for ${what}: ${output().trim().split('\n').at(-1) ?? ''}`);
    let line: Line;
    try {
      line = JSON.parse(value) as Line;
    } catch {
      throw new Error(`native generator: unreadable line: ${value.slice(0, 200)}`);
    }
    if (line.error !== undefined) throw new Error(`native generator: ${line.error}`);
    return line;
  }
}

const num = (line: Line, key: string): number => Number(line[key] ?? NaN);

/** Connects `clients` clients from the native generator (one process, pinned to the generator's core). */
export async function nativeLoad(target: Target, clients: number, mode: Mode): Promise<Load> {
  const built = buildNative();
  if ('why' in built) throw new Error(`native generator: ${built.why}`);
  const { host, port } = target.addresses[0]!;
  const args = ['--proto', target.kind === 'ours' ? 'ours' : 'irc', '--host', host, '--port', String(port), '--clients', String(clients)];
  args.push('--prefix', freshPrefix('n'), '--mode', mode, '--room-size', String(ROOM_SIZE), '--concurrency', String(target.setupConcurrency), '--setup-timeout', String(SETUP_TIMEOUT_S));
  const { child, output } = start(built.path, args, GENERATOR_CORE, true);
  const lines = new Lines(child);
  try {
    await lines.next('the clients to log in', output);
  } catch (error) {
    await stop(child);
    throw error;
  }
  let tag = 0;
  return {
    async step(ratePerClient: number, seconds: number): Promise<StepResult> {
      tag = (tag % 999) + 1;
      child.stdin!.write(`step ${tag} ${ratePerClient} ${seconds}\n`);
      await lines.next('the step to start', output);
      const meter = new CpuMeter([...target.pids, child.pid!]);
      const end = await lines.next('the end of the send window', output);
      const cpu = meter.read();
      const coreBusy = meter.coreBusy();
      const serverRss = target.pids.reduce((sum, pid) => sum + rssOf(pid), 0);
      const done = await lines.next('the drain', output);
      const window = num(end, 'window');
      const expected = num(end, 'expected');
      return {
        clients,
        ratePerClient,
        seconds: window,
        sentPerSec: num(end, 'sent') / window,
        offeredPerSec: expected / window,
        deliveriesPerSec: num(end, 'arrived') / window,
        expected,
        delivered: num(done, 'delivered'),
        deliveredRatio: expected > 0 ? num(done, 'delivered') / expected : 1,
        p50: num(done, 'p50'),
        p99: num(done, 'p99'),
        max: num(done, 'max'),
        errors: num(done, 'errors'),
        serverCpu: cpu.slice(0, -1).reduce((a, b) => a + b, 0),
        serverRss,
        generatorCpu: cpu.at(-1)!,
        coreBusy,
      };
    },
    close(): void {
      child.stdin!.end('quit\n');
      void stop(child);
    },
  };
}
