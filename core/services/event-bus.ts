import { UserError } from '../errors.js';
import type { ActionLog, Events } from '../tokens.js';
import type { ChatEvents, EventName, HookEvents, HookName, HookResult } from '../events/events.js';

// A server's own start and stop mean nothing to the other nodes.
const NETWORK_EVENTS: ReadonlySet<EventName> = new Set(['login', 'logout', 'join', 'leave', 'roomCreated', 'roomEmptied', 'message', 'whisper', 'fileOffered', 'fileDelivered']);

/** The origin of the core's own listeners, which a plugin reload keeps. */
export const CORE = 'the core';

interface Origin {
  /** The plugin file, for the log line when it throws. */
  readonly file: string;
}

interface ListenerEntry extends Origin {
  readonly network: boolean;
  readonly run: (event: never) => unknown;
}

interface HookEntry extends Origin {
  readonly order: number;
  readonly name: string;
  readonly run: (event: never) => unknown;
}

/**
 * The server's events. Listeners hear what happened, after it happened, and cannot delay or
 * harm it: each runs on its own, and what it throws is logged with its file. Hooks run before,
 * one after another in a fixed order (ascending `order`, then file, then export name): each sees
 * what the one before it returned, may rewrite a line, or refuse with a UserError.
 */
export class EventBus implements Events {
  private readonly listeners = new Map<EventName, ListenerEntry[]>();
  private readonly hooks = new Map<HookName, HookEntry[]>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly log: ActionLog) {}

  listen<E extends EventName>(event: E, run: (event: ChatEvents[E]) => unknown, origin: Origin & { network?: boolean }): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ file: origin.file, network: origin.network ?? false, run: run as ListenerEntry['run'] });
    this.listeners.set(event, list);
  }

  hook<E extends HookName>(event: E, run: (event: HookEvents[E]) => unknown, origin: Origin & { order: number; name: string }): void {
    const list = this.hooks.get(event) ?? [];
    list.push({ ...origin, run: run as HookEntry['run'] });
    list.sort((a, b) => a.order - b.order || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.hooks.set(event, list);
  }

  /** Takes the plugins' listeners and hooks of `other` in place of its own; the core's stay. */
  replacePlugins(other: EventBus): void {
    for (const [map, from] of [[this.listeners, other.listeners], [this.hooks, other.hooks]] as const) {
      for (const [event, entries] of map) map.set(event as never, entries.filter((e) => e.file === CORE) as never);
      for (const [event, entries] of from) map.set(event as never, [...(map.get(event as never) ?? []), ...entries] as never);
    }
  }

  /** Whether anything listens for `event`: lets callers skip building a payload. */
  heard(event: EventName): boolean {
    return (this.listeners.get(event)?.length ?? 0) > 0;
  }

  /**
   * Runs the hooks for `event` and returns the payload as they left it. A UserError refuses the
   * action (the caller passes it on to the user); any other failure is logged and that hook is
   * skipped, so a broken filter never stops the chat.
   */
  async before<E extends HookName>(event: E, payload: HookEvents[E]): Promise<HookEvents[E]> {
    let current = payload;
    for (const hook of this.hooks.get(event) ?? []) {
      let result: HookResult<E> | undefined;
      try {
        result = (await hook.run(current as never)) as HookResult<E> | undefined;
      } catch (error) {
        if (error instanceof UserError) throw error;
        this.log.error(`hook for ${event} from ${hook.file} failed`, error);
        continue;
      }
      if (result && typeof result === 'object' && typeof (result as { text?: unknown }).text === 'string') {
        current = { ...current, text: (result as { text: string }).text };
      }
    }
    return current;
  }

  /**
   * Tells the listeners. `remote` events happened on another server of the network and reach
   * only listeners that asked for the whole network.
   */
  /**
   * Set under --redis: hands what happened here to the other nodes. Every node loads the same
   * plugins, so an event goes out only if a listener here asked for the whole network.
   */
  relay: ((event: EventName, payload: ChatEvents[EventName]) => Promise<void>) | undefined;

  emit<E extends EventName>(event: E, payload: ChatEvents[E], remote = false): void {
    if (!remote && this.relay && NETWORK_EVENTS.has(event) && this.listeners.get(event)?.some((l) => l.network)) {
      // Redis away: the other nodes miss it, as they miss the lines said meanwhile.
      this.relay(event, payload).catch(() => {});
    }
    for (const listener of this.listeners.get(event) ?? []) {
      if (remote && !listener.network) continue;
      const running = (async () => listener.run(payload as never))()
        .catch((error: unknown) => this.log.error(`listener for ${event} from ${listener.file} failed`, error))
        .finally(() => this.running.delete(running));
      this.running.add(running);
    }
  }

  /** Resolves once no listener is running, including those that listeners' own actions set off. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
