import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo } from 'node:net';

/** Every process the bench starts, so an exit or Ctrl+C stops them (by PID, nothing else). */
const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);

/** For the bench's own process: Ctrl+C or SIGTERM stops what it started, then exits. */
export function stopChildrenOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

const hasTaskset = spawnSync('taskset', ['-V']).status === 0;
let pin = hasTaskset;

/** Turns core pinning off (--no-pin); it is on whenever taskset exists. */
export function noPinning(): void {
  pin = false;
}

/** Whether servers and the generator are pinned to their cores. */
export const pinned = (): boolean => pin;

/**
 * Spawns `command` pinned to `core` when taskset exists; output is kept for error messages.
 * `input`: give it a stdin pipe (the native generator takes its steps there).
 */
export function start(command: string, args: string[], core: number | null, input = false): { child: ChildProcess; output: () => string } {
  const taskset = pin && core !== null;
  const stdio = [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] as const;
  const child = spawn(taskset ? 'taskset' : command, taskset ? ['-c', String(core), command, ...args] : args, { stdio: [...stdio] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const keep = (data: Buffer | string) => {
    output = (output + data.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // A command that cannot be spawned (not installed, and not pinned through taskset) emits
  // 'error' with no 'exit': keep it as output rather than crash the run; exitCode is then set.
  child.on('error', (error) => keep(`${command}: ${error.message}\n`));
  return { child, output: () => output };
}

/**
 * Resolves with the first match of `pattern` in the child's output; rejects when the child
 * ends first (once its output is all read) or after `ms`.
 */
export function waitForOutput(child: ChildProcess, output: () => string, pattern: RegExp, ms = 15_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const m = pattern.exec(output());
      if (m) finish(() => resolve(m));
    };
    const ended = () => finish(() => reject(new Error(`exited: ${output().trim()}`)));
    const timer = setTimeout(() => finish(() => reject(new Error(`printed nothing like ${pattern} within ${ms} ms:\n${output()}`))), ms);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout!.off('data', look);
      child.stderr!.off('data', look);
      child.off('close', ended);
      settle();
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('close', ended);
    look();
  });
}

/** Stops a child by its PID: SIGTERM, then SIGKILL if it lingers. */
export async function stop(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Pins this process (all its threads) to `core`; false when taskset is missing. */
export function pinSelf(core: number): boolean {
  return pin && spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)]).status === 0;
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `port` accepts a connection; rejects after `ms` or when `child` exits. */
export async function waitForPort(port: number, child: ChildProcess, output: () => string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before listening:\n${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      const done = (up: boolean) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(up);
      };
      const timer = setTimeout(() => done(false), 1000);
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${ms} ms:\n${output()}`);
}
