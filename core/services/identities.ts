import { UserError } from '../errors.js';
import { passwordProblem } from './accounts/password-hash.js';
import type { Accounts, Identities, Identity, Store, UserDirectory } from '../tokens.js';
import type { LocalSessions } from './local-sessions.js';

const KEY = 'identity';

/**
 * Who users are, for plugins: this server's sessions know their own; a user on another node is
 * looked up in the core's identity store (written at login, emptied at logout), or, should that
 * have lost the race with a quick re-login elsewhere, in the accounts.
 */
export class IdentityService implements Identities {
  constructor(
    private readonly sessions: LocalSessions,
    private readonly users: UserDirectory,
    private readonly accounts: Accounts,
    /** The core's namespace ':identity': one user bag per online account owner. */
    private readonly store: Store,
  ) {}

  /** A login went through: other nodes learn who this is. */
  async loggedIn(user: string, identity: Identity): Promise<void> {
    if (identity.registered) await this.store.user(user).set(KEY, identity);
  }

  async of(user: string): Promise<Identity | undefined> {
    const local = this.sessions.identity(user);
    if (local) return local;
    const online = await this.users.resolve(user);
    if (!online) return undefined;
    const stored = await this.store.user(online).get<Identity>(KEY);
    if (stored) return { registered: stored.registered === true, role: stored.role === 'admin' || stored.role === 'moderator' ? stored.role : undefined };
    const account = await this.accounts.find(online);
    return { registered: account !== undefined, role: account?.role };
  }

  async register(user: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new UserError('WEAK_PASSWORD', problem);
    if (this.sessions.identity(user)?.registered) throw new UserError('ALREADY_REGISTERED', `'${user}' is registered already; /password changes its password`);
    if (!(await this.accounts.add(user, password))) throw new UserError('ALREADY_REGISTERED', `'${user}' is registered already`);
    const identity: Identity = Object.freeze({ registered: true, role: undefined });
    this.sessions.setIdentity(user, identity);
    await this.loggedIn(user, identity);
  }

  async changePassword(user: string, current: string, next: string): Promise<void> {
    if (!this.sessions.identity(user)?.registered) throw new UserError('NOT_REGISTERED', `'${user}' is not registered; /register gives it a password`);
    if (!(await this.accounts.verify(user, current))) throw new UserError('WRONG_PASSWORD', 'that is not your current password; nothing changed');
    const problem = passwordProblem(next) ?? (next === current ? 'the new password is the same as the current one' : undefined);
    if (problem) throw new UserError('WEAK_PASSWORD', problem);
    await this.accounts.setPassword(user, next);
  }
}
