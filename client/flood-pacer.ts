import { setTimeout as sleep } from 'node:timers/promises';
import { TokenBucket } from '../core/protocol/token-bucket.js';

/**
 * A limit of the server's (rate and burst from the welcome) mirrored on the client, so that
 * piped or pasted lines, and file chunks, wait their turn instead of being refused. It runs a
 * little slower and keeps a little burst in hand, since the server counts arrival times, which jitter.
 */
export class FloodPacer {
  private readonly bucket: TokenBucket;

  constructor(rate: number | undefined, burst: number | undefined) {
    const b = burst ?? 1;
    this.bucket = new TokenBucket(rate ? rate * 0.9 : 0, Math.max(1, b - Math.max(2, Math.ceil(b / 10))));
  }

  /** Counts a request sent (a line, a query, a frame). */
  take(): void {
    this.bucket.spend();
  }

  /** Resolves when a request sent now would not be refused for flooding. */
  async turn(): Promise<void> {
    for (let ms = this.bucket.wait(); ms > 0; ms = this.bucket.wait()) await sleep(ms);
  }
}
