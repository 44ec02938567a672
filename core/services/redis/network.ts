import { createHash, randomBytes } from 'node:crypto';
import { ReplyError, type Redis } from 'ioredis';
import { UserError } from '../../errors.js';
import { COMMANDS, openConnections } from './connect.js';
import type { TlsFiles } from './redis-tls.js';
import { Lua, type ScriptName } from './scripts.js';

export const NETWORK_UNAVAILABLE = 'the network is unavailable, try again shortly';
export const unavailable = (): UserError => new UserError('NETWORK_UNAVAILABLE', NETWORK_UNAVAILABLE);
/** Redis restarted empty and the nodes are putting their users back: no name is known to be free. */
export const recovering = (): UserError => new UserError('NETWORK_RECOVERING', 'the network is recovering from a Redis restart, try again shortly');

const SHA = Object.fromEntries(Object.entries(Lua).map(([name, lua]) => [name, createHash('sha1').update(lua).digest('hex')])) as Record<ScriptName, string>;

/**
 * This node's two connections to Redis: one for commands and publishing, one for subscriptions
 * (a subscribed connection can do nothing else). Commands fail at once while Redis is away
 * (no offline queue), so a user gets a clear error instead of a long wait; ioredis keeps
 * reconnecting in the background and `onReady` listeners re-register this node's state.
 */
export class RedisNetwork {
  /** This node's id: names the lease, the node's channel and what it holds. */
  readonly node = randomBytes(8).toString('hex');
  /** Commands that failed for want of Redis: their effect is unknown until the node re-registers. */
  failures = 0;
  private readonly readyListeners: (() => void)[] = [];
  private closed = false;

  private constructor(
    readonly url: string,
    readonly redis: Redis,
    readonly subscriber: Redis,
  ) {
    redis.on('ready', () => {
      for (const listener of this.readyListeners) listener();
    });
  }

  /** Connects both; `onError` gets each new kind of trouble, its message already redacted. */
  static async connect(url: string, files: TlsFiles, onError: (message: string) => void): Promise<RedisNetwork> {
    // The subscriber queues (un)subscribes while away; ioredis re-subscribes on reconnect.
    const [redis, subscriber] = await openConnections(url, files, [COMMANDS, { maxRetriesPerRequest: null }], onError);
    return new RedisNetwork(url, redis!, subscriber!);
  }

  get ready(): boolean {
    return !this.closed && this.redis.status === 'ready';
  }

  /** Throws the user-facing error when Redis is away, before anything is done half-way. */
  check(): void {
    if (!this.ready) throw unavailable();
  }

  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** Runs a command; losing Redis becomes the user-facing error, while a script's own bug stays a bug. */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    this.check();
    try {
      return await command(this.redis);
    } catch (error) {
      if (error instanceof ReplyError && !/^(LOADING|BUSY|MASTERDOWN|READONLY)/.test((error as Error).message)) throw error;
      this.failures++;
      throw unavailable();
    }
  }

  /** Runs one of the Lua scripts by its SHA-1, sending the source only when Redis lacks it (after a restart). */
  script<T>(name: ScriptName, args: (string | number | Buffer)[]): Promise<T> {
    return this.run(async (redis) => {
      try {
        return (await redis.evalsha(SHA[name], 0, ...args)) as T;
      } catch (error) {
        if (!(error instanceof ReplyError) || !String((error as Error).message).startsWith('NOSCRIPT')) throw error;
        return (await redis.eval(Lua[name], 0, ...args)) as T;
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    // QUIT lets what was sent finish; when Redis is away there is nothing to wait for.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => {});
    this.redis.disconnect();
    this.subscriber.disconnect();
  }
}
