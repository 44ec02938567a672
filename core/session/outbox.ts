import type { Socket } from 'node:net';

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
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
    this.queue = [];
    this.queued = 0;
    if (this.callbacks.length === 0) {
      this.socket.write(data);
      return;
    }
    const callbacks = this.callbacks;
    this.callbacks = [];
    this.socket.write(data, (error) => {
      if (!error) for (const callback of callbacks) callback();
    });
  }
}
