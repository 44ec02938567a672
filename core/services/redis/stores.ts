import type { ServerConfig } from '../../config.js';
import type { Accounts, ActionLog, ServerBans } from '../../tokens.js';
import { COMMANDS, openConnections } from './connect.js';
import { redact } from './redact.js';
import { RedisAccounts } from './redis-accounts.js';
import { RedisServerBans } from './redis-bans.js';

type StoreConfig = Pick<ServerConfig, 'networkSecret' | 'redisCa' | 'redisCert' | 'redisKey'> & { redisUrl: string };

/** Accounts and server bans in Redis, each on a connection of its own (closed by its `close()`). */
export async function openRedisAccounts(config: StoreConfig, log?: ActionLog): Promise<Accounts> {
  return new RedisAccounts(await connection(config, 'accounts', log), config.networkSecret, log);
}

export async function openRedisServerBans(config: StoreConfig, log?: ActionLog): Promise<ServerBans> {
  return new RedisServerBans(await connection(config, 'server bans', log), config.networkSecret, log);
}

async function connection(config: StoreConfig, part: string, log?: ActionLog) {
  const redis = redact(config.redisUrl, config.redisUrl);
  const [opened] = await openConnections(config.redisUrl, config, [COMMANDS], (error) => log?.action('network-error', { redis, error, part }));
  return opened!;
}
