import type { ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAIT_MS } from './client.js';

/** How long to wait for what a terminal shows: a client process starting on a busy machine is slow. */
export const SCREEN_WAIT_MS = 2 * WAIT_MS;

const bin = (program: string) => new URL(`../../../bin/${program}.js`, import.meta.url).pathname;

export interface TerminalOptions {
  columns?: number;
  rows?: number;
  cwd?: string;
  /** Extra environment for the client; FORCE_COLOR, NO_COLOR and NODE_DISABLE_COLORS start unset, XDG_STATE_HOME is the test's own. */
  env?: Record<string, string>;
  /** Run the client as a job typed into an interactive bash (job control: Ctrl+Z, fg) instead. */
  jobControl?: boolean;
  /**
   * Give the client a pipe from `cat` as its input (scripted mode, printing to the terminal):
   * typed lines reach it on Enter, and C-d ends its input.
   */
  piped?: boolean;
  /** Which executable runs in the pane (default chatclient). */
  program?: 'chatclient' | 'chatserver';
}

/**
 * A real terminal for the interactive client: a tmux server of its own (a private socket in a
 * temporary folder; the server is killed and the folder removed at teardown) running `chatclient`
 * (or `chatserver`) in a pane. After the client exits, the pane shows
 * `[exited N, terminal restored|changed]`, comparing `stty -g` before and after.
 */
export class Terminal {
  private constructor(private readonly socket: string) {}

  static async run(t: ExecutionContext, args: string[], options: TerminalOptions = {}): Promise<Terminal> {
    // The server's socket lives in a folder of this test's own, removed with it.
    const dir = mkdtempSync(join(tmpdir(), 'chat-tmux-'));
    const socket = join(dir, 'tmux.sock');
    const config = join(dir, 'tmux.conf');
    writeFileSync(config, 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 2000\n');
    const terminal = new Terminal(socket);
    t.teardown(async () => {
      await terminal.tmux('kill-server').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    });
    // The client keeps its input history in the state folder: this test's own, unless it says.
    const env = Object.entries({ XDG_STATE_HOME: join(dir, 'state'), ...options.env }).map(([k, v]) => `${k}=${v}`);
    const script = `s=$(stty -g); ${options.piped ? 'cat | ' : ''}"$@"; code=$?; [ "$(stty -g)" = "$s" ] && how=restored || how=changed; echo "[exited $code, terminal $how]"`;
    const command = ['env', '-u', 'FORCE_COLOR', '-u', 'NO_COLOR', '-u', 'NODE_DISABLE_COLORS', ...env, process.execPath, bin(options.program ?? 'chatclient'), ...args];
    await terminal.tmux(
      '-f', config, 'new-session', '-d', '-s', 'chat', '-x', String(options.columns ?? 100), '-y', String(options.rows ?? 30),
      '-c', options.cwd ?? process.cwd(), ...(options.jobControl ? ['bash', '--norc', '--noprofile', '-i'] : ['sh', '-c', script, 'sh', ...command]),
    );
    if (options.jobControl) {
      await terminal.type(command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' '));
      await terminal.press('Enter');
    }
    return terminal;
  }

  /** Types text literally (no key names). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'chat', '-l', text);
  }

  /** Presses keys by tmux name: Enter, Tab, BTab, Up, C-c, C-d, Left… */
  async press(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'chat', ...keys);
  }

  /**
   * The visible screen, one string per row (trailing blanks trimmed). `joined` gives instead
   * everything since the start, one string per line however it wrapped.
   */
  async screen(options: { joined?: boolean; colours?: boolean } = {}): Promise<string[]> {
    // -J alone drops the first half of a line wrapped across the top row; from the start it does not.
    const flags = [...(options.joined ? ['-J', '-S', '-'] : []), ...(options.colours ? ['-e'] : [])];
    const text = await this.tmux('capture-pane', '-p', ...flags, '-t', 'chat');
    return text.replace(/\n$/, '').split('\n').map((row) => row.trimEnd());
  }

  async cursor(): Promise<{ x: number; y: number }> {
    const [x, y] = (await this.tmux('display-message', '-p', '-t', 'chat', '#{cursor_x} #{cursor_y}')).trim().split(' ').map(Number);
    return { x: x!, y: y! };
  }

  /**
   * Whether the pane has rung the bell since it started: tmux flags the window of a session no
   * one is attached to, and keeps the flag. Bells the pane wrote before what is on the screen
   * have been counted by the time it shows.
   */
  async bellRang(): Promise<boolean> {
    return (await this.tmux('display-message', '-p', '-t', 'chat', '#{window_bell_flag}')).trim() === '1';
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', 'chat', '-x', String(columns), '-y', String(rows));
  }

  /**
   * Polls the screen until `test` holds (a string or pattern to find on it, or a predicate on
   * its rows), and returns the rows. Fails with the last screen after `ms`.
   */
  async waitFor(test: string | RegExp | ((rows: string[]) => boolean), options: { joined?: boolean; ms?: number } = {}): Promise<string[]> {
    const holds = typeof test === 'function' ? test : (rows: string[]) => (typeof test === 'string' ? rows.join('\n').includes(test) : test.test(rows.join('\n')));
    const deadline = Date.now() + (options.ms ?? SCREEN_WAIT_MS);
    let rows: string[] = [];
    for (;;) {
      rows = await this.screen({ joined: options.joined });
      if (holds(rows)) return rows;
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    throw new Error(`the terminal did not show ${String(test)} within ${options.ms ?? SCREEN_WAIT_MS} ms; it shows:\n${rows.join('\n')}`);
  }

  /** Waits for the client to exit; resolves with its exit code and whether the terminal was restored. */
  async exited(): Promise<{ code: number; restored: boolean }> {
    const rows = await this.waitFor(/\[exited \d+, terminal \w+\]/);
    const [, code, how] = /\[exited (\d+), terminal (\w+)\]/.exec(rows.join('\n'))!;
    return { code: Number(code), restored: how === 'restored' };
  }

  private tmux(...args: string[]): Promise<string> {
    const env = { ...process.env };
    delete env.TMUX;
    return new Promise((resolve, reject) => {
      execFile('tmux', ['-S', this.socket, ...args], { env, timeout: 10_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`tmux ${args[0]} failed: ${stderr || error.message}`));
        else resolve(stdout);
      });
    });
  }
}
