import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The server's flood limit (rate and burst from the welcome) mirrored on the client, so that
 * piped or pasted lines wait their turn instead of being refused. It runs a little slower and
 * keeps a little burst in hand, since the server counts arrival times, which jitter.
 */
export class FloodPacer {
  private readonly rate: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt = Date.now();

  constructor(rate: number | undefined, burst: number | undefined) {
    this.rate = rate ? rate * 0.9 : 0;
    this.burst = Math.max(1, (burst ?? 1) - 2);
    this.tokens = this.burst;
  }

  /** Counts a request sent (a line or a query). */
  take(): void {
    if (this.rate > 0) this.tokens = this.refill() - 1;
  }

  /** Resolves when a request sent now would not be refused for flooding. */
  async turn(): Promise<void> {
    while (this.rate > 0 && this.refill() < 1) await sleep(Math.ceil(((1 - this.tokens) * 1000) / this.rate));
  }

  private refill(): number {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = now;
    return this.tokens;
  }
}
