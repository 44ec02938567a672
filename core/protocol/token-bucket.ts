/**
 * A token bucket: at most `burst` tokens, refilled at `rate` a second; rate 0 means no limit.
 * The server's flood limits and the client's pacing of what it sends are both one of these.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Takes `n` tokens if there are that many. */
  take(n = 1, now = Date.now()): boolean {
    if (this.rate <= 0) return true;
    if (this.refill(now) < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Takes `n` tokens even if that leaves a debt: a client counting what it has sent anyway. */
  spend(n = 1, now = Date.now()): void {
    if (this.rate > 0) this.tokens = this.refill(now) - n;
  }

  /** Milliseconds until `n` tokens are there; 0 when they are. */
  wait(n = 1, now = Date.now()): number {
    if (this.rate <= 0) return 0;
    const missing = n - this.refill(now);
    return missing > 0 ? Math.ceil((missing * 1000) / this.rate) : 0;
  }

  /** Whether it has refilled, so that forgetting it changes nothing. */
  full(now = Date.now()): boolean {
    return this.rate <= 0 || this.refill(now) >= this.burst;
  }

  private refill(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = now;
    return this.tokens;
  }
}
