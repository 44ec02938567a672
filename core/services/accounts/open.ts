import type { ServerConfig } from '../../config.js';
import type { Accounts, ActionLog, ServerBans } from '../../tokens.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteServerBans } from './server-bans.js';

export type AccountsConfig = Pick<ServerConfig, 'stateDir' | 'redisUrl' | 'networkSecret' | 'redisCa' | 'redisCert' | 'redisKey'>;

// The Redis client is loaded only for a server that uses Redis: it costs a server without it memory.
const redisStores = () => import('../redis/stores.js');

/**
 * The accounts this configuration keeps: under `--redis` in Redis, so every node sees the same
 * ones (on a connection of their own, closed by `close()`); otherwise the SQLite file in
 * `--state-dir`. Needs no running server: `log`, when given, hears of Redis trouble and of
 * records that do not verify.
 */
export async function openAccounts(config: AccountsConfig, log?: ActionLog): Promise<Accounts> {
  const { redisUrl } = config;
  return redisUrl ? (await redisStores()).openRedisAccounts({ ...config, redisUrl }, log) : new SqliteAccounts(config.stateDir);
}

/** The server bans this configuration keeps: beside the accounts, in Redis or in the SQLite file. */
export async function openServerBans(config: AccountsConfig, log?: ActionLog): Promise<ServerBans> {
  const { redisUrl } = config;
  return redisUrl ? (await redisStores()).openRedisServerBans({ ...config, redisUrl }, log) : new SqliteServerBans(config.stateDir);
}
