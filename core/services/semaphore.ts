/**
 * A counting semaphore with a bounded FIFO wait queue. Waiters are values, so a waiter that
 * leaves (its client vanished) can be taken out of the queue; `release` hands the permit
 * straight to the next waiter, so no one can slip in between.
 */
export class FifoSemaphore<T> {
  private active = 0;
  private readonly queue: T[] = [];

  constructor(
    private readonly permits: number,
    private readonly maxWaiting: number,
  ) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  tryAcquire(): boolean {
    if (this.active >= this.permits || this.queue.length > 0) return false;
    this.active++;
    return true;
  }

  /** Queues a waiter; returns its 1-based position, or undefined when the queue is full. */
  enqueue(waiter: T): number | undefined {
    if (this.queue.length >= this.maxWaiting) return undefined;
    return this.queue.push(waiter);
  }

  /** Takes a waiter out of the queue; false if it was not waiting. */
  remove(waiter: T): boolean {
    const index = this.queue.indexOf(waiter);
    if (index === -1) return false;
    this.queue.splice(index, 1);
    return true;
  }

  /** Gives a permit back. Returns the waiter that now holds it, if any. */
  release(): T | undefined {
    const next = this.queue.shift();
    if (next === undefined) this.active--;
    return next;
  }

  /** Empties the queue, returning who was waiting. */
  drainQueue(): T[] {
    return this.queue.splice(0);
  }
}
