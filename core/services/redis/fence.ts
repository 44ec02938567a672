import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { unavailable } from './network.js';

export const newToken = (): string => randomBytes(8).toString('hex');

/**
 * Whether this node may speak for its users. A node whose lease lapsed (frozen by SIGSTOP, a
 * stalled machine, cut off from Redis) may have been reaped and its users' names given to
 * others, so until it has re-registered them it delivers nothing, here or through Redis.
 * Two guards: this node's own monotonic clock (a lease renewed longer ago than its TTL may have
 * lapsed, which a thawed process knows before any command reaches it), and the token in the
 * lease key, which the publish script compares, so a publish written before a freeze and sent
 * after it is refused by Redis itself.
 */
export class Fence {
  /** The value of this node's lease key while the lease holds. */
  token = newToken();
  /** Counts lapses: a re-registration opens the fence only if no lapse came while it ran. */
  generation = 0;
  private renewedAt = -Infinity;
  private registered = false;

  constructor(private readonly leaseMs: number) {}

  get open(): boolean {
    return this.registered && performance.now() - this.renewedAt < this.leaseMs;
  }

  /** Throws the user-facing error while this node may not speak for its users. */
  check(): void {
    if (!this.open) throw unavailable();
  }

  /** A renewal sent at `sentAt` succeeded; `token` is set when the lease had lapsed and now holds it. */
  renewed(sentAt: number, token?: string): void {
    this.renewedAt = sentAt;
    if (token !== undefined) this.lapsed(token);
  }

  /** Redis no longer holds this node's token (a lapse, or a Redis that restarted empty). */
  lapsed(token = this.token): void {
    this.token = token;
    this.generation++;
    this.registered = false;
  }

  /** This node's users are registered as of `generation`; false if the lease lapsed again meanwhile. */
  reopen(generation: number): boolean {
    if (generation !== this.generation) return false;
    this.registered = true;
    return true;
  }
}
