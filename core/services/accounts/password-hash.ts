import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

/** `scrypt$N$r$p$salt$hash`: the parameters stay with the hash, so they can be raised later. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_BYTES, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Compared in constant time; a malformed hash matches nothing. */
export function matches(password: string, stored: string): boolean {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash || !/^\d+$/.test(`${n}${r}${p}`)) return false;
  const expected = Buffer.from(hash, 'base64');
  // A hash planted by whoever can write the store must not cost a login unbounded work.
  if (expected.length < 16 || expected.length > 64 || Number(n) > 1 << 20 || Number(r) > 32 || Number(p) > 4) return false;
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

/** What a password must be, or why it is not. */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length < 8) return 'a password needs at least 8 characters';
  if (Buffer.byteLength(password) > 1024) return 'a password can be at most 1024 bytes';
  return undefined;
}
