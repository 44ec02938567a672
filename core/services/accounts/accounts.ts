import type Database from 'better-sqlite3';
import type { Accounts, AccountInfo, Role } from '../../tokens.js';
import { openStateDatabase } from './database.js';
import { hashPassword, matches } from './password-hash.js';

interface Row {
  name: string;
  hash: string;
  role: Role | null;
  must_change: number;
  created: number;
}

const info = (row: Row): AccountInfo => ({ name: row.name, role: row.role ?? undefined, mustChange: row.must_change === 1, created: row.created });

/** Accounts in the state folder's SQLite file: they survive restarts. */
export class SqliteAccounts implements Accounts {
  private readonly db: Database.Database;

  constructor(stateDir: string) {
    this.db = openStateDatabase(stateDir);
  }

  private row(name: string): Row | undefined {
    return this.db.prepare('SELECT name, hash, role, must_change, created FROM accounts WHERE key = ?').get(name.toLowerCase()) as Row | undefined;
  }

  async find(name: string): Promise<AccountInfo | undefined> {
    const row = this.row(name);
    return row && info(row);
  }

  async verify(name: string, password: string): Promise<boolean> {
    const row = this.row(name);
    return row !== undefined && matches(password, row.hash);
  }

  async add(name: string, password: string, options: { role?: Role; mustChange?: boolean } = {}): Promise<boolean> {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO accounts (key, name, hash, role, must_change, created) VALUES (?, ?, ?, ?, ?, ?)')
      .run(name.toLowerCase(), name, hashPassword(password), options.role ?? null, options.mustChange ? 1 : 0, Date.now());
    return result.changes === 1;
  }

  async setPassword(name: string, password: string, options: { mustChange?: boolean } = {}): Promise<boolean> {
    return (
      this.db.prepare('UPDATE accounts SET hash = ?, must_change = ? WHERE key = ?').run(hashPassword(password), options.mustChange ? 1 : 0, name.toLowerCase())
        .changes === 1
    );
  }

  async setRole(name: string, role: Role | undefined): Promise<boolean> {
    return this.db.prepare('UPDATE accounts SET role = ? WHERE key = ?').run(role ?? null, name.toLowerCase()).changes === 1;
  }

  async remove(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM accounts WHERE key = ?').run(name.toLowerCase()).changes === 1;
  }

  async list(): Promise<AccountInfo[]> {
    return (this.db.prepare('SELECT name, hash, role, must_change, created FROM accounts ORDER BY key').all() as Row[]).map(info);
  }

  close(): void {
    this.db.close();
  }
}
