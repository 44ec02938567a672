import { BlockList, isIP } from 'node:net';
import type { ServerBan } from '../../tokens.js';

/** `10.0.0.0/24`, `2001:db8::/48` or one address, checked; undefined when it is none of them. */
export function parsePrefix(text: string): { address: string; bits: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', bitsText, extra] = text.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) return undefined;
  return { address, bits, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A ban's target as stored: `name:bob` or `address:10.0.0.0/24`. */
export function targetKey(target: ServerBan['target']): string {
  return 'name' in target ? `name:${target.name.toLowerCase()}` : `address:${target.address}`;
}

export function targetOf(key: string): ServerBan['target'] {
  return key.startsWith('name:') ? { name: key.slice(5) } : { address: key.slice(8) };
}

/** The first ban in force on the name or the address (v4-mapped v6 addresses count as v4). */
export function firstMatch(bans: readonly ServerBan[], name: string, address: string, now = Date.now()): ServerBan | undefined {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
  for (const ban of bans) {
    if (ban.until !== undefined && ban.until <= now) continue;
    if ('name' in ban.target) {
      if (ban.target.name.toLowerCase() === name.toLowerCase()) return ban;
      continue;
    }
    const prefix = parsePrefix(ban.target.address);
    if (!prefix || isIP(plain) === 0) continue;
    const list = new BlockList();
    list.addSubnet(prefix.address, prefix.bits, prefix.family);
    if (list.check(plain, family)) return ban;
  }
  return undefined;
}

/** What an admin typed as a ban's target: an address prefix if it reads as one, else a name. */
export function banTarget(text: string): ServerBan['target'] {
  const prefix = parsePrefix(text);
  return prefix ? { address: `${prefix.address}/${prefix.bits}` } : { name: text };
}
