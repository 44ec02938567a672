import type { RedisNetwork } from './network.js';
import { roomChannel } from './scripts.js';

/**
 * The room channels this node listens to, counted by local members: subscribed when the first
 * local member is about to join, unsubscribed when the last one has left. A node with nobody
 * in a room receives nothing said there.
 */
export class RoomChannels {
  private readonly counts = new Map<string, number>();

  constructor(private readonly net: RedisNetwork) {}

  /** Resolves once the subscription is active, so the joining user misses nothing said after. */
  async acquire(roomKey: string): Promise<void> {
    const count = this.counts.get(roomKey) ?? 0;
    this.counts.set(roomKey, count + 1);
    // Subscribing again is harmless, and waits until Redis has confirmed the channel.
    await this.net.subscriber.subscribe(roomChannel(roomKey));
  }

  release(roomKey: string): void {
    const count = (this.counts.get(roomKey) ?? 1) - 1;
    if (count > 0) return void this.counts.set(roomKey, count);
    this.counts.delete(roomKey);
    this.net.subscriber.unsubscribe(roomChannel(roomKey)).catch(() => {
      // Redis is away; ioredis will not re-subscribe a channel we unsubscribed from.
    });
  }
}
