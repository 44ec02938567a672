import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { decodeEnvelope, type Envelope } from './envelope.js';
import { wellFormed } from './envelope-check.js';

/** Why a message heard on the network was dropped. */
export type Rejection = 'malformed' | 'bad-signature' | 'stale' | 'replayed';

// Appended to a signed envelope: when it was sent (ms) and the sender's sequence number, then the MAC.
const STAMP_BYTES = 16;
const MAC_BYTES = 32;
/** A signed message stamped this much before (or after) it is heard is dropped as a replay. */
export const MAX_SKEW_MS = 60_000;

/**
 * Seals what this node publishes and opens what it hears. With the network's secret, each
 * message carries an HMAC-SHA256 over the channel it was published on, the envelope, a
 * timestamp and a sequence number: without the secret nobody can speak as a node or its users,
 * a captured message cannot be published on another channel, and one replayed is dropped (its
 * sequence number is not above the last heard from that node, or it is too old). Sequence
 * numbers rise in what a node hears from another because a node publishes on one connection
 * and Redis delivers in order. Without a secret, messages pass as before but must be well formed.
 */
export class EnvelopeSigner {
  private sequence = 0;
  /** Per node heard: its last sequence number and when it came; nodes unheard for 2 × MAX_SKEW_MS are forgotten. */
  private readonly heard = new Map<string, { sequence: number; at: number }>();
  private lastSweep = 0;

  // Made once: taking the key from the string for each message nearly doubled the cost of signing.
  private readonly key: KeyObject | null;

  /** `now`: the network's clock (NetworkClock), the same on every node. */
  constructor(
    secret: string | null,
    private readonly now: () => number,
  ) {
    this.key = secret === null ? null : createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** `channel` as it goes out: ioredis sends a channel name as UTF-8. */
  seal(channel: string, envelope: Buffer): Buffer {
    if (this.key === null) return envelope;
    const stamp = Buffer.allocUnsafe(STAMP_BYTES);
    stamp.writeDoubleBE(this.now(), 0);
    stamp.writeDoubleBE(++this.sequence, 8);
    const signed = Buffer.concat([envelope, stamp]);
    return Buffer.concat([signed, this.mac(Buffer.from(channel, 'utf8'), signed)]);
  }

  /** `channel` as the bytes it was heard on. */
  open(channel: Buffer, data: Buffer): Envelope | Rejection {
    if (this.key === null) return this.decode(data);
    if (data.length < STAMP_BYTES + MAC_BYTES) return 'bad-signature';
    const signed = data.subarray(0, data.length - MAC_BYTES);
    if (!timingSafeEqual(this.mac(channel, signed), data.subarray(signed.length))) return 'bad-signature';
    const envelope = this.decode(signed.subarray(0, signed.length - STAMP_BYTES));
    if (typeof envelope === 'string') return envelope;
    const now = this.now();
    if (!(Math.abs(now - signed.readDoubleBE(signed.length - STAMP_BYTES)) <= MAX_SKEW_MS)) return 'stale';
    const sequence = signed.readDoubleBE(signed.length - 8);
    const last = this.heard.get(envelope.origin);
    if (last && sequence <= last.sequence) return 'replayed';
    this.heard.set(envelope.origin, { sequence, at: now });
    this.forgetSilentNodes(now);
    return envelope;
  }

  private decode(data: Buffer): Envelope | Rejection {
    const envelope = decodeEnvelope(data);
    return envelope && wellFormed(envelope) ? envelope : 'malformed';
  }

  private mac(channel: Buffer, signed: Buffer): Buffer {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(channel.length);
    return createHmac('sha256', this.key!).update(length).update(channel).update(signed).digest();
  }

  /** A message from a node forgotten here is older than MAX_SKEW_MS, so the stamp check still drops a replay. */
  private forgetSilentNodes(now: number): void {
    if (now - this.lastSweep < MAX_SKEW_MS) return;
    this.lastSweep = now;
    for (const [node, { at }] of this.heard) if (now - at > 2 * MAX_SKEW_MS) this.heard.delete(node);
  }
}
