import { byName } from '../../protocol/rules.js';
import type { ClaimResult, UserDirectory } from '../../tokens.js';
import type { Fence } from './fence.js';
import { recovering, type RedisNetwork } from './network.js';
import { PREFIX } from './scripts.js';

/**
 * Usernames across the network: a name is claimed with one Lua script (check and set ignoring
 * case, recorded as held by this node), so two nodes can never both hand out `alice`.
 */
export class RedisUserDirectory implements UserDirectory {
  /** The names this node holds, in lower case -> as spelled: what it re-registers after an outage. */
  readonly local = new Map<string, string>();
  /** Claims sent and not yet answered, by name in lower case. */
  private readonly claiming = new Map<string, number>();

  /** `forget` drops what this node knows of a user beyond the name (their room), even while Redis is away. */
  constructor(
    private readonly net: RedisNetwork,
    private readonly forget: (name: string) => void,
    private readonly fence: Fence,
  ) {}

  async claim(name: string): Promise<ClaimResult> {
    // A fenced node may have been reaped: what it claimed now it could not keep.
    this.fence.check();
    const lower = name.toLowerCase();
    this.claiming.set(lower, (this.claiming.get(lower) ?? 0) + 1);
    try {
      const [ok, holder] = await this.net.script<[number, string?]>('claim', [this.net.node, lower, name]);
      if (ok === 2) throw recovering();
      if (ok !== 1) return { ok: false, holder: holder! };
      this.local.set(lower, name);
      return { ok: true, name };
    } finally {
      const left = this.claiming.get(lower)! - 1;
      if (left > 0) this.claiming.set(lower, left);
      else this.claiming.delete(lower);
    }
  }

  /** Names a re-registration must not drop: those held, and those whose claim may just have landed. */
  kept(): string[] {
    return [...new Set([...this.local.keys(), ...this.claiming.keys()])];
  }

  async release(name: string): Promise<void> {
    // Forgotten here first: if Redis is away now, the re-registration drops the name from Redis.
    this.local.delete(name.toLowerCase());
    this.forget(name);
    await this.net.script('release', [this.net.node, name.toLowerCase()]);
  }

  async resolve(name: string): Promise<string | undefined> {
    return (await this.net.run((redis) => redis.hget(`${PREFIX}users`, name.toLowerCase()))) ?? undefined;
  }

  async list(): Promise<string[]> {
    return (await this.net.run((redis) => redis.hvals(`${PREFIX}users`))).sort(byName);
  }

  /** Users connected to this node (the network's total is `list().length`). */
  get size(): number {
    return this.local.size;
  }
}
