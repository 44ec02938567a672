export interface Shares {
  permits: number;
  maxWaiting: number;
  /** Permits one owner may hold at once. */
  perOwner: number;
  /** Places in the queue one owner may take. */
  perOwnerWaiting: number;
}

/**
 * A counting semaphore with a bounded FIFO wait queue, shared fairly between owners: no owner
 * holds more than its share of permits or of queue places, so one owner cannot take them all.
 * Waiters are values, so a waiter that leaves (its client vanished) can be taken out of the
 * queue; `release` hands the permit straight to the first waiter whose owner is within its
 * share, so no one can slip in between. Invariant: while a permit is free, every waiter's
 * owner is at its share (which is why `tryAcquire` need not look at the queue).
 */
export class SharedSemaphore<T> {
  private active = 0;
  private readonly queue: T[] = [];
  private readonly held = new Map<string, number>();
  private readonly queued = new Map<string, number>();

  constructor(
    private readonly shares: Shares,
    private readonly ownerOf: (waiter: T) => string,
  ) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  tryAcquire(waiter: T): boolean {
    if (this.active >= this.shares.permits || !this.withinShare(waiter)) return false;
    this.acquire(waiter);
    return true;
  }

  /** Queues a waiter: its 1-based position, or why not (the queue, or the owner's share of it, is full). */
  enqueue(waiter: T): number | 'full' | 'share' {
    const owner = this.ownerOf(waiter);
    const mine = this.queued.get(owner) ?? 0;
    if (mine >= this.shares.perOwnerWaiting) return 'share';
    if (this.queue.length >= this.shares.maxWaiting) return 'full';
    this.queued.set(owner, mine + 1);
    return this.queue.push(waiter);
  }

  /** Takes a waiter out of the queue; false if it was not waiting. */
  remove(waiter: T): boolean {
    const index = this.queue.indexOf(waiter);
    if (index === -1) return false;
    this.queue.splice(index, 1);
    this.count(this.queued, this.ownerOf(waiter), -1);
    return true;
  }

  /** Gives back the permit `holder` held. Returns the waiters that now hold permits, in order. */
  release(holder: T): T[] {
    this.active--;
    this.count(this.held, this.ownerOf(holder), -1);
    const started: T[] = [];
    while (this.active < this.shares.permits) {
      const index = this.queue.findIndex((w) => this.withinShare(w));
      if (index === -1) break;
      const [next] = this.queue.splice(index, 1);
      this.count(this.queued, this.ownerOf(next!), -1);
      this.acquire(next!);
      started.push(next!);
    }
    return started;
  }

  /** Empties the queue, returning who was waiting. */
  drainQueue(): T[] {
    this.queued.clear();
    return this.queue.splice(0);
  }

  private withinShare(waiter: T): boolean {
    return (this.held.get(this.ownerOf(waiter)) ?? 0) < this.shares.perOwner;
  }

  private acquire(waiter: T): void {
    this.active++;
    this.count(this.held, this.ownerOf(waiter), 1);
  }

  private count(counts: Map<string, number>, owner: string, by: number): void {
    const n = (counts.get(owner) ?? 0) + by;
    if (n > 0) counts.set(owner, n);
    else counts.delete(owner);
  }
}
