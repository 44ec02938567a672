import type { SaveProblem } from '../protocol/messages.js';
import type { ActionLog, SaveReport } from '../tokens.js';
import type { Endpoint, LocalSessions } from './local-sessions.js';

/** A transfer whose bytes all reached the recipient's connection. */
export interface Delivered {
  id: number;
  sender: string;
  recipient: string;
  name: string;
  size: number;
}

interface Waiting {
  file: Delivered;
  /** The sender's connection then: a later login under the same name is not told. */
  sender: Endpoint | undefined;
  deadline: number;
}

/** What the sender is told when the recipient's client could not keep the file. */
const PROBLEMS: Record<SaveProblem, string> = {
  unwritable: 'cannot write to their downloads folder',
  'disk-full': 'their disk is full',
  corrupt: 'the file was corrupted on the way',
  other: 'their client could not save it',
};

/**
 * Delivered is not saved: delivered files wait here for their recipient's word (at most
 * `waitMs`), and only then is the sender told which, and the log. Holds no upload slot.
 */
export class SaveReports {
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly waitMs: number,
    private readonly log: ActionLog,
    private readonly sessions: LocalSessions,
    /** Called whenever one is settled (the upload service may be waiting for idle). */
    private readonly settled: () => void,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** After file-end: waits for the report if the recipient was asked for one, else settles as unconfirmed, saying why. */
  delivered(file: Delivered, asked: boolean, whyNot: string): void {
    const entry = { file, sender: this.sessions.get(file.sender), deadline: Date.now() + this.waitMs };
    if (asked) this.waiting.set(file.id, entry);
    else this.settle(entry, 'unknown', whyNot);
  }

  /** A recipient's report; false if no file of theirs waits here under that id. */
  report(recipient: string, report: SaveReport): boolean {
    const entry = this.waiting.get(report.transfer);
    if (!entry) return false;
    if (entry.file.recipient.toLowerCase() !== recipient.toLowerCase()) return true; // not theirs to answer
    const problem = report.problem !== undefined && Object.hasOwn(PROBLEMS, report.problem) ? (report.problem as SaveProblem) : 'other';
    const detail = report.outcome === 'failed' ? PROBLEMS[problem] : `${entry.file.recipient}'s client did not report it`;
    this.settle(entry, report.outcome, detail);
    return true;
  }

  userGone(user: string): void {
    for (const entry of [...this.waiting.values()]) {
      if (entry.file.recipient === user) this.settle(entry, 'unknown', `${user} disconnected before confirming`);
    }
  }

  sweep(now: number): void {
    for (const entry of [...this.waiting.values()]) {
      if (now > entry.deadline) this.settle(entry, 'unknown', `no word from ${entry.file.recipient}'s client within ${this.waitMs / 1000} s`);
    }
  }

  drain(): void {
    for (const entry of [...this.waiting.values()]) this.settle(entry, 'unknown', 'the server shut down before the recipient confirmed');
  }

  private settle(entry: Waiting, outcome: SaveReport['outcome'], detail: string): void {
    const { file } = entry;
    this.waiting.delete(file.id);
    const sender = entry.sender && this.sessions.get(file.sender) === entry.sender ? entry.sender : undefined;
    const fields = { id: file.id, from: file.sender, to: file.recipient, file: file.name };
    if (outcome === 'failed') {
      sender?.tell({ kind: 'upload-failed', transfer: file.id, file: file.name, reason: `it reached ${file.recipient} but was not saved: ${detail}` });
      this.log.action('file-save-failed', { ...fields, reason: detail });
    } else if (outcome === 'saved') {
      sender?.tell({ kind: 'upload-done', transfer: file.id, file: file.name, to: file.recipient, bytes: file.size, saved: true });
      this.log.action('file-saved', fields);
    } else {
      sender?.tell({ kind: 'upload-done', transfer: file.id, file: file.name, to: file.recipient, bytes: file.size, saved: false });
      this.log.action('file-unconfirmed', { ...fields, reason: detail });
    }
    this.settled();
  }
}
