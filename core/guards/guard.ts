import type { Identity, Role, Token } from '../tokens.js';
import { definePiece, injectableWith } from '../pieces/piece.js';

/** What a guard knows of the command about to run. */
export interface GuardContext {
  readonly user: string;
  /** The caller's role: admins and moderators may do more. */
  readonly role: Role | undefined;
  /** Whether the caller owns the account of their name (a guest does not). */
  readonly registered: boolean;
  readonly command: string;
  /** The caller's room when the command arrived, if any. */
  readonly room: string | undefined;
}

/**
 * A guard (a precondition): a named, reusable check that runs before a command. One instance per
 * server, so it may keep state (a cooldown's clock). `check` returns the refusal the user sees,
 * or undefined to let the command run; `visible`, if given, hides the command from /help and
 * completion for users who could never pass.
 */
export interface GuardHandler<O = undefined> {
  readonly check: (context: GuardContext, options: O) => Promise<string | undefined> | string | undefined;
  readonly visible?: (user: string, options: O, identity: Identity) => Promise<boolean> | boolean;
}

export interface GuardOptions {
  /** The name commands use: `guards: ['weekday']`. */
  name: string;
  /** The error code of its refusals (default `GUARD_<NAME>`). */
  code?: string;
  inject?: Token<unknown>[];
}

export interface GuardMeta {
  readonly name: string;
  readonly code: string;
}

/** Declares a guard piece. */
export function Guard(options: GuardOptions) {
  return <T extends new (...deps: never[]) => GuardHandler<never>>(target: T): T => {
    const code = options.code ?? `GUARD_${options.name.replace(/[^a-z0-9]+/gi, '_').toUpperCase()}`;
    definePiece<GuardMeta>(target, 'guard', { name: options.name, code });
    injectableWith(target, options.inject);
    return target;
  };
}

/**
 * A guard as a command declares it: by name, with options. `P` is what passing it guarantees
 * about the context (`inRoom` guarantees `room: string`), so `run` may rely on it.
 */
export interface GuardRef<P extends object = object> {
  readonly name: string;
  readonly options?: unknown;
  /** Type only: what the guard guarantees. */
  readonly provides?: P;
}

export type GuardDecl = string | GuardRef;

type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** What a command's guards guarantee together, for its context type. */
export type Provided<G extends readonly GuardDecl[]> = [G[number]] extends [never] ? unknown : Intersect<G[number] extends GuardRef<infer P> ? P : unknown>;

const ref = <P extends object = object>(name: string, options?: unknown): GuardRef<P> => Object.freeze(options === undefined ? { name } : { name, options });

/** The guards every server has. Plugins add their own with `@Guard`. */
export const guards = {
  /** The caller is in a room; `ctx.room` is that room. Refused with NOT_IN_ROOM. */
  inRoom: ref<{ readonly room: string }>('inRoom'),
  /** The caller is an operator of their room (which implies `inRoom`). Refused with NOT_OPERATOR. */
  roomOperator: ref<{ readonly room: string }>('roomOperator'),
  /**
   * The caller's account has this role or a higher one (admin is above moderator). Refused
   * with NOT_PERMITTED, and hidden from /help and completion for everyone else.
   */
  role: (role: Role) => ref('role', { role }),
  /** The caller owns the account of their name. Refused with NOT_REGISTERED; hidden from guests. */
  registered: ref('registered'),
  /** The caller is a guest (their name is no account's). Refused with REGISTERED; hidden from account owners. */
  guest: ref('guest'),
  /** At most one use per `seconds` per user. Refused with COOLDOWN, saying how long to wait. */
  cooldown: (seconds: number) => ref('cooldown', { seconds }),
};
