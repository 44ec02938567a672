import type { ServerConfig } from '../config.js';
import { UserError } from '../errors.js';
import { usernameProblem } from '../protocol/rules.js';
import type { Accounts, ActionLog, Events, Identity, Rooms, ServerBans, Uploads, UserDirectory } from '../tokens.js';
import type { LocalSessions } from './local-sessions.js';
import { TOO_MANY, type PasswordThrottle } from './accounts/throttle.js';

/** The new name, and the room the user was in and could not go back into (full, say), with why. */
export interface Renamed {
  name: string;
  lostRoom?: { room: string; why: string };
}

export interface RenameDeps {
  readonly config: Pick<ServerConfig, 'usernameMax' | 'accountsOnly'>;
  readonly users: UserDirectory;
  readonly rooms: Rooms;
  readonly sessions: LocalSessions;
  readonly uploads: Pick<Uploads, 'busy'>;
  readonly accounts: Accounts;
  readonly bans: ServerBans;
  readonly events: Pick<Events, 'emit'>;
  readonly log: ActionLog;
  readonly throttle: PasswordThrottle;
  /** Tells the other nodes who the user now is. */
  readonly published: (user: string, identity: Identity) => Promise<void>;
}

const GUEST: Identity = Object.freeze({ registered: false, role: undefined });

/**
 * /nick: the new name is checked as a login checks it (rules, bans, accounts and their
 * passwords), claimed, and only then is the old one let go. To plugins it is a logout of the
 * old name and a login of the new one (their per-user state goes with the old name); the room
 * sees the user leave "renamed to …" and join again.
 */
export async function renameUser(deps: RenameDeps, from: string, to: string, password: string | undefined): Promise<Renamed> {
  const { config, users, rooms, sessions, uploads, events, log } = deps;
  const problem = usernameProblem(to, config.usernameMax);
  if (problem) throw new UserError('BAD_NAME', problem);
  if (to.toLowerCase() === from.toLowerCase()) throw new UserError('SAME_NAME', `you are ${from} already (names are the same whatever their case)`);
  if (!sessions.get(from)) throw new UserError('ELSEWHERE', `${from} is not connected to this server`);
  if (uploads.busy(from)) throw new UserError('BUSY', 'a file is on its way to or from you; change your name once it has arrived');
  const identity = await admit(deps, from, to, password);
  const claim = await users.claim(to);
  if (!claim.ok) throw new UserError('NAME_TAKEN', `username '${claim.holder}' is already taken`);
  sessions.rename(from, claim.name, identity);
  const moved = await rooms.rename(from, claim.name);
  await users.release(from);
  events.emit('logout', { user: from, reason: 'renamed' });
  await deps.published(claim.name, identity).catch((error) => log.error(`publishing who ${claim.name} is failed`, error));
  events.emit('login', { user: claim.name });
  log.action('nick', { user: from, to: claim.name });
  return moved.lost ? { name: claim.name, lostRoom: { room: moved.room!, why: moved.lost } } : { name: claim.name };
}

async function admit(deps: RenameDeps, from: string, to: string, password: string | undefined): Promise<Identity> {
  const ban = await deps.bans.match(to, '');
  if (ban) throw new UserError('BANNED', `'${to}' is banned from this server`);
  const account = await deps.accounts.find(to);
  if (!account) {
    if (deps.config.accountsOnly) throw new UserError('NO_ACCOUNT', `'${to}' has no account on this server, which is for registered users only`);
    return GUEST;
  }
  if (password === undefined) throw new UserError('PASSWORD_REQUIRED', `'${account.name}' is registered: give its password to take it`);
  const keys = [`n:${account.name.toLowerCase()}`, `u:${from.toLowerCase()}`];
  if (deps.throttle.throttled(keys)) throw new UserError('THROTTLED', TOO_MANY);
  if (!(await deps.accounts.verify(account.name, password))) {
    deps.throttle.failed(keys);
    throw new UserError('WRONG_PASSWORD', `that is not the password of '${account.name}'`);
  }
  if (account.mustChange) throw new UserError('PASSWORD_EXPIRED', `'${account.name}' has a one-time password: log in as ${account.name} to choose a new one`);
  return Object.freeze({ registered: true, role: account.role });
}
