import { isIPv4, isIPv6 } from 'node:net';
import { TokenBucket } from '../protocol/token-bucket.js';

export interface AdmissionLimits {
  maxConnectionsPerAddress: number;
  prefixV4: number;
  prefixV6: number;
  connectRate: number;
  connectBurst: number;
}

/**
 * Who may connect, by client network rather than exact address: one host has a whole /64 of
 * IPv6 addresses (and often several IPv4 ones), so counting addresses limits nothing. Per
 * network, connections open at once are bounded, and new ones are throttled (a token bucket),
 * which bounds the cost of connect/disconnect churn too.
 */
export class Admission {
  private readonly open = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** Counts in a new connection from `address`, or says why it is refused (counting nothing). */
  admit(address: string, now = Date.now()): string | undefined {
    const { maxConnectionsPerAddress, connectRate, connectBurst } = this.limits;
    const network = this.networkOf(address);
    const open = this.open.get(network) ?? 0;
    if (open >= maxConnectionsPerAddress) return `too many connections from your network ${network}`;
    if (connectRate > 0) {
      let bucket = this.buckets.get(network);
      if (!bucket) this.buckets.set(network, (bucket = new TokenBucket(connectRate, connectBurst, now)));
      if (!bucket.take(1, now)) {
        const seconds = Math.ceil(bucket.wait(1, now) / 1000);
        return `too many new connections from your network ${network} (more than ${connectRate} a second); try again in ${seconds} s`;
      }
    }
    this.open.set(network, open + 1);
    return undefined;
  }

  release(address: string): void {
    const network = this.networkOf(address);
    const left = (this.open.get(network) ?? 1) - 1;
    if (left === 0) this.open.delete(network);
    else this.open.set(network, left);
  }

  /** Forgets the buckets that have refilled, so networks seen once cost nothing afterwards. */
  sweep(now: number): void {
    for (const [network, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(network);
  }

  private networkOf(address: string): string {
    return networkOf(address, this.limits.prefixV4, this.limits.prefixV6);
  }
}

/**
 * The network an address counts in, as `a.b.c.d/bits` or `x:x::/bits`. An IPv4-mapped IPv6
 * address (`::ffff:a.b.c.d`, how a dual-stack listener sees IPv4 clients) counts as IPv4.
 */
export function networkOf(address: string, v4bits: number, v6bits: number): string {
  const plain = address.split('%', 1)[0]!; // without a zone index (fe80::1%eth0)
  if (isIPv4(plain)) return v4Network(v4Groups(plain), v4bits);
  if (!isIPv6(plain)) return address;
  const groups = v6Groups(plain);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return v4Network(groups.slice(6), v4bits);
  return `${formatV6(masked(groups, v6bits))}/${v6bits}`;
}

function v4Groups(address: string): number[] {
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return [(a << 8) | b, (c << 8) | d];
}

function v4Network(groups: number[], bits: number): string {
  const [hi, lo] = masked(groups, bits) as [number, number];
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}/${bits}`;
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and a trailing dotted quad converted. */
function v6Groups(address: string): number[] {
  const parse = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? v4Groups(g) : [parseInt(g, 16)])) : []);
  const [head, tail] = address.split('::') as [string, string | undefined];
  if (tail === undefined) return parse(head);
  const before = parse(head);
  const after = parse(tail);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/** 16-bit groups with everything past the first `bits` bits cleared. */
function masked(groups: number[], bits: number): number[] {
  return groups.map((g, i) => {
    const keep = Math.min(16, Math.max(0, bits - 16 * i));
    return g & ((0xffff << (16 - keep)) & 0xffff);
  });
}

/** The usual short form: lowercase hex, the longest run of two or more zero groups as `::`. */
function formatV6(groups: number[]): string {
  let start = -1;
  let length = 1;
  for (let i = 0; i < groups.length; ) {
    let end = i;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - i > length) [start, length] = [i, end - i];
    i = Math.max(end, i + 1);
  }
  const hex = groups.map((g) => g.toString(16));
  if (start < 0) return hex.join(':');
  return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
}
