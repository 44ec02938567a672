import type { Client, Sink } from './drivers/types.js';
import type { Target } from './targets.js';
import type { Send } from './traffic.js';

export const ROOM_SIZE = 15;
const SETUP_TIMEOUT_MS = 60_000;

let cohorts = 0;
/** A name prefix no earlier cohort of this process used, so a server reused (--targets) never sees a name twice. */
export const freshPrefix = (letter: string): string => `${letter}${++cohorts}n`;

/** Runs `task` for 0..count-1 with at most `limit` in flight; all settle before it resolves. */
export async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  return results;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Logged-in clients in rooms of ROOM_SIZE (the last room may be smaller). */
export class Cohort {
  private constructor(
    readonly clients: Client[],
    /** Room index of each client. */
    readonly roomOf: number[],
    readonly roomSizes: number[],
  ) {}

  /**
   * Connects `count` clients named `${prefix}${i}`, spread round-robin over the target's
   * addresses, logs them in and puts client i in room `${prefix}r${floor(i / 15)}`. Throws if
   * any fails, after closing the ones that made it.
   */
  static async open(target: Target, count: number, sink: Sink): Promise<Cohort> {
    const prefix = freshPrefix('u');
    const clients: Client[] = [];
    const roomOf = Array.from({ length: count }, (_, i) => Math.floor(i / ROOM_SIZE));
    const roomSizes = Array.from({ length: Math.ceil(count / ROOM_SIZE) }, (_, r) => Math.min(ROOM_SIZE, count - r * ROOM_SIZE));
    const results = await pool(count, target.setupConcurrency, async (i) => {
      const client = target.protocol.connect(target.addresses[i % target.addresses.length]!, `${prefix}${i}`, sink);
      clients[i] = client;
      await withTimeout(client.ready, SETUP_TIMEOUT_MS, `${client.name} login`);
      await withTimeout(client.join(`${prefix}r${roomOf[i]}`), SETUP_TIMEOUT_MS, `${client.name} join`);
    });
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0) {
      for (const c of clients) c?.close();
      throw new Error(`${failed.length} of ${count} clients failed to log in or join, e.g. ${(failed[0] as PromiseRejectedResult).reason}`);
    }
    return new Cohort(clients, roomOf, roomSizes);
  }

  /** Deliveries one room message of client i makes (its room less itself). */
  recipients(i: number): number {
    return this.roomSizes[this.roomOf[i]!]! - 1;
  }

  /** Client i says `text` to its room: the Send of room traffic. */
  readonly say: Send = (i, text) => {
    this.clients[i]!.say(text);
    return this.recipients(i);
  };

  close(): void {
    for (const c of this.clients) c.close();
  }
}
