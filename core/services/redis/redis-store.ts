import { encodeEntry, STORE_LIMITS, storeFull, withBags, type Stores } from '../../pieces/store.js';
import type { Store } from '../../tokens.js';
import type { RedisNetwork } from './network.js';
import { PREFIX } from './scripts.js';

/**
 * Plugin stores shared by the network. Key layout: `chat:store:<namespace>:v:<key>` holds the
 * JSON value (with its TTL, if any); the set `chat:store:<namespace>:keys` indexes the keys, so
 * a namespace is bounded and listed without SCAN. Index entries whose value has expired are
 * dropped when the keys are listed.
 */
export class RedisStores implements Stores {
  private readonly spaces = new Map<string, Store>();

  constructor(private readonly net: RedisNetwork) {}

  /** Every node loads the same plugins, so the namespaces known here are the network's. */
  async clearBags(prefix: string): Promise<void> {
    for (const store of this.spaces.values()) await store.clear(prefix);
  }

  namespace(name: string): Store {
    const store = this.open(name);
    this.spaces.set(name, store);
    return store;
  }

  private open(name: string): Store {
    const base = `${PREFIX}store:${name}:`;
    const index = `${base}keys`;
    const valueKey = (key: string) => `${base}v:${key}`;
    const live = async (prefix: string) =>
      this.net.run(async (redis) => {
        const keys = (await redis.smembers(index)).filter((k) => k.startsWith(prefix)).sort();
        if (keys.length === 0) return [];
        const present = ((await keys.reduce((tx, k) => tx.exists(valueKey(k)), redis.pipeline()).exec()) ?? []).map(([, n]) => n);
        const gone = keys.filter((_, i) => present[i] === 0);
        if (gone.length > 0) await redis.srem(index, ...gone);
        return keys.filter((_, i) => present[i] === 1);
      });
    return withBags({
      get: async <T>(key: string) => {
        const json = await this.net.run((redis) => redis.get(valueKey(key)));
        return json === null ? undefined : (JSON.parse(json) as T);
      },
      set: async (key, value, options = {}) => {
        const json = encodeEntry(key, value);
        // Checked outside `run`, which would turn a refusal into "network unavailable".
        const known = await this.net.run((redis) => redis.sismember(index, key));
        if (!known && (await this.net.run((redis) => redis.scard(index))) >= STORE_LIMITS.keys && (await live('')).length >= STORE_LIMITS.keys) {
          throw storeFull(name);
        }
        await this.net.run(async (redis) => {
          const tx = redis.multi().sadd(index, key);
          if (options.ttlSeconds) tx.set(valueKey(key), json, 'PX', Math.ceil(options.ttlSeconds * 1000));
          else tx.set(valueKey(key), json);
          await tx.exec();
        });
      },
      delete: async (key) => this.net.run(async (redis) => (await redis.multi().srem(index, key).del(valueKey(key)).exec())?.[1]?.[1] === 1),
      keys: (prefix = '') => live(prefix),
      clear: async (prefix) => {
        const keys = await this.net.run(async (redis) => (await redis.smembers(index)).filter((k) => k.startsWith(prefix)));
        if (keys.length > 0) await this.net.run((redis) => redis.multi().srem(index, ...keys).del(...keys.map(valueKey)).exec());
      },
    });
  }
}
