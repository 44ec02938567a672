type What = 'users' | 'rooms';

/**
 * Online users and rooms for completion, asked of the server and kept briefly: a burst of
 * Tabs costs one query. Forgotten when presence changes (someone joins or leaves).
 */
export class Presence {
  private readonly cache = new Map<What, { at: number; items: Promise<string[]> }>();

  constructor(
    private readonly query: (what: What) => Promise<string[]>,
    private readonly ttlMs = 3000,
    private readonly now: () => number = Date.now,
  ) {}

  get(what: What): Promise<string[]> {
    const cached = this.cache.get(what);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.items;
    const items = withTimeout(this.query(what), 2000).catch(() => []);
    this.cache.set(what, { at: this.now(), items });
    return items;
  }

  forget(): void {
    this.cache.clear();
  }
}

/** A server that does not answer must not leave Tab waiting forever. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), ms);
    timer.unref();
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
