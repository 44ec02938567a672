import type { AccountsConfig } from '../accounts/open.js';
import type { Accounts, ActionLog, ServerBans } from '../../tokens.js';
import { COMMANDS, openConnections } from './connect.js';
import { redact } from './redact.js';
import { RedisAccounts } from './redis-accounts.js';
import { RedisServerBans } from './redis-bans.js';

/** Accounts and server bans in Redis, each on a connection of its own (closed by its `close()`). */
export async function openRedisAccounts(config: AccountsConfig & { redisUrl: string }, log?: ActionLog): Promise<Accounts> {
  return new RedisAccounts(await connection(config, 'accounts', log), config.networkSecret, log);
}

export async function openRedisServerBans(config: AccountsConfig & { redisUrl: string }, log?: ActionLog): Promise<ServerBans> {
  return new RedisServerBans(await connection(config, 'server bans', log), config.networkSecret, log);
}

async function connection(config: AccountsConfig & { redisUrl: string }, part: string, log?: ActionLog) {
  const redis = redact(config.redisUrl, config.redisUrl);
  const [opened] = await openConnections(config.redisUrl, config, [COMMANDS], (error) => log?.action('network-error', { redis, error, part }));
  return opened!;
}
