import type { Dispatcher } from '../commands/dispatcher.js';
import type { ServerConfig } from '../config.js';
import { classifyLine } from '../protocol/command-line.js';
import type { FileOffer } from '../protocol/messages.js';
import { TokenBucket } from '../protocol/token-bucket.js';
import type { Session } from '../session/session.js';
import type { ActionLog } from '../tokens.js';

interface Pending {
  id: number;
  line: string;
  files: readonly FileOffer[];
  secrets: Readonly<Record<string, string>> | undefined;
}

// Past this many commands waiting behind the one running, the connection is no longer read: TCP
// holds the rest at the client, as IRC daemons do, and reading resumes once half have run. The
// session holds what the last read brought beyond this, so nothing is refused for being late.
const PAUSE_AT = 64;
// A flood must not flood the log: refusals are counted and logged at most this often.
const REFUSALS_LOGGED_EVERY_MS = 1_000;

/**
 * The commands of one connection, run one at a time in the order they arrived, so that
 * `/join a` then a message always land in that order. Applies the per-user flood limit
 * (a token bucket) and the per-command time limit.
 */
export class CommandQueue {
  private readonly waiting: Pending[] = [];
  private running: { id: number; line: string; since: number } | undefined;
  private readonly flood: TokenBucket;
  private idleWaiters: (() => void)[] = [];
  /** Lines refused for flooding since the last log line about them. */
  private refused = 0;
  private refusalsLoggedAt = 0;

  constructor(
    private readonly session: Session,
    private readonly dispatcher: Dispatcher,
    private readonly config: ServerConfig,
    private readonly log: ActionLog,
  ) {
    this.flood = new TokenBucket(config.floodRate, config.floodBurst);
  }

  push(id: number, line: string, files: readonly FileOffer[], secrets?: Readonly<Record<string, string>>): void {
    if (!this.dispatcher.floodExempt(line) && !this.admit(id, 'this line was not sent')) return;
    // Straight to run when idle, the usual case: an idle connection keeps no array storage.
    if (!this.running) return this.run({ id, line, files, secrets });
    this.waiting.push({ id, line, files, secrets });
    if (this.waiting.length === PAUSE_AT) this.session.pauseReading();
  }

  /** Gives up on a command that has run past the time limit, so the connection moves on. */
  checkTimeout(now: number): void {
    if (this.refused > 0 && now - this.refusalsLoggedAt >= REFUSALS_LOGGED_EVERY_MS) this.logRefusals(now);
    const running = this.running;
    if (!running || now - running.since <= this.config.commandTimeoutMs) return;
    const kind = classifyLine(running.line);
    const name = kind.kind === 'command' ? `/${kind.name.slice(0, 32)}` : 'your line';
    this.session.tell({
      kind: 'refusal',
      request: running.id,
      code: 'TIMEOUT',
      message: `${name} did not finish within ${this.config.commandTimeoutMs / 1000} s and was abandoned`,
    });
    this.log.action('command-timeout', { user: this.session.user, command: name });
    this.running = undefined;
    this.next();
  }

  /**
   * Takes a token from the flood bucket for request `id`; when there is none, tells the user
   * (`what` says what was dropped) and returns false.
   */
  admit(id: number, what: string): boolean {
    if (this.flood.take()) return true;
    this.session.tell({ kind: 'refusal', request: id, code: 'FLOOD', message: `you are sending too fast; slow down (${what})` });
    this.countRefusal();
    return false;
  }

  private countRefusal(): void {
    this.refused++;
    const now = Date.now();
    if (now - this.refusalsLoggedAt >= REFUSALS_LOGGED_EVERY_MS) this.logRefusals(now);
  }

  /** One line with the count since the last line; the rest is logged by the sweep. */
  private logRefusals(now: number): void {
    this.log.action('refused', { id: this.session.id, user: this.session.user || undefined, code: 'FLOOD', count: this.refused });
    this.refused = 0;
    this.refusalsLoggedAt = now;
  }

  clear(): void {
    this.waiting.length = 0;
    this.session.resumeReading();
  }

  /** Resolves once no command is running: it has finished, or was abandoned at the time limit. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    const item = this.waiting.shift();
    if (item) this.run(item);
    else this.settle();
    // After run(), which marks the queue busy: frames held by the session queue behind `item`.
    if (this.waiting.length === PAUSE_AT / 2) this.session.resumeReading();
  }

  private run(item: Pending): void {
    if (!this.session.open) return this.settle();
    const running = { id: item.id, line: item.line, since: Date.now() };
    this.running = running;
    this.dispatcher.dispatch(this.session, item.id, item.line, item).finally(() => {
      if (this.running !== running) return; // timed out already; the queue moved on
      this.running = undefined;
      this.next();
    });
  }

  private settle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
