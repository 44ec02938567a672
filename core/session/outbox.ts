import type { Socket } from 'node:net';

// Past this many bytes queued in one turn (file chunks), copying them into one buffer costs
// more than handing the pieces to one writev.
const BULK_BYTES = 32 * 1024;

// Outboxes with something queued in this event-loop turn; flushed together by one setImmediate.
const dirty: Outbox[] = [];
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  const batch = dirty.splice(0);
  for (const outbox of batch) outbox.flush();
}

/**
 * Outgoing frames of one connection. Frames queued during one event-loop turn go out in a
 * single write, which is what lets fan-out beat one syscall per delivery. The backlog (queued
 * plus what the socket has not yet sent) is bounded: past the limit the peer is not reading,
 * and `onOverflow` is called once instead of letting server memory grow.
 */
export class Outbox {
  private queue: Buffer[] = [];
  private queued = 0;
  private callbacks: (() => void)[] = [];
  private listed = false;
  private overflowed = false;

  constructor(
    private readonly socket: Socket,
    private readonly limit: number,
    private readonly onOverflow: () => void,
  ) {}

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
    if (this.queued + this.socket.writableLength > this.limit) {
      this.overflowed = true;
      this.queue = [];
      this.queued = 0;
      this.callbacks = [];
      this.onOverflow();
      return;
    }
    if (!this.listed) {
      this.listed = true;
      dirty.push(this);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushAll);
      }
    }
  }

  flush(): void {
    this.listed = false;
    if (this.queued === 0 || !this.socket.writable) return;
    const queue = this.queue;
    const bulk = this.queued >= BULK_BYTES && queue.length > 1;
    const data = queue.length === 1 || bulk ? queue : [Buffer.concat(queue, this.queued)];
    this.queue = [];
    this.queued = 0;
    const callbacks = this.callbacks;
    this.callbacks = [];
    const done =
      callbacks.length === 0
        ? undefined
        : (error?: Error | null) => {
            if (!error) for (const callback of callbacks) callback();
          };
    // File chunks go out as they are (one writev, under cork) rather than copied into one buffer.
    if (bulk) this.socket.cork();
    for (let i = 0; i < data.length - 1; i++) this.socket.write(data[i]!);
    this.socket.write(data[data.length - 1]!, done);
    if (bulk) this.socket.uncork();
  }
}
