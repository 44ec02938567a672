import { TokenBucket } from '../../protocol/token-bucket.js';

/** Failed passwords allowed at once, per key, and how fast they come back. */
const BURST = 5;
const PER_SECOND = 1 / 12;
const MAX_TRACKED = 10_000;

/**
 * Wrong passwords, counted per key (`n:` a name, `a:` an address), for every place a password
 * is checked (logins, /nick, /password): guessing is slow from one host, and against one name
 * from many.
 */
export class PasswordThrottle {
  private readonly failures = new Map<string, TokenBucket>();

  throttled(keys: readonly string[]): boolean {
    return keys.some((k) => this.bucket(k).wait(1) > 0);
  }

  failed(keys: readonly string[]): void {
    for (const k of keys) this.bucket(k).take(1);
  }

  private bucket(key: string): TokenBucket {
    let bucket = this.failures.get(key);
    if (!bucket) {
      if (this.failures.size >= MAX_TRACKED) for (const [k, b] of this.failures) if (b.full()) this.failures.delete(k);
      bucket = new TokenBucket(PER_SECOND, BURST);
      this.failures.set(key, bucket);
    }
    return bucket;
  }
}

export const TOO_MANY = 'too many wrong passwords; wait a minute and try again';
