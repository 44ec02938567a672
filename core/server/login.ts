import type { CommandRegistry } from '../commands/registry.js';
import type { ServerConfig } from '../config.js';
import { UserError } from '../errors.js';
import type { ClientMessage, CommandManifest, ServerMessage } from '../protocol/messages.js';
import { usernameProblem } from '../protocol/rules.js';
import type { EventBus } from '../services/event-bus.js';
import type { IdentityService } from '../services/identities.js';
import type { PasswordThrottle } from '../services/accounts/throttle.js';
import type { LocalSessions } from '../services/local-sessions.js';
import type { Session } from '../session/session.js';
import type { Accounts, ActionLog, Identity, ServerBans, UserDirectory } from '../tokens.js';
import { LoginGate, type Refusal } from './login-gate.js';

export interface LoginDeps {
  config: ServerConfig;
  log: ActionLog;
  users: UserDirectory;
  sessions: LocalSessions;
  registry: CommandRegistry;
  events: EventBus;
  accounts: Accounts;
  bans: ServerBans;
  identities: IdentityService;
  throttle: PasswordThrottle;
}

type LoginMessage = Extract<ClientMessage, { t: 'login' }>;

/**
 * One login attempt, from the name to a ready session: the gate (passwords, accounts), then the
 * name's claim on the network, then the welcome of a logged-in user. Refusals say what to send
 * again; too many that count end the connection.
 */
export class Login {
  private readonly gate: LoginGate;

  constructor(
    private readonly deps: LoginDeps,
    /** What the welcome offered: a login whose user may use just these is sent no other list. */
    private readonly welcomed: () => readonly CommandManifest[],
  ) {
    this.gate = new LoginGate(deps.accounts, deps.bans, deps.throttle, deps.config.accountsOnly, deps.config.serverPassword);
  }

  async attempt(session: Session, message: LoginMessage): Promise<void> {
    if (session.claiming) {
      session.send({ t: 'error', code: 'LOGIN_IN_PROGRESS', message: 'wait for the answer to your previous login' });
      return;
    }
    const { config, users } = this.deps;
    const name = message.name;
    const problem = usernameProblem(name, config.usernameMax);
    if (problem) return this.refuse(session, name, { reason: problem });
    session.claiming = true;
    try {
      const outcome = await this.admit(session, name, message);
      if ('reason' in outcome) return this.refuse(session, name, outcome);
      if (session.state !== 'login') return void users.release(outcome.name); // vanished while we waited
      await this.welcome(session, outcome.name, outcome.identity);
    } finally {
      session.claiming = false;
    }
  }

  /** The gate, then the name's claim: the name as the network spells it, or why not. */
  private async admit(session: Session, name: string, message: LoginMessage): Promise<Refusal | { name: string; identity: Identity }> {
    try {
      const admitted = await this.gate.check(name, message, session.address);
      if (!admitted.ok) return admitted;
      const claim = await this.deps.users.claim(name);
      return claim.ok ? { name: claim.name, identity: admitted.identity } : { reason: `username '${claim.holder}' is already taken` };
    } catch (error) {
      // Accounts or names that cannot be read (a network whose Redis is away): not the user's fault, no attempt used.
      if (!(error instanceof UserError) || !session.open) throw error;
      return { reason: error.message, free: true };
    }
  }

  private async welcome(session: Session, name: string, identity: Identity): Promise<void> {
    const { log, sessions, events, registry } = this.deps;
    session.loggedIn(name);
    sessions.add(name, session, identity);
    // Other nodes' /whois may then fall back on the accounts: no reason to refuse the login.
    await this.deps.identities.loggedIn(name, identity).catch((error) => log.error(`publishing who ${name} is failed`, error));
    log.action('login', { id: session.id, user: name, remote: session.remote, account: identity.registered ? 'yes' : undefined, role: identity.role });
    session.send({ t: 'login-ok', name, ...(identity.registered ? { registered: true } : {}), ...(identity.role ? { role: identity.role } : {}) });
    events.emit('login', { user: name });
    const visible = await registry.forUser(name, identity);
    if (!sameCommands(visible, this.welcomed())) session.send({ t: 'commands', commands: [...visible] });
  }

  private refuse(session: Session, name: string, refusal: Refusal): void {
    const { config, log } = this.deps;
    if (!refusal.free) session.loginAttempts++;
    const attemptsLeft = config.loginAttempts - session.loginAttempts;
    log.action('login-refused', { id: session.id, name: name.slice(0, 64), reason: refusal.reason });
    if (!session.open) return;
    const { reason, needsPassword, needsNewPassword, needsServerPassword } = refusal;
    session.send({ t: 'login-refused', reason, attemptsLeft, needsPassword, needsNewPassword, needsServerPassword } satisfies ServerMessage);
    if (attemptsLeft <= 0) session.end('quit', 'too many failed login attempts');
  }
}

function sameCommands(a: readonly CommandManifest[], b: readonly CommandManifest[]): boolean {
  return a === b || (a.length === b.length && a.every((c, i) => c === b[i]));
}
