import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';

// Starting node takes a while on a loaded machine; this is only an upper bound.
const PROCESS_WAIT_MS = 30_000;

/** The repository root (tests run from dist/test/helpers). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A real child process (one of the repository's executables) with its output captured. It is
 * killed by PID at teardown if the test has not already seen it exit.
 */
export class Child {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private waiters: (() => void)[] = [];

  constructor(readonly process: ChildProcessWithoutNullStreams) {
    process.stdout.setEncoding('utf8').on('data', (text: string) => this.output(() => (this.stdout += text)));
    process.stderr.setEncoding('utf8').on('data', (text: string) => this.output(() => (this.stderr += text)));
    // 'close', not 'exit': by then all of the output has been read, so a test sees its last line.
    this.exited = new Promise((resolve) => process.on('close', (code, signal) => resolve({ code, signal })));
  }

  static spawn(t: ExecutionContext, bin: 'chatserver' | 'chatclient', args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Child {
    const proc = spawn(process.execPath, [join(ROOT, 'bin', `${bin}.js`), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    });
    const child = new Child(proc);
    t.teardown(() => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    });
    return child;
  }

  /** Resolves with the first match of `pattern` in stdout (or stderr), waiting for it if need be. */
  waitFor(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', ms = PROCESS_WAIT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this[stream].match(pattern);
        if (match) resolve(match);
        return Boolean(match);
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`waited ${ms} ms for ${pattern} on ${stream}; stdout: ${this.stdout}\nstderr: ${this.stderr}`));
      }, ms);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves when the process exits, rejecting if it takes longer than `ms`. */
  exit(ms = PROCESS_WAIT_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`process did not exit within ${ms} ms; stderr: ${this.stderr}`)), ms);
    });
    return Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
  }

  writeLine(line: string): void {
    this.process.stdin.write(`${line}\n`);
  }

  private output(append: () => void): void {
    append();
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Starts the chatserver executable on an ephemeral port and resolves once it is listening. */
export async function spawnServer(t: ExecutionContext, args: string[] = [], cwd = ROOT): Promise<{ child: Child; port: number }> {
  const child = Child.spawn(t, 'chatserver', ['0', '--host', '127.0.0.1', ...args], {}, cwd);
  const [, port] = await Promise.race([
    child.waitFor(/listening on port (\d+)/, 'stderr'),
    child.exited.then((exit) => {
      throw new Error(`chatserver exited (${exit.code}) before listening: ${child.stderr}`);
    }),
  ]);
  return { child, port: Number(port) };
}
