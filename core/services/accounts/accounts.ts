import type Database from 'better-sqlite3';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Accounts, AccountInfo, Role } from '../../tokens.js';
import { openStateDatabase } from './database.js';

const N = 16384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_BYTES, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function matches(password: string, stored: string): boolean {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}

interface Row {
  name: string;
  hash: string;
  role: Role | null;
}

/** Accounts in the state folder's SQLite file: they survive restarts. */
export class SqliteAccounts implements Accounts {
  private readonly db: Database.Database;

  constructor(stateDir: string) {
    this.db = openStateDatabase(stateDir);
  }

  private row(name: string): Row | undefined {
    return this.db.prepare('SELECT name, hash, role FROM accounts WHERE key = ?').get(name.toLowerCase()) as Row | undefined;
  }

  async find(name: string): Promise<AccountInfo | undefined> {
    const row = this.row(name);
    return row && { name: row.name, role: row.role ?? undefined };
  }

  async verify(name: string, password: string): Promise<boolean> {
    const row = this.row(name);
    return row !== undefined && matches(password, row.hash);
  }

  async add(name: string, password: string, role?: Role): Promise<boolean> {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO accounts (key, name, hash, role, created) VALUES (?, ?, ?, ?, ?)')
      .run(name.toLowerCase(), name, hashPassword(password), role ?? null, Date.now());
    return result.changes === 1;
  }

  async setPassword(name: string, password: string): Promise<boolean> {
    return this.db.prepare('UPDATE accounts SET hash = ? WHERE key = ?').run(hashPassword(password), name.toLowerCase()).changes === 1;
  }

  async list(): Promise<AccountInfo[]> {
    const rows = this.db.prepare('SELECT name, role FROM accounts ORDER BY key').all() as Row[];
    return rows.map((r) => ({ name: r.name, role: r.role ?? undefined }));
  }

  close(): void {
    this.db.close();
  }
}
