/**
 * Injection tokens and the interfaces behind them. A leaf module: it imports types only, so
 * any file may depend on it without creating import cycles. Implementations are bound in the
 * composition root (core/server/compose.ts) — the in-memory ones today, Redis-backed ones for
 * a network of servers — and plugins never name an implementation.
 */
import type { ServerConfig } from './config.js';
import type { ChatEvents, EventName, HookEvents, HookName } from './events/events.js';
import type { Outgoing } from './events/outgoing.js';
import type { CommandManifest, FileOffer, LeaveReason, Role } from './protocol/messages.js';

/** A symbol that remembers the type it stands for. `Symbol.for` keeps it one value across copies. */
export type Token<T> = symbol & { readonly __type?: T };
const token = <T>(name: string): Token<T> => Symbol.for(`chatserver:${name}`) as Token<T>;

export type ClaimResult = { ok: true; name: string } | { ok: false; holder: string };

/** Who is logged in. `claim` is one atomic check-and-set, ignoring case. */
export interface UserDirectory {
  claim(name: string): Promise<ClaimResult>;
  release(name: string): Promise<void>;
  /** The canonical spelling of an online user's name, or undefined. */
  resolve(name: string): Promise<string | undefined>;
  list(): Promise<string[]>;
}

export type JoinResult =
  | { ok: true; room: string; previous?: string }
  | { ok: false; reason: 'full'; room: string; capacity: number }
  | { ok: false; reason: 'already'; room: string };

export interface RoomInfo {
  name: string;
  members: number;
}

/** Room membership state. `join` checks capacity and moves the user in one atomic step. */
export interface RoomDirectory {
  join(user: string, room: string): Promise<JoinResult>;
  /** Removes the user from their room; returns the room's name, or undefined if in none. */
  leave(user: string): Promise<string | undefined>;
  roomOf(user: string): Promise<string | undefined>;
  members(room: string): Promise<string[]>;
  list(): Promise<RoomInfo[]>;
}

/** Sends messages to users wherever they are connected. */
export interface Delivery {
  /** Returns false when the user is not online. */
  toUser(user: string, event: Outgoing): Promise<boolean>;
  toRoom(room: string, event: Outgoing): Promise<void>;
  /** Ends the user's connection wherever they are connected, telling them `text`; false when they are not online. */
  endSession(user: string, reason: LeaveReason, text: string): Promise<boolean>;
  /** Asks the node a user is connected to to take them out of their room (a kick from here); false when none is. */
  moveOut(user: string, reason: LeaveReason): Promise<boolean>;
  /** What this node does when another asks it to move one of its users out (set by the composition). */
  movedOut: (user: string, reason: LeaveReason) => void;
}

/**
 * The chat as a plugin speaks it. Each plugin gets its own: its notices carry its name, so no
 * plugin can print a line that passes for the server's.
 */
export interface Chat {
  /** A line from `from` to everyone in `room`; `emote` shows it as an action (`* alice waves`). */
  say(room: string, from: string, text: string, options?: { emote?: boolean }): Promise<void>;
  /** A private line; `auto` marks an automatic answer. Throws UserError when `to` is not online. */
  whisper(from: string, to: string, text: string, options?: { auto?: boolean }): Promise<void>;
  /** An announcement from this plugin to a room, to one user, or to everyone on the network. */
  notice(to: { room: string } | { user: string } | { everyone: true }, text: string): Promise<void>;
}

/**
 * A plugin's key-value state, in its own namespace. In memory on one server; under `--redis`
 * the same keys on every node, so what one node sets, all read. Values are JSON: what is stored
 * is a copy, and what is read back is too.
 */
export interface Bag {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Keys starting with `prefix`, sorted; at most 10,000 (STORE_LIMITS). */
  keys(prefix?: string): Promise<string[]>;
  /** Deletes every key starting with `prefix`. */
  clear(prefix: string): Promise<void>;
}

export interface Store extends Bag {
  /** This plugin's keys about one room (any spelling): emptied by the core when the room empties. */
  room(name: string): Bag;
  /** This plugin's keys about one user: emptied by the core when the user logs out. */
  user(name: string): Bag;
}

/** The server's events, as the core raises them (implemented by EventBus). */
export interface Events {
  /** Runs the hooks; resolves with the payload as they left it, or rejects with a hook's UserError. */
  before<E extends HookName>(event: E, payload: HookEvents[E]): Promise<HookEvents[E]>;
  emit<E extends EventName>(event: E, payload: ChatEvents[E], remote?: boolean): void;
  /** Whether anything listens for `event`. */
  heard(event: EventName): boolean;
}

/** Room membership with the notices that go with it; what the join/leave plugins call. */
export interface Rooms {
  /** Joins (or switches to) a room; both rooms are told. Throws UserError when refused. */
  join(user: string, room: string): Promise<{ room: string; previous?: string }>;
  /** Leaves the current room, telling its members; returns the room left, if any. */
  leave(user: string, reason: LeaveReason): Promise<string | undefined>;
  current(user: string): Promise<string | undefined>;
  members(room: string): Promise<string[]>;
  list(): Promise<RoomInfo[]>;
  /** Who created the room and who operates it; undefined when the room does not exist. */
  details(room: string): Promise<RoomDetails | undefined>;
  /** The member `from` is `to` from now on (/nick): the room sees them leave and come back; operator rights stay. */
  rename(from: string, to: string): Promise<{ room?: string; lost?: string }>;
  /** Makes a member of the room an operator, and tells the room. */
  addOperator(room: string, user: string): Promise<void>;
  /** Takes operator rights away, and tells the room; the last operator's pass to the next member. */
  removeOperator(room: string, user: string): Promise<void>;
}

export interface RoomDetails {
  readonly name: string;
  readonly createdBy: string;
  /** The creator first; when the last operator leaves, the next member (by name) inherits. */
  readonly operators: readonly string[];
}

/** The server's log of user actions (SPEC §5): one timestamped line per call. */
export interface ActionLog {
  action(name: string, fields?: Record<string, string | number | boolean | undefined>): void;
  /** Logs a chat message's metadata (with its length in characters); its text only when the operator chose --log-messages. */
  message(kind: 'broadcast' | 'whisper', fields: Record<string, string | number>, text: string): void;
  error(message: string, error: unknown): void;
}

/** Control over connected sessions, without touching sockets. */
export interface Sessions {
  /**
   * Ends a user's connection, on whichever node of the network it is, after flushing what was
   * queued for them; `text` is what their client shows (default: the reason). False when `user`
   * is not online.
   */
  disconnect(user: string, reason: LeaveReason, text?: string): Promise<boolean>;
  /**
   * From now on, `whom`'s room lines and whispers do not reach `user`, on any node, until
   * `unignore` or the end of `user`'s session. False when `user` is not connected here.
   */
  ignore(user: string, whom: string): boolean;
  unignore(user: string, whom: string): boolean;
  /** Whom `user` ignores, in lower case. */
  ignoring(user: string): readonly string[];
}

/** The commands this server has loaded, for /help and the client manifest. */
export interface CommandCatalog {
  list(): readonly CommandManifest[];
  /** The commands `user` may use: guards with `visible` hide the others from /help and completion. */
  forUser(user: string, identity?: Identity): Promise<readonly CommandManifest[]>;
  find(nameOrAlias: string): CommandManifest | undefined;
}

/**
 * File transfers (SPEC §6): a semaphore of upload permits with a FIFO wait queue, and the
 * streaming of each admitted file from sender to recipient with backpressure and a digest check.
 */
export interface Uploads {
  /**
   * Checks an offer and starts it or queues it, or first asks a recipient whose client asks
   * (file-consent). Throws UserError when refused. `command` is the /sendfile command's context:
   * the caller, and where the answers go.
   */
  offer(command: { readonly user: string }, file: FileOffer, recipient: string): Promise<void>;
  /** A chunk of file bytes from a sender's connection. */
  chunk(sender: string, transfer: number, data: Buffer): void;
  end(sender: string, transfer: number): void;
  cancel(sender: string, transfer: number, reason: string): void;
  /** A recipient takes or declines a file offered to them; unknown or stale transfers are ignored. */
  answer(recipient: string, transfer: number, accept: boolean): void;
  /** A recipient's client says whether it saved a file it received whole. */
  saved(recipient: string, report: SaveReport): void;
  /** Whether a file is on its way to or from the user. */
  busy(user: string): boolean;
  /** The user's connection is gone: cancel what they send, queue or receive. */
  userGone(user: string): void;
  /** Shutdown: cancel queued uploads, let active ones finish within `graceMs`, cancel the rest. */
  drain(graceMs: number): Promise<void>;
  stats(): { active: number; waiting: number };
}

/** What became of a delivered file: saved, not saved (and why), or unknown (no report came). */
export interface SaveReport {
  transfer: number;
  outcome: 'saved' | 'failed' | 'unknown';
  problem?: string;
}

export type { Role };

export const ROLES: readonly Role[] = ['admin', 'moderator'];

export interface AccountInfo {
  name: string;
  role: Role | undefined;
  /** The password is one-time (a roster import): the next login must set a new one. */
  mustChange: boolean;
  /** When it was registered (ms since the epoch). */
  created: number;
}

/**
 * Registered names, their password hashes and roles. Passwords go in and are never given back.
 * Names are unique ignoring case; each method takes any spelling.
 */
export interface Accounts {
  find(name: string): Promise<AccountInfo | undefined>;
  /** Whether `password` is the account's, compared in constant time; false for no such account. */
  verify(name: string, password: string): Promise<boolean>;
  /** False when the name (ignoring case) is already registered. */
  add(name: string, password: string, options?: { role?: Role; mustChange?: boolean }): Promise<boolean>;
  /** Sets a new password (and clears `mustChange`, unless given); false for no such account. */
  setPassword(name: string, password: string, options?: { mustChange?: boolean }): Promise<boolean>;
  setRole(name: string, role: Role | undefined): Promise<boolean>;
  remove(name: string): Promise<boolean>;
  list(): Promise<AccountInfo[]>;
  close(): void | Promise<void>;
}

/** Whether `role` includes `needed`: an admin has every moderator's powers. */
export function hasRole(role: Role | undefined, needed: Role): boolean {
  return role === 'admin' || role === needed;
}

/** Who users are, and their own accounts, for plugins (/register, /password, /whois). */
export interface Identities {
  /** A user online anywhere on the network; undefined for someone who is not. */
  of(user: string): Promise<Identity | undefined>;
  /** Registers the name `user` is logged in under, with this password; they own it from now on. UserError when it is taken or weak. */
  register(user: string, password: string): Promise<void>;
  /** Replaces `user`'s password once `current` is shown to be theirs. UserError otherwise. */
  changePassword(user: string, current: string, next: string): Promise<void>;
  /**
   * Gives a user of this server a new name, on the rules of a login (a registered one needs
   * its password); their room sees them leave and come back under it. Resolves with the name
   * as spelled, and the room they could not go back into, if so; UserError when refused.
   */
  rename(user: string, to: string, password?: string): Promise<{ name: string; lostRoom?: { room: string; why: string } }>;
}

/** A server ban: a name, or an address prefix (`10.0.0.0/24`, `2001:db8::/48`, one address). */
export interface ServerBan {
  readonly target: { readonly name: string } | { readonly address: string };
  readonly by: string;
  readonly reason?: string;
  /** When it ends (ms since the epoch); absent for a ban until lifted. */
  readonly until?: number;
  readonly created: number;
}

/** Who may not log in to the server (or the network) at all. */
export interface ServerBans {
  /** Adds or replaces the ban of its target. */
  add(ban: ServerBan): Promise<void>;
  /** False when the target was not banned. */
  remove(target: ServerBan['target']): Promise<boolean>;
  /** Bans in force, oldest first. */
  list(): Promise<ServerBan[]>;
  /** The ban in force on this name or this address, if any. */
  match(name: string, address: string): Promise<ServerBan | undefined>;
  close(): void | Promise<void>;
}

export type ReloadResult = { ok: true; commands: string[] } | { ok: false; error: string };

/** The server's plugins, for an admin's /reload. */
export interface PluginControl {
  /** Imports the plugin files again and swaps them in at once; on an error the old set stays. */
  reload(): Promise<ReloadResult>;
}

/** Who a logged-in user is: a guest, or the owner of a registered name (with its role, if any). */
export interface Identity {
  readonly registered: boolean;
  readonly role: Role | undefined;
}

export const Tokens = {
  Config: token<ServerConfig>('config'),
  Accounts: token<Accounts>('accounts'),
  /** Server bans, for admins' commands and the login. */
  ServerBans: token<ServerBans>('server-bans'),
  /** The plugins themselves (/reload). */
  Plugins: token<PluginControl>('plugins'),
  /** Who users are: guests or accounts' owners, and their roles. */
  Identities: token<Identities>('identities'),
  Users: token<UserDirectory>('users'),
  RoomDirectory: token<RoomDirectory>('room-directory'),
  Rooms: token<Rooms>('rooms'),
  Delivery: token<Delivery>('delivery'),
  Log: token<ActionLog>('log'),
  Sessions: token<Sessions>('sessions'),
  Commands: token<CommandCatalog>('commands'),
  Uploads: token<Uploads>('uploads'),
  /** This plugin's Chat (see Chat). */
  Chat: token<Chat>('chat'),
  /** This plugin's Store: key-value state in its own namespace, network-wide under --redis. */
  Store: token<Store>('store'),
  /** This plugin's settings, from its section of the --config file (see Settings). */
  Settings: token<Readonly<Record<string, unknown>>>('settings'),
  /** Room metadata (core only: plugins read it through Rooms). */
  RoomMeta: token<Store>('room-meta'),
  /** The server's event bus (core only: plugins listen with @Listener). */
  Events: token<Events>('events'),
} as const;
