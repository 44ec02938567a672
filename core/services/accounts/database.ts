import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Each step moves the schema one version up; steps are never edited once released, only added. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE accounts (
     key TEXT PRIMARY KEY,        -- the name in lower case: names are unique ignoring case
     name TEXT NOT NULL,
     hash TEXT NOT NULL,          -- scrypt$N$r$p$salt$hash, parameters kept with the hash
     role TEXT,
     created INTEGER NOT NULL
   )`,
  // A roster import's one-time passwords: the first login must replace them.
  `ALTER TABLE accounts ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0`,
  // Server bans: by name (lower case) or by address prefix (CIDR), until a time or for good.
  `CREATE TABLE server_bans (
     target TEXT PRIMARY KEY,     -- 'name:bob' or 'address:10.0.0.0/24'
     by TEXT NOT NULL,
     reason TEXT,
     until INTEGER,               -- ms since the epoch; NULL for no end
     created INTEGER NOT NULL
   )`,
];

/** A state folder of this name is no folder: the database lives in memory (the test kit's). */
export const IN_MEMORY = ':memory:';

/** Opens (creating the folder and file on first start) the state database, migrated to the latest schema. */
export function openStateDatabase(stateDir: string): Database.Database {
  if (stateDir !== IN_MEMORY) mkdirSync(stateDir, { recursive: true });
  const db = new Database(stateDir === IN_MEMORY ? IN_MEMORY : join(stateDir, 'accounts.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > MIGRATIONS.length) {
    db.close();
    throw new Error(`${stateDir}/accounts.sqlite has schema version ${current}, newer than this server knows (${MIGRATIONS.length})`);
  }
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.prepare('DELETE FROM schema_version').run();
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length);
  })();
  return db;
}
