import type { ServerConfig } from '../../config.js';
import type { Accounts } from '../../tokens.js';
import { SqliteAccounts } from './accounts.js';

/** The accounts this configuration keeps: the SQLite file in `--state-dir`. */
export async function openAccounts(config: Pick<ServerConfig, 'stateDir'>): Promise<Accounts> {
  return new SqliteAccounts(config.stateDir);
}
