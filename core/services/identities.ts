import { UserError } from '../errors.js';
import { passwordProblem } from './accounts/password-hash.js';
import { TOO_MANY } from './accounts/throttle.js';
import type { Identities, Identity, Store } from '../tokens.js';
import { renameUser, type RenameDeps, type Renamed } from './rename.js';

const KEY = 'identity';

export interface IdentityDeps extends Omit<RenameDeps, 'published'> {
  /** The core's namespace ':identity': one user bag per online account owner. */
  readonly store: Store;
}

/**
 * Who users are, for plugins: this server's sessions know their own; a user on another node is
 * looked up in the core's identity store (written at login, emptied at logout), or, should that
 * have lost the race with a quick re-login elsewhere, in the accounts.
 */
export class IdentityService implements Identities {
  constructor(private readonly deps: IdentityDeps) {}

  /** A login went through: other nodes learn who this is. */
  async loggedIn(user: string, identity: Identity): Promise<void> {
    if (identity.registered) await this.deps.store.user(user).set(KEY, identity);
  }

  async of(user: string): Promise<Identity | undefined> {
    const { sessions, users, store, accounts } = this.deps;
    const local = sessions.identity(user);
    if (local) return local;
    const online = await users.resolve(user);
    if (!online) return undefined;
    const stored = await store.user(online).get<Identity>(KEY);
    if (stored) return { registered: stored.registered === true, role: stored.role === 'admin' || stored.role === 'moderator' ? stored.role : undefined };
    const account = await accounts.find(online);
    return { registered: account !== undefined, role: account?.role };
  }

  async register(user: string, password: string): Promise<void> {
    const { sessions, accounts } = this.deps;
    const problem = passwordProblem(password);
    if (problem) throw new UserError('WEAK_PASSWORD', problem);
    if (sessions.identity(user)?.registered) throw new UserError('ALREADY_REGISTERED', `'${user}' is registered already; /password changes its password`);
    if (!(await accounts.add(user, password))) throw new UserError('ALREADY_REGISTERED', `'${user}' is registered already`);
    const identity: Identity = Object.freeze({ registered: true, role: undefined });
    sessions.setIdentity(user, identity);
    await this.loggedIn(user, identity);
  }

  async changePassword(user: string, current: string, next: string): Promise<void> {
    const { sessions, accounts, throttle } = this.deps;
    if (!sessions.identity(user)?.registered) throw new UserError('NOT_REGISTERED', `'${user}' is not registered; /register gives it a password`);
    const keys = [`n:${user.toLowerCase()}`];
    if (throttle.throttled(keys)) throw new UserError('THROTTLED', TOO_MANY);
    if (!(await accounts.verify(user, current))) {
      throttle.failed(keys);
      throw new UserError('WRONG_PASSWORD', 'that is not your current password; nothing changed');
    }
    const problem = passwordProblem(next) ?? (next === current ? 'the new password is the same as the current one' : undefined);
    if (problem) throw new UserError('WEAK_PASSWORD', problem);
    await accounts.setPassword(user, next);
  }

  rename(user: string, to: string, password?: string): Promise<Renamed> {
    return renameUser({ ...this.deps, published: (name, identity) => this.loggedIn(name, identity) }, user, to, password);
  }
}
