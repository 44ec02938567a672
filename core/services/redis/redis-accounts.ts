import { ReplyError, type Redis } from 'ioredis';
import { UserError } from '../../errors.js';
import type { Accounts, AccountInfo, ActionLog, Role } from '../../tokens.js';
import { hashPassword, matches } from '../accounts/password-hash.js';
import { seal, unseal, type AccountRecord } from './account-seal.js';
import { PREFIX } from './scripts.js';

const NAMES = `${PREFIX}accounts`;
const recordKey = (lower: string): string => `${PREFIX}account:${lower}`;

// Read as plain HMGET, not a script: reads go on while Redis pauses writes (CLIENT PAUSE WRITE).
const FIELDS = ['name', 'hash', 'role', 'mustChange', 'created', 'v', 'mac'] as const;
/** What is read from Redis is bounded: a field this long, or a name, is nobody's. */
const MAX_FIELD_BYTES = 1024;
const MAX_ACCOUNTS = 100_000;
const MAX_LOGGED = 10_000;
// Updates racing on one account retry; a record that keeps changing under us is an attack or a bug.
const UPDATE_TRIES = 5;

const accountsUnavailable = (): UserError => new UserError('ACCOUNTS_UNAVAILABLE', 'accounts cannot be checked right now (the network is unavailable); try again shortly');

// Scripts take their keys as KEYS, so Redis knows what they touch.
const SCRIPTS = {
  /** KEYS record, names; ARGV lower, then field, value, ... -> 1, or 0 when the name is taken. */
  accountAdd: {
    numberOfKeys: 2,
    lua: `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('SADD', KEYS[2], ARGV[1])
return 1`,
  },
  /** KEYS record; ARGV the version read, then field, value, ... -> 1, or 0 when it changed since. */
  accountUpdate: {
    numberOfKeys: 1,
    lua: `if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1`,
  },
} as const;

type Scripted = Redis & {
  accountAdd(record: string, names: string, lower: string, ...fields: string[]): Promise<number>;
  accountUpdate(record: string, version: string, ...fields: string[]): Promise<number>;
};

const flat = (record: AccountRecord): string[] => Object.entries(record).flat();

/**
 * Accounts in Redis, seen by every node of the network (the key layout is in scripts.ts). They
 * survive a Redis restart only if Redis persists its data (appendonly yes). With the network's
 * secret each record is sealed (account-seal.ts) and one that does not verify counts as absent.
 * While Redis is away every method rejects with a UserError, which the login shows as it is.
 */
export class RedisAccounts implements Accounts {
  private readonly redis: Scripted;
  private readonly logged = new Set<string>();

  constructor(
    redis: Redis,
    private readonly secret: string | null,
    private readonly log?: ActionLog,
  ) {
    for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys, lua });
    this.redis = redis as Scripted;
  }

  async find(name: string): Promise<AccountInfo | undefined> {
    return (await this.read(name.toLowerCase()))?.info;
  }

  async verify(name: string, password: string): Promise<boolean> {
    const found = await this.read(name.toLowerCase());
    return found !== undefined && matches(password, found.record.hash);
  }

  async add(name: string, password: string, options: { role?: Role; mustChange?: boolean } = {}): Promise<boolean> {
    const lower = name.toLowerCase();
    const record = seal(this.secret, lower, { name, hash: hashPassword(password), role: options.role ?? '', mustChange: options.mustChange ? '1' : '0', created: String(Date.now()), v: '1' });
    return (await this.run(() => this.redis.accountAdd(recordKey(lower), NAMES, lower, ...flat(record)))) === 1;
  }

  async setPassword(name: string, password: string, options: { mustChange?: boolean } = {}): Promise<boolean> {
    const hash = hashPassword(password);
    return this.update(name.toLowerCase(), { hash, mustChange: options.mustChange ? '1' : '0' });
  }

  async setRole(name: string, role: Role | undefined): Promise<boolean> {
    return this.update(name.toLowerCase(), { role: role ?? '' });
  }

  /** Removes whatever is kept under the name, even a record that does not verify, so an admin can clear one. */
  async remove(name: string): Promise<boolean> {
    const lower = name.toLowerCase();
    const [[, deleted]] = (await this.run(() => this.redis.multi().del(recordKey(lower)).srem(NAMES, lower).exec())) as [[unknown, number]];
    return deleted === 1;
  }

  async list(): Promise<AccountInfo[]> {
    const names = await this.run(() => this.names());
    const replies = await this.run(async () => {
      const pipeline = this.redis.pipeline();
      for (const lower of names) pipeline.hmget(recordKey(lower), ...FIELDS);
      const replies = (await pipeline.exec()) ?? [];
      for (const [error] of replies) if (error) throw error;
      return replies.map(([, reply]) => reply as (string | null)[]);
    });
    return names
      .map((lower, i) => this.check(lower, replies[i])?.info)
      .filter((info): info is AccountInfo => info !== undefined)
      .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => {});
    this.redis.disconnect();
  }

  /** The names in the set, lower case; those too long to be a name are skipped, and at most MAX_ACCOUNTS are read. */
  private async names(): Promise<string[]> {
    const names: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.sscan(NAMES, cursor, 'COUNT', 1000);
      for (const lower of batch) if (Buffer.byteLength(lower) <= MAX_FIELD_BYTES && names.length < MAX_ACCOUNTS) names.push(lower);
      cursor = next;
    } while (cursor !== '0' && names.length < MAX_ACCOUNTS);
    return [...new Set(names)];
  }

  private async read(lower: string): Promise<{ info: AccountInfo; record: AccountRecord } | undefined> {
    return this.check(lower, await this.run(() => this.redis.hmget(recordKey(lower), ...FIELDS)));
  }

  /** The FIELDS of a record as an account, or undefined (logged once per name) when they make none. */
  private check(lower: string, values: (string | null)[]): { info: AccountInfo; record: AccountRecord } | undefined {
    if (values.every((value) => value === null)) return undefined;
    const record: Partial<AccountRecord> = {};
    for (const [i, field] of FIELDS.entries()) if (values[i] !== null) record[field] = values[i]!;
    const info = values.some((value) => value !== null && Buffer.byteLength(value) > MAX_FIELD_BYTES) ? 'too big' : unseal(this.secret, lower, record);
    if (typeof info !== 'string') return { info, record: record as AccountRecord };
    if (this.log && !this.logged.has(lower) && this.logged.size < MAX_LOGGED) {
      this.logged.add(lower);
      this.log.action('account-rejected', { account: lower, why: info });
    }
    return undefined;
  }

  /** Changes fields of a valid record, re-sealed; false when there is none (or it does not verify). */
  private async update(lower: string, change: Partial<AccountRecord>): Promise<boolean> {
    for (let tries = 0; tries < UPDATE_TRIES; tries++) {
      const found = await this.read(lower);
      if (!found) return false;
      const { v } = found.record;
      const record = seal(this.secret, lower, { ...found.record, ...change, v: String(Number(v) + 1) });
      if ((await this.run(() => this.redis.accountUpdate(recordKey(lower), v, ...flat(record)))) === 1) return true;
    }
    throw new Error(`account ${lower} kept changing while it was being updated`);
  }

  /** Runs a command; losing Redis becomes the user-facing error, while a script's own bug stays a bug. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') throw accountsUnavailable();
    try {
      return await command();
    } catch (error) {
      if (error instanceof ReplyError && !/^(LOADING|BUSY|MASTERDOWN|READONLY)/.test((error as Error).message)) throw error;
      throw accountsUnavailable();
    }
  }
}
