import type { Socket } from 'node:net';
import type { Backlogged, OutputBudget } from './output-budget.js';

// Past this many bytes queued in one turn (file chunks), copying them into one buffer costs
// more than handing the pieces to one writev.
const BULK_BYTES = 32 * 1024;

// Outboxes with something queued since the last flush; flushed together.
const dirty: Outbox[] = [];
let scheduled = false;

// Adaptive coalescing. A quiet loop flushes at the end of the turn (setImmediate): no added
// latency. A loop that flushed less than COALESCE_MS ago is busy: the next flush waits for the
// next timer tick (libuv's is 1 ms), so each write() carries what several turns queued. The
// latency budget is one timer tick, only while busy; spinning on setImmediate instead would burn
// the idle time between messages.
const COALESCE_MS = 0.5;
let lastFlush = -Infinity;

function schedule(): void {
  scheduled = true;
  if (performance.now() - lastFlush < COALESCE_MS) setTimeout(flushAll, 0);
  else setImmediate(flushAll);
}

function flushAll(): void {
  scheduled = false;
  lastFlush = performance.now();
  const batch = dirty.splice(0);
  for (const outbox of batch) outbox.flush();
}

export const OWN_LIMIT_CAUSE = 'outgoing buffer full (client not reading)';
export const BUDGET_CAUSE = 'output backlog: over the server-wide budget, furthest behind (client not reading)';

/**
 * Outgoing frames of one connection. Frames queued during one event-loop turn go out in a
 * single write, which is what lets fan-out beat one syscall per delivery. The backlog (queued
 * plus what the socket has not yet sent) is bounded, by `limit` for this connection and by the
 * server's budget for all of them: past either the peer is not reading, and `onOverflow` is
 * called once (with the cause for the log) instead of letting server memory grow.
 */
export class Outbox implements Backlogged {
  private queue: Buffer[] = [];
  private queued = 0;
  private callbacks: (() => void)[] = [];
  private listed = false;
  private overflowed = false;
  private released = false;
  /** Bytes counted against the budget: queued, or written and not yet taken by the kernel. */
  private counted = 0;
  private progressed = 0;

  constructor(
    private readonly socket: Socket,
    private readonly limit: number,
    private readonly budget: OutputBudget,
    private readonly onOverflow: (cause: string) => void,
  ) {
    budget.join(this);
  }

  get held(): number {
    return this.counted;
  }

  get progressAt(): number {
    return this.progressed;
  }

  /** Bytes accepted but not yet handed to the kernel. */
  get backlog(): number {
    return this.queued + this.socket.writableLength;
  }

  /** Queues a frame; `onWritten` runs once it has been handed to the kernel (used for flow control). */
  push(frame: Buffer, onWritten?: () => void): void {
    if (this.overflowed || !this.socket.writable) return;
    this.queue.push(frame);
    if (onWritten) this.callbacks.push(onWritten);
    this.queued += frame.length;
    if (this.queued + this.socket.writableLength > this.limit) return this.drop(OWN_LIMIT_CAUSE);
    if (this.counted === 0) this.progressed = this.budget.clock; // behind from now
    this.counted += frame.length;
    this.budget.charge(frame.length); // may drop this very outbox, if it is the furthest behind
    if (this.overflowed) return;
    if (!this.listed) {
      this.listed = true;
      dirty.push(this);
      if (!scheduled) schedule();
    }
  }

  flush(): void {
    this.listed = false;
    if (this.queued === 0 || !this.socket.writable) return;
    const queue = this.queue;
    const bulk = this.queued >= BULK_BYTES && queue.length > 1;
    // One frame, the usual case, goes as it is; a few are copied into one buffer for one write.
    const data = bulk ? undefined : queue.length === 1 ? queue[0]! : Buffer.concat(queue, this.queued);
    this.queued = 0;
    if (bulk) this.queue = [];
    else queue.length = 0; // nothing refers to it: kept, so a busy connection allocates no array per write
    const callbacks = this.callbacks;
    if (callbacks.length > 0) this.callbacks = [];
    // Only file chunks wait to hear of their write; a chat frame's write needs no closure of its own.
    const done = callbacks.length === 0 ? this.afterWrite : (error?: Error | null) => {
      this.afterWrite();
      if (!error) for (const callback of callbacks) callback();
    };
    if (data) this.socket.write(data, done);
    else {
      // File chunks go out as they are (one writev, under cork) rather than copied into one buffer.
      this.socket.cork();
      for (let i = 0; i < queue.length - 1; i++) this.socket.write(queue[i]!);
      this.socket.write(queue[queue.length - 1]!, done);
      this.socket.uncork();
    }
  }

  /**
   * A write finished: what the socket still holds is all that is counted besides the queue.
   * Writes finish in order, so this needs no record of what each one carried.
   */
  private readonly afterWrite = (): void => {
    if (this.released) return;
    const left = this.queued + this.socket.writableLength;
    if (left >= this.counted) return;
    this.progressed = this.budget.clock;
    this.budget.charge(left - this.counted);
    this.counted = left;
  };

  shed(): void {
    this.drop(BUDGET_CAUSE);
  }

  private drop(cause: string): void {
    this.overflowed = true;
    this.queue = [];
    this.queued = 0;
    this.callbacks = [];
    this.release(); // the socket is destroyed next: what it holds is freed with it
    this.onOverflow(cause);
  }

  /**
   * Takes this connection's bytes out of the budget, once; nothing is counted after. The session
   * calls it when its socket closes (a listener of our own would cost a closure per connection).
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.charge(-this.counted);
    this.counted = 0;
    this.budget.leave(this);
  }
}
