import type { Outgoing } from '../events/outgoing.js';
import type { LeaveReason } from '../protocol/messages.js';
import type { Identity } from '../tokens.js';

/** What services need of a logged-in connection on this server. */
export interface Endpoint {
  /** Something the server says to this user; the session puts it into protocol words. */
  tell(event: Outgoing): void;
  /** Queues an already-encoded frame; lets fan-out encode once for all recipients. */
  sendFrame(frame: Buffer, onWritten?: () => void): void;
  end(reason: LeaveReason, text?: string, cause?: string): void;
  /** The client says whether it saved each file it received (hello feature `file-result`). */
  readonly reportsSaves?: boolean;
  /** The client is offered each file first and answers (hello feature `file-consent`). */
  readonly asksConsent?: boolean;
  /** The user is known by a new name from now on (/nick). */
  renamed?(name: string): void;
}

const GUEST: Identity = Object.freeze({ registered: false, role: undefined });

/** One user cannot make the server hold an unbounded list. */
const MAX_IGNORED = 200;

/** The logged-in connections of this server, by canonical username. */
export class LocalSessions {
  private readonly byName = new Map<string, Endpoint>();
  /** Accounts' owners only: a name missing here is a guest. */
  private readonly identities = new Map<string, Identity>();
  /** A user's identity changed after login (/register, /nick): the commands they may use may have too. */
  onIdentityChanged: (user: string) => void = () => {};
  /** Whom each user ignores, both in lower case. */
  private readonly ignored = new Map<string, Set<string>>();

  add(name: string, endpoint: Endpoint, identity?: Identity): void {
    this.byName.set(name, endpoint);
    this.remember(name, identity);
  }

  /** Who the user logged in here is: a guest unless they own the account of their name. */
  identity(name: string): Identity | undefined {
    return this.identities.get(name) ?? (this.byName.has(name) ? GUEST : undefined);
  }

  /** After a /register, say: the session is now the account's owner. */
  setIdentity(name: string, identity: Identity | undefined): void {
    this.remember(name, identity);
    this.onIdentityChanged(name);
  }

  private remember(name: string, identity: Identity | undefined): void {
    if (identity?.registered) this.identities.set(name, identity);
    else this.identities.delete(name);
  }

  remove(name: string, endpoint: Endpoint): void {
    if (this.byName.get(name) !== endpoint) return;
    this.byName.delete(name);
    this.identities.delete(name);
    this.ignored.delete(name.toLowerCase()); // ignoring lasts a session
  }

  /** Moves the session, its identity and whom it ignores to the user's new name. */
  rename(from: string, to: string, identity: Identity): void {
    const endpoint = this.byName.get(from);
    if (!endpoint) return;
    const ignored = this.ignored.get(from.toLowerCase());
    this.remove(from, endpoint);
    this.add(to, endpoint, identity);
    if (ignored) this.ignored.set(to.toLowerCase(), ignored);
    endpoint.renamed?.(to);
    this.onIdentityChanged(to);
  }

  get(name: string): Endpoint | undefined {
    return this.byName.get(name);
  }

  /** The user's endpoint, unless they ignore `from`. */
  reach(name: string, from: string | undefined): Endpoint | undefined {
    return this.ignores(name, from) ? undefined : this.byName.get(name);
  }

  /** Whether `name` ignores `from`. Asked per recipient of every line: no lower-casing while nobody ignores anyone. */
  ignores(name: string, from: string | undefined): boolean {
    return from !== undefined && this.ignored.size > 0 && this.ignored.get(name.toLowerCase())?.has(from.toLowerCase()) === true;
  }

  ignore(user: string, whom: string): boolean {
    if (!this.byName.has(user)) return false;
    const set = this.ignored.get(user.toLowerCase()) ?? new Set<string>();
    if (set.size >= MAX_IGNORED && !set.has(whom.toLowerCase())) return false;
    set.add(whom.toLowerCase());
    this.ignored.set(user.toLowerCase(), set);
    return true;
  }

  unignore(user: string, whom: string): boolean {
    return this.ignored.get(user.toLowerCase())?.delete(whom.toLowerCase()) ?? false;
  }

  ignoring(user: string): readonly string[] {
    return [...(this.ignored.get(user.toLowerCase()) ?? [])].sort();
  }

  /** Ends the connection of a user of this server; false when they are not connected here. */
  disconnect(user: string, reason: LeaveReason, text?: string): boolean {
    // Asked for by a command: a quit is the user's own, anything else a command's doing.
    const quit = reason === 'quit';
    const endpoint = this.byName.get(user);
    endpoint?.end(reason, text ?? (quit ? 'goodbye' : reason), quit ? 'user quit' : `ended by a command (${reason})`);
    return endpoint !== undefined;
  }

  get size(): number {
    return this.byName.size;
  }
}
