import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { UserError } from '../../errors.js';
import type { ActionLog, ServerBan, ServerBans } from '../../tokens.js';
import { firstMatch, targetKey } from '../accounts/ban-match.js';
import { MAX_SERVER_BANS } from '../accounts/server-bans.js';
import { PREFIX } from './scripts.js';

const BANS = `${PREFIX}server-bans`;
const LABEL = 'chatserver-server-ban-v1';
const MAX_ENTRY_BYTES = 2048;

// The same words as the accounts': to the user logging in, both are "who may come in".
const unavailable = () => new UserError('ACCOUNTS_UNAVAILABLE', 'accounts cannot be checked right now (the network is unavailable); try again shortly');

interface Entry {
  ban: ServerBan;
  mac?: string;
}

/**
 * Server bans in Redis, one hash field per target (key layout in scripts.ts), seen by every
 * node at once. With the network's secret each entry carries an HMAC over its target and its
 * ban, so whoever can write Redis cannot ban someone; they can delete a ban, which is why an
 * admin lists them with /bans. Expired entries are dropped as they are read.
 */
export class RedisServerBans implements ServerBans {
  private readonly logged = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly secret: string | null,
    private readonly log?: ActionLog,
  ) {}

  async add(ban: ServerBan): Promise<void> {
    const key = targetKey(ban.target);
    const entry: Entry = { ban, ...(this.secret ? { mac: this.mac(key, ban) } : {}) };
    await this.run(async (redis) => {
      if ((await redis.hlen(BANS)) >= MAX_SERVER_BANS && !(await redis.hexists(BANS, key))) throw new RangeError(`at most ${MAX_SERVER_BANS} server bans`);
      await redis.hset(BANS, key, JSON.stringify(entry));
    });
  }

  async remove(target: ServerBan['target']): Promise<boolean> {
    return (await this.run((redis) => redis.hdel(BANS, targetKey(target)))) === 1;
  }

  async list(): Promise<ServerBan[]> {
    const all = await this.run((redis) => redis.hgetall(BANS));
    const now = Date.now();
    const bans: ServerBan[] = [];
    const expired: string[] = [];
    for (const [key, text] of Object.entries(all)) {
      const ban = this.read(key, text);
      if (!ban) continue;
      if (ban.until !== undefined && ban.until <= now) expired.push(key);
      else bans.push(ban);
    }
    if (expired.length > 0) await this.run((redis) => redis.hdel(BANS, ...expired)).catch(() => {});
    return bans.sort((a, b) => a.created - b.created);
  }

  async match(name: string, address: string): Promise<ServerBan | undefined> {
    return firstMatch(await this.list(), name, address);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private read(key: string, text: string): ServerBan | undefined {
    let entry: Entry | undefined;
    try {
      entry = text.length <= MAX_ENTRY_BYTES ? (JSON.parse(text) as Entry) : undefined;
    } catch {
      entry = undefined;
    }
    const ban = entry?.ban;
    const wellFormed = ban && typeof ban.by === 'string' && typeof ban.created === 'number' && ban.target && targetKey(ban.target) === key;
    const verified = wellFormed && (this.secret === null || this.verifies(key, ban, entry!.mac));
    if (verified) return ban;
    if (this.logged.size < 10_000 && !this.logged.has(key)) {
      this.logged.add(key);
      this.log?.action('server-ban-rejected', { target: key.slice(0, 80), why: wellFormed ? 'bad MAC' : 'malformed' });
    }
    return undefined;
  }

  private mac(key: string, ban: ServerBan): string {
    const { target, by, reason, until, created } = ban;
    return createHmac('sha256', this.secret!).update(JSON.stringify([LABEL, key, target, by, reason ?? null, until ?? null, created])).digest('hex');
  }

  private verifies(key: string, ban: ServerBan, given: string | undefined): boolean {
    const expected = Buffer.from(this.mac(key, ban), 'hex');
    const actual = Buffer.from(typeof given === 'string' ? given : '', 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  private async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await command(this.redis);
    } catch (error) {
      if (error instanceof RangeError) throw error;
      throw unavailable();
    }
  }
}
