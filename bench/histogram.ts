/**
 * Latency histogram with log-spaced buckets (1 % wide), so percentiles of millions of samples
 * cost a fixed 16 KiB. Values are milliseconds.
 */
const GROWTH = Math.log(1.01);
const FLOOR_MS = 0.001; // 1 µs: anything below lands in bucket 0
const BUCKETS = 2100; // up to ~1,000 s

export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  count = 0;
  max = 0;

  record(ms: number): void {
    const v = ms > FLOOR_MS ? ms : FLOOR_MS;
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log(v / FLOOR_MS) / GROWTH));
    this.counts[i]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The q-quantile (0..1), as the upper edge of its bucket (within 1 %); NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, FLOOR_MS * Math.exp((i + 1) * GROWTH));
    }
    return this.max;
  }
}
