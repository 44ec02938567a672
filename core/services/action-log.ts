import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { INVISIBLE as INVISIBLE_FORMAT } from '../protocol/invisible.js';
import { characterCount } from '../commands/kinds.js';
import type { ActionLog } from '../tokens.js';

type Fields = Record<string, string | number | boolean | undefined>;

const BARE = /^[\w.:@/+-]+$/;
/**
 * What JSON.stringify leaves raw but a terminal or an editor acts on: DEL, C1 controls, and the
 * invisible format characters the client never shows (bidi, zero-width, tags, line separators).
 */
const INVISIBLE = new RegExp(`[\\u007f-\\u009f]|${INVISIBLE_FORMAT.source}`, 'gu');

const escapeUnits = (c: string): string =>
  c
    .split('')
    .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('');

/** Quoted, with every control and invisible character escaped, so a field stays one visible line. */
function quote(text: string): string {
  return JSON.stringify(text).replace(INVISIBLE, escapeUnits);
}

function formatValue(value: string | number | boolean): string {
  const text = String(value);
  return BARE.test(text) ? text : quote(text);
}

/**
 * The action log: `2026-11-24T08:30:00.123Z join user=alice room=general`, one line per action,
 * to the log file and standard output. Lines are gathered and written once per event-loop turn,
 * so logging stays off the message path's critical cost under load.
 */
export class FileActionLog implements ActionLog {
  private readonly file: WriteStream | null;
  /** With no file and no stdout (--no-log-file --quiet) a line would go nowhere: skip formatting it. */
  private readonly off: boolean;
  private pending: string[] = [];
  private scheduled = false;
  private closed = false;
  private readonly tag: string;

  constructor(
    path: string | null,
    private readonly toStdout: boolean,
    private readonly withText: boolean,
    /** Fields every line carries first, such as the worker a line comes from. */
    tag: Fields = {},
  ) {
    this.tag = Object.entries(tag).map(([key, value]) => ` ${key}=${formatValue(value!)}`).join('');
    this.file = path ? createWriteStream(path, { flags: 'a' }) : null;
    this.off = !this.file && !toStdout;
  }

  /** Resolves once the file is open, rejecting with the reason if it cannot be. */
  async ready(): Promise<void> {
    if (this.file && this.file.pending) await once(this.file, 'open');
  }

  action(name: string, fields: Fields = {}): void {
    if (this.off) return;
    let line = `${new Date().toISOString()} ${name}${this.tag}`;
    for (const key in fields) {
      const value = fields[key];
      if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
    }
    this.write(line);
  }

  message(kind: 'broadcast' | 'whisper', fields: Record<string, string | number>, text: string): void {
    if (this.off) return; // counted only for a line that is written
    const length = characterCount(text);
    this.action(kind, this.withText ? { ...fields, length, text } : { ...fields, length });
  }

  error(message: string, error: unknown): void {
    if (this.off) return;
    const raw = error instanceof Error ? (error.stack ?? error.message) : String(error);
    // A stack may quote user input: its lines stay lines, nothing else acts on a terminal.
    const detail = raw.replace(/[\u0000-\u0009\u000b-\u001f]/g, escapeUnits).replace(INVISIBLE, escapeUnits);
    this.write(`${new Date().toISOString()} error${this.tag} ${quote(message)}\n  ${detail.replace(/\n/g, '\n  ')}`);
  }

  /**
   * A start that failed: the reason goes to the file, so the log says why the server is not
   * running (the terminal has it already, from stderr), and the file is closed.
   */
  async closeFailed(reason: string): Promise<void> {
    this.flush();
    this.file?.write(`${new Date().toISOString()} start-failed${this.tag} reason=${formatValue(reason)}\n`);
    await this.close();
  }

  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    if (this.file) {
      this.file.end();
      await once(this.file, 'close');
    }
  }

  private write(line: string): void {
    if (this.closed) return;
    this.pending.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.file?.write(text);
    if (this.toStdout) process.stdout.write(text);
  }
}
