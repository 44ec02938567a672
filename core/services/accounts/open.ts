import type { ServerConfig } from '../../config.js';
import type { Accounts, ServerBans } from '../../tokens.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteServerBans } from './server-bans.js';

/** The accounts this configuration keeps: the SQLite file in `--state-dir`. */
export async function openAccounts(config: Pick<ServerConfig, 'stateDir'>): Promise<Accounts> {
  return new SqliteAccounts(config.stateDir);
}

/** The server bans this configuration keeps: beside the accounts. */
export async function openServerBans(config: Pick<ServerConfig, 'stateDir'>): Promise<ServerBans> {
  return new SqliteServerBans(config.stateDir);
}
