import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostics } from '../../core/server/diagnostics.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `node [--expose-gc] bin/chatserver.js` in a child process on an ephemeral loopback port, with
 * its log in a temporary folder and the stats hook on (CHATSERVER_STATS_IPC=1). New connections
 * are not throttled (`args` may set --connect-rate): tests open many from 127.0.0.1. Not tied to ava,
 * so `npm run soak` uses it too: call `kill()` when done (tests do it in t.teardown).
 */
export class ChildServer {
  stderr = '';
  readonly exited: Promise<ChildExit>;
  private pendingStats: ((stats: Diagnostics) => void)[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
    private readonly dir: string,
    exited: Promise<ChildExit>,
  ) {
    this.exited = exited;
    child.on('message', (message: { t?: string }) => {
      if (message?.t === 'stats') this.pendingStats.shift()?.(message as unknown as Diagnostics);
    });
  }

  /** `port`: a fixed one (to start a server again where a client expects it); an ephemeral one by default. */
  static async start(args: string[], options: { gc?: boolean; startMs?: number; env?: NodeJS.ProcessEnv; port?: number } = {}): Promise<ChildServer> {
    const dir = mkdtempSync(join(tmpdir(), 'chatserver-child-'));
    const logFile = join(dir, 'server.log');
    const child = spawn(
      process.execPath,
      [...(options.gc ? ['--expose-gc'] : []), 'bin/chatserver.js', String(options.port ?? 0), '--host', '127.0.0.1', '--log', logFile, '--quiet', '--connect-rate', '0', ...(args.includes('--state-dir') ? [] : ['--state-dir', join(dir, 'state')]), ...args],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, CHATSERVER_STATS_IPC: '1', ...options.env } },
    );
    const exited = new Promise<ChildExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), options.startMs ?? 10_000);
      child.stderr!.on('data', (text: string) => {
        stderr += text;
        const match = /listening on port (\d+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      void exited.then((exit) => reject(new Error(`server exited (${exit.code ?? exit.signal}) before listening: ${stderr}`)));
    }).catch((error) => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw error;
    });
    const server = new ChildServer(child, port, logFile, dir, exited);
    server.stderr = stderr;
    child.stderr!.on('data', (text: string) => (server.stderr += text));
    return server;
  }

  /** The server's counters and process figures (after a forced GC when started with gc). */
  stats(ms = 10_000): Promise<Diagnostics> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no stats answer from the server')), ms);
      this.pendingStats.push((stats) => {
        clearTimeout(timer);
        resolve(stats);
      });
      this.child.send({ t: 'stats' });
    });
  }

  log(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with how the process ended, or rejects after `ms`. */
  exit(ms = 15_000): Promise<ChildExit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`server did not exit within ${ms} ms; stderr: ${this.stderr}`)), ms);
    });
    return Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
  }

  /** Kills the process (by its PID) if it still runs, and removes its temporary folder. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
