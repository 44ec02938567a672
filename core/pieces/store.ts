import { UserError } from '../errors.js';
import type { Store } from '../tokens.js';

/** One plugin must not be able to fill the server's memory (or Redis). */
export const STORE_LIMITS = Object.freeze({ keyBytes: 256, valueBytes: 64 * 1024, keys: 10_000 });

/** Checks a key and encodes a value, refusing what is out of bounds with a plain reason. */
export function encodeEntry(key: string, value: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > STORE_LIMITS.keyBytes) {
    throw new RangeError(`store keys are 1 to ${STORE_LIMITS.keyBytes} bytes`);
  }
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`store values must be JSON, not ${typeof value}`);
  if (Buffer.byteLength(json) > STORE_LIMITS.valueBytes) throw new RangeError(`store values are at most ${STORE_LIMITS.valueBytes} bytes as JSON`);
  return json;
}

export const storeFull = (namespace: string) => new UserError('STORE_FULL', `the ${namespace} plugin has no room left for more data`);

interface Entry {
  json: string;
  expires: number;
}

/** Where plugins' namespaces live: chosen once, in the composition root. */
export interface Stores {
  namespace(name: string): Store;
}

/** Every namespace of one server, in memory. */
export class MemoryStores implements Stores {
  private readonly spaces = new Map<string, Map<string, Entry>>();

  namespace(name: string): Store {
    const space = new Map<string, Entry>();
    this.spaces.set(name, space);
    const live = (key: string): Entry | undefined => {
      const entry = space.get(key);
      if (entry && entry.expires <= Date.now()) space.delete(key);
      return entry && entry.expires > Date.now() ? entry : undefined;
    };
    return {
      get: async <T>(key: string) => {
        const entry = live(key);
        return entry === undefined ? undefined : (JSON.parse(entry.json) as T);
      },
      set: async (key, value, options = {}) => {
        const json = encodeEntry(key, value);
        if (!space.has(key) && space.size >= STORE_LIMITS.keys) {
          for (const k of space.keys()) live(k);
          if (space.size >= STORE_LIMITS.keys) throw storeFull(name);
        }
        space.set(key, { json, expires: options.ttlSeconds ? Date.now() + options.ttlSeconds * 1000 : Infinity });
      },
      delete: async (key) => live(key) !== undefined && space.delete(key),
      keys: async (prefix = '') => [...space.keys()].filter((k) => k.startsWith(prefix) && live(k)).sort(),
      clear: async (prefix) => {
        for (const k of [...space.keys()]) if (k.startsWith(prefix)) space.delete(k);
      },
    };
  }
}
