import { UserError } from '../errors.js';
import type { Bag, Store } from '../tokens.js';

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
  /** Empties a room's or a user's bag in every namespace (`bagPrefix`). */
  clearBags(prefix: string): Promise<void>;
}

export const bagPrefix = (kind: 'room' | 'user', name: string) => `${kind}:${name.toLowerCase()}:`;

/** The same keys seen under a prefix: what a room's or a user's bag is. */
function prefixed(bag: Bag, prefix: string): Bag {
  return {
    get: (key) => bag.get(prefix + key),
    set: (key, value, options) => bag.set(prefix + key, value, options),
    delete: (key) => bag.delete(prefix + key),
    keys: async (start = '') => (await bag.keys(prefix + start)).map((k) => k.slice(prefix.length)),
    clear: (start) => bag.clear(prefix + start),
  };
}

/** A namespace's keys with its room and user bags. */
export function withBags(bag: Bag): Store {
  return { ...bag, room: (name) => prefixed(bag, bagPrefix('room', name)), user: (name) => prefixed(bag, bagPrefix('user', name)) };
}

/** Every namespace of one server, in memory. */
export class MemoryStores implements Stores {
  private readonly spaces = new Map<string, Map<string, Entry>>();

  async clearBags(prefix: string): Promise<void> {
    for (const space of this.spaces.values()) for (const k of [...space.keys()]) if (k.startsWith(prefix)) space.delete(k);
  }

  namespace(name: string): Store {
    const space = new Map<string, Entry>();
    this.spaces.set(name, space);
    const live = (key: string): Entry | undefined => {
      const entry = space.get(key);
      if (entry && entry.expires <= Date.now()) space.delete(key);
      return entry && entry.expires > Date.now() ? entry : undefined;
    };
    return withBags({
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
    });
  }
}
