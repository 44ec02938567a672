import { TokenBucket } from '../protocol/token-bucket.js';
import type { Accounts } from '../tokens.js';

export interface Refusal {
  reason: string;
  needsPassword?: true;
}

/** Failed passwords allowed at once, per name and per address, and how fast they come back. */
const BURST = 5;
const PER_SECOND = 1 / 12;
const MAX_TRACKED = 10_000;

/**
 * Who may take a name: a registered one only with its password (failures throttled per name and
 * per address, so guessing is slow from one host and against one name from many), an unregistered
 * one unless the server is accounts-only.
 */
export class LoginGate {
  private readonly failures = new Map<string, TokenBucket>();

  constructor(
    private readonly accounts: Accounts,
    private readonly accountsOnly: boolean,
  ) {}

  async check(name: string, password: string | undefined, address: string): Promise<Refusal | undefined> {
    const account = await this.accounts.find(name);
    if (!account) return this.accountsOnly ? { reason: `'${name}' has no account on this server, which is for registered users only; ask an admin for one` } : undefined;
    if (password === undefined) return { reason: `'${account.name}' is registered; give its password`, needsPassword: true };
    const keys = [`n:${account.name.toLowerCase()}`, `a:${address}`];
    if (keys.some((k) => this.bucket(k).wait(1) > 0)) {
      return { reason: 'too many wrong passwords; wait a minute and try again', needsPassword: true };
    }
    if (await this.accounts.verify(account.name, password)) return undefined;
    for (const k of keys) this.bucket(k).take(1);
    return { reason: 'wrong password', needsPassword: true };
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
