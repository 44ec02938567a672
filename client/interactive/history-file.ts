import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Where the lines typed to one server are kept between runs: `$XDG_STATE_HOME/chatclient/history/
 * HOST_PORT` (default `~/.local/state`), readable by its owner only. Passwords are never typed on
 * a line, so none is ever in it.
 */
export function historyFile(host: string, port: number, env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'chatclient', 'history', `${host.replace(/[^A-Za-z0-9.-]/g, '_')}_${port}`);
}

/**
 * The last `limit` lines of earlier runs; none when the file is not there or cannot be read.
 * A file grown past twice that is cut back to them, so it stays small however long it is used.
 */
export function readHistory(file: string, limit: number): string[] {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
  const kept = lines.slice(-limit);
  if (lines.length > 2 * limit) {
    try {
      writeFileSync(file, `${kept.join('\n')}\n`, { mode: 0o600 });
    } catch {
      // read-only: it is read, just not cut
    }
  }
  return kept;
}

/** Appends a line as it is kept. One that cannot be written is not worth a word on the chat: given up for the run. */
export function historyWriter(file: string): (line: string) => void {
  let broken = false;
  return (line) => {
    if (broken || line.includes('\n')) return;
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
    } catch {
      broken = true;
    }
  };
}
