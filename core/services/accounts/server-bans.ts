import type Database from 'better-sqlite3';
import type { ServerBan, ServerBans } from '../../tokens.js';
import { openStateDatabase } from './database.js';
import { firstMatch, targetKey, targetOf } from './ban-match.js';

interface Row {
  target: string;
  by: string;
  reason: string | null;
  until: number | null;
  created: number;
}

/** Beyond this many, a ban replaces nothing and is refused: a login checks them all. */
export const MAX_SERVER_BANS = 10_000;

const ban = (row: Row): ServerBan => ({
  target: targetOf(row.target),
  by: row.by,
  ...(row.reason !== null ? { reason: row.reason } : {}),
  ...(row.until !== null ? { until: row.until } : {}),
  created: row.created,
});

/** Server bans in the state folder's SQLite file, beside the accounts. */
export class SqliteServerBans implements ServerBans {
  private readonly db: Database.Database;

  constructor(stateDir: string) {
    this.db = openStateDatabase(stateDir);
  }

  async add(entry: ServerBan): Promise<void> {
    this.prune();
    const key = targetKey(entry.target);
    const known = this.db.prepare('SELECT 1 FROM server_bans WHERE target = ?').get(key) !== undefined;
    const { count } = this.db.prepare('SELECT COUNT(*) AS count FROM server_bans').get() as { count: number };
    if (!known && count >= MAX_SERVER_BANS) throw new RangeError(`at most ${MAX_SERVER_BANS} server bans`);
    this.db
      .prepare('INSERT OR REPLACE INTO server_bans (target, by, reason, until, created) VALUES (?, ?, ?, ?, ?)')
      .run(key, entry.by, entry.reason ?? null, entry.until ?? null, entry.created);
  }

  async remove(target: ServerBan['target']): Promise<boolean> {
    return this.db.prepare('DELETE FROM server_bans WHERE target = ?').run(targetKey(target)).changes === 1;
  }

  async list(): Promise<ServerBan[]> {
    this.prune();
    return (this.db.prepare('SELECT * FROM server_bans ORDER BY created').all() as Row[]).map(ban);
  }

  async match(name: string, address: string): Promise<ServerBan | undefined> {
    return firstMatch(await this.list(), name, address);
  }

  close(): void {
    this.db.close();
  }

  private prune(): void {
    this.db.prepare('DELETE FROM server_bans WHERE until IS NOT NULL AND until <= ?').run(Date.now());
  }
}
