import type { ServerConfig } from '../../config.js';
import type { Accounts, ActionLog, ServerBans } from '../../tokens.js';
import { COMMANDS, openConnections } from '../redis/connect.js';
import { redact } from '../redis/redact.js';
import { RedisAccounts } from '../redis/redis-accounts.js';
import { RedisServerBans } from '../redis/redis-bans.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteServerBans } from './server-bans.js';

export type AccountsConfig = Pick<ServerConfig, 'stateDir' | 'redisUrl' | 'networkSecret' | 'redisCa' | 'redisCert' | 'redisKey'>;

/**
 * The accounts this configuration keeps: under `--redis` in Redis, so every node sees the same
 * ones (on a connection of their own, closed by `close()`); otherwise the SQLite file in
 * `--state-dir`. Needs no running server: `log`, when given, hears of Redis trouble and of
 * records that do not verify.
 */
export async function openAccounts(config: AccountsConfig, log?: ActionLog): Promise<Accounts> {
  if (!config.redisUrl) return new SqliteAccounts(config.stateDir);
  const redis = redact(config.redisUrl, config.redisUrl);
  const [connection] = await openConnections(config.redisUrl, config, [COMMANDS], (error) => log?.action('network-error', { redis, error, part: 'accounts' }));
  return new RedisAccounts(connection!, config.networkSecret, log);
}

/** The server bans this configuration keeps: beside the accounts, in Redis or in the SQLite file. */
export async function openServerBans(config: AccountsConfig, log?: ActionLog): Promise<ServerBans> {
  if (!config.redisUrl) return new SqliteServerBans(config.stateDir);
  const redis = redact(config.redisUrl, config.redisUrl);
  const [connection] = await openConnections(config.redisUrl, config, [COMMANDS], (error) => log?.action('network-error', { redis, error, part: 'server bans' }));
  return new RedisServerBans(connection!, config.networkSecret, log);
}
