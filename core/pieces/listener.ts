import type { ChatEvents, EventName, HookEvents, HookName, HookResult } from '../events/events.js';
import type { Token } from '../tokens.js';
import { definePiece, injectableWith } from './piece.js';

export interface ListenerOptions<E extends EventName> {
  event: E;
  /**
   * Also hear what happens on the other servers of a network (`--redis`): a join there is an
   * event here. By default a listener hears its own server only, so a network-wide effect (a
   * notice to a room) happens once, on the node where it happened.
   */
  network?: boolean;
  /** Constructor dependencies by token, for plain JavaScript (see `Command`). */
  inject?: Token<unknown>[];
}

export interface ListenerMeta {
  readonly event: EventName;
  readonly network: boolean;
}

/** An after-event listener: told once it happened; what it throws is logged and harms no one. */
export interface ListenerHandler<E extends EventName> {
  readonly run: (event: ChatEvents[E]) => Promise<void> | void;
}

export interface HookOptions<E extends HookName> {
  event: E;
  /** Hooks run in ascending `order` (default 0), then by file path, then by export name. */
  order?: number;
  inject?: Token<unknown>[];
}

export interface HookMeta {
  readonly event: HookName;
  readonly order: number;
}

/** A before-hook: may refuse with a UserError, or rewrite a line by returning `{ text }`. */
export interface HookHandler<E extends HookName> {
  readonly run: (event: HookEvents[E]) => Promise<HookResult<E>> | HookResult<E>;
}

/**
 * Declares an after-event listener.
 *
 * @example
 * @Listener({ event: 'join' })
 * export class Greeter implements ListenerHandler<'join'> {
 *   constructor(@inject(Tokens.Chat) private readonly chat: Chat) {}
 *   run = ({ user, room }: ChatEvents['join']) => this.chat.notice({ user }, `welcome to ${room}`);
 * }
 */
export function Listener<E extends EventName>(options: ListenerOptions<E>) {
  return <T extends new (...deps: never[]) => ListenerHandler<E>>(target: T): T => {
    definePiece<ListenerMeta>(target, 'listener', { event: options.event, network: options.network ?? false });
    injectableWith(target, options.inject);
    return target;
  };
}

/** Declares a before-hook. */
export function Hook<E extends HookName>(options: HookOptions<E>) {
  return <T extends new (...deps: never[]) => HookHandler<E>>(target: T): T => {
    definePiece<HookMeta>(target, 'hook', { event: options.event, order: options.order ?? 0 });
    injectableWith(target, options.inject);
    return target;
  };
}
