import { byName } from '../protocol/rules.js';
import type { ClaimResult, UserDirectory } from '../tokens.js';

/** The embedded user directory. Single-threaded, so each method is atomic as written. */
export class MemoryUserDirectory implements UserDirectory {
  private readonly byKey = new Map<string, string>();

  async claim(name: string): Promise<ClaimResult> {
    const key = name.toLowerCase();
    const holder = this.byKey.get(key);
    if (holder !== undefined) return { ok: false, holder };
    this.byKey.set(key, name);
    return { ok: true, name };
  }

  async release(name: string): Promise<void> {
    this.byKey.delete(name.toLowerCase());
  }

  async resolve(name: string): Promise<string | undefined> {
    return this.byKey.get(name.toLowerCase());
  }

  async list(): Promise<string[]> {
    return [...this.byKey.values()].sort(byName);
  }

  get size(): number {
    return this.byKey.size;
  }
}
