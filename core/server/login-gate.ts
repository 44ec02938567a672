import { timingSafeEqual, createHash } from 'node:crypto';
import { passwordProblem } from '../services/accounts/password-hash.js';
import { PasswordThrottle, TOO_MANY } from '../services/accounts/throttle.js';
import type { Accounts, Identity, ServerBan, ServerBans } from '../tokens.js';

/** What a login gives beside the name. */
export interface Credentials {
  password?: string;
  newPassword?: string;
  serverPassword?: string;
}

/** Why not, and what the client should send again; `free` ones (a password not yet given) use no attempt. */
export interface Refusal {
  reason: string;
  needsPassword?: true;
  needsNewPassword?: true;
  needsServerPassword?: true;
  free?: true;
}

export type Admitted = { ok: true; identity: Identity } | ({ ok: false } & Refusal);


const GUEST: Identity = Object.freeze({ registered: false, role: undefined });

// Digests of equal length, so the comparison takes the same time whatever was typed.
const digest = (text: string) => createHash('sha256').update(text).digest();

function banned(ban: ServerBan): string {
  const minutes = ban.until === undefined ? undefined : Math.max(1, Math.ceil((ban.until - Date.now()) / 60_000));
  const left = minutes === undefined ? '' : minutes < 120 ? ` for ${minutes} more min` : ` for ${Math.ceil(minutes / 60)} more h`;
  return `you are banned from this server${left}${ban.reason ? `: ${ban.reason}` : ''}`;
}

/**
 * Who may come in, and as whom: the server's password first (when it has one), then a
 * registered name only with its password (and a one-time password only with a new one), an
 * unregistered name unless the server is accounts-only. Wrong passwords are throttled (see
 * PasswordThrottle).
 */
export class LoginGate {
  private readonly serverPassword: Buffer | undefined;

  constructor(
    private readonly accounts: Accounts,
    private readonly bans: ServerBans,
    private readonly throttle: PasswordThrottle,
    private readonly accountsOnly: boolean,
    serverPassword: string | null,
  ) {
    this.serverPassword = serverPassword === null ? undefined : digest(serverPassword);
  }

  async check(name: string, credentials: Credentials, address: string): Promise<Admitted> {
    const refused = (refusal: Refusal): Admitted => ({ ok: false, ...refusal });
    if (this.serverPassword) {
      const given = credentials.serverPassword;
      if (given === undefined) return refused({ reason: 'this server has a password; give it', needsServerPassword: true, free: true });
      if (this.throttle.throttled([`a:${address}`])) return refused({ reason: TOO_MANY, needsServerPassword: true });
      if (!timingSafeEqual(digest(given), this.serverPassword)) {
        this.throttle.failed([`a:${address}`]);
        return refused({ reason: 'wrong server password', needsServerPassword: true });
      }
    }
    const ban = await this.bans.match(name, address);
    if (ban) return refused({ reason: banned(ban) });
    const account = await this.accounts.find(name);
    if (!account) {
      if (this.accountsOnly) return refused({ reason: `'${name}' has no account on this server, which is for registered users only; ask an admin for one` });
      return { ok: true, identity: GUEST };
    }
    const { password, newPassword } = credentials;
    if (password === undefined) return refused({ reason: `'${account.name}' is registered; give its password`, needsPassword: true, free: true });
    const keys = [`n:${account.name.toLowerCase()}`, `a:${address}`];
    if (this.throttle.throttled(keys)) return refused({ reason: TOO_MANY, needsPassword: true });
    if (!(await this.accounts.verify(account.name, password))) {
      this.throttle.failed(keys);
      return refused({ reason: 'wrong password', needsPassword: true });
    }
    if (account.mustChange) {
      if (newPassword === undefined) {
        return refused({ reason: 'your password was a one-time password: choose a new one', needsPassword: true, needsNewPassword: true, free: true });
      }
      const problem = passwordProblem(newPassword) ?? (newPassword === password ? 'the new password must differ from the one-time password' : undefined);
      if (problem) return refused({ reason: problem, needsPassword: true, needsNewPassword: true, free: true });
      await this.accounts.setPassword(account.name, newPassword);
    }
    return { ok: true, identity: Object.freeze({ registered: true, role: account.role }) };
  }
}
