import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { TRANSFER_WAIT_MS } from './files.js';

const BIN = fileURLToPath(new URL('../../../bin/chatclient.js', import.meta.url));

/**
 * The real `chatclient` executable in scripted mode, as a child process: lines go to its
 * standard input, and its output is collected line by line. Killed at teardown if still running.
 */
export class ChatClientProcess {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { test: (line: string) => boolean; resolve: () => void }[] = [];

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(line)) return true;
        w.resolve();
        return false;
      });
    });
    createInterface({ input: child.stderr }).on('line', (line) => this.errors.push(line));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(t: ExecutionContext, port: number, args: string[], cwd: string): ChatClientProcess {
    const child = spawn(process.execPath, [BIN, '127.0.0.1', String(port), '--no-color', ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    return new ChatClientProcess(child);
  }

  /** Sends a signal to this process (by its own pid): SIGSTOP and SIGCONT to freeze it, SIGKILL to crash it. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  write(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Ends standard input: the client finishes its transfers and leaves as /exit does. */
  end(): void {
    this.child.stdin.end();
  }

  waitForLine(expected: string, ms = TRANSFER_WAIT_MS): Promise<void> {
    if (this.lines.includes(expected)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`chatclient did not print ${JSON.stringify(expected)} within ${ms} ms; it printed:\n${[...this.lines, ...this.errors].join('\n')}`));
      }, ms);
      const waiter = {
        test: (line: string) => line === expected,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }
}
