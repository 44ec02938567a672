import { createHmac, timingSafeEqual } from 'node:crypto';
import { ROLES, type AccountInfo, type Role } from '../../tokens.js';

/** An account as kept in Redis: every field a string, as HGETALL gives it back. */
export interface AccountRecord {
  name: string;
  hash: string;
  role: string;
  mustChange: string;
  created: string;
  /** Counts the record's changes: an update applies only to the version it read (compare and set). */
  v: string;
  /** HMAC-SHA256 (hex) of the fields above but `v`, with the network's secret; absent without one. */
  mac?: string;
}

// Names what is signed, so an account's MAC cannot pass for any other MAC made with the secret.
const LABEL = 'chatserver-account-v1';

function mac(secret: string, key: string, record: AccountRecord): Buffer {
  const hmac = createHmac('sha256', secret);
  // Each field length-prefixed: no two different records sign the same bytes.
  for (const field of [LABEL, key, record.name, record.hash, record.role, record.mustChange, record.created]) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length).update(bytes);
  }
  return hmac.digest();
}

/** `record` with its MAC, when there is a secret to make one. */
export function seal(secret: string | null, key: string, record: AccountRecord): AccountRecord {
  const { mac: _, ...fields } = record;
  return secret === null ? fields : { ...fields, mac: mac(secret, key, fields).toString('hex') };
}

/**
 * The account a record read under `key` stands for, or why it stands for none: with a secret,
 * only a record whose MAC verifies counts, so whoever can write Redis cannot plant an account,
 * a password or a role. (They can still delete a record, or put back an older one it replaced.)
 */
export function unseal(secret: string | null, key: string, record: Partial<AccountRecord>): AccountInfo | string {
  const { name, hash, role, mustChange, created, v } = record;
  if (name === undefined || hash === undefined || role === undefined || mustChange === undefined || created === undefined || v === undefined) return 'incomplete';
  if (secret !== null) {
    const given = Buffer.from(record.mac ?? '', 'hex');
    const expected = mac(secret, key, record as AccountRecord);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad MAC';
  }
  if (name.toLowerCase() !== key || (role !== '' && !ROLES.includes(role as Role)) || !/^[01]$/.test(mustChange) || !/^\d{1,15}$/.test(created) || !/^\d{1,15}$/.test(v)) {
    return 'malformed';
  }
  return { name, role: (role || undefined) as Role | undefined, mustChange: mustChange === '1', created: Number(created) };
}
