/**
 * The plugin test kit (`chatserver/testing`): a server in-process, with memory services and the
 * plugins you choose, and users whose every line is recorded as the terminal client shows it.
 * No sockets, no sleeps: `run` returns once the command and every listener it set off are done.
 *
 * @example
 * const server = await startTestServer({ plugins: ['join', 'me'] });
 * const [alice, bob] = await server.login('alice', 'bob');
 * await alice.run('/join lobby'); await bob.run('/join lobby');
 * await alice.run('/me waves');
 * assert.deepEqual(bob.take().at(-1), '[lobby] * alice waves');
 */
import 'reflect-metadata';
import { formatEvent } from '../../client/format.js';
import { DEFAULTS, type ServerConfig } from '../config.js';
import { FrameDecoder, FrameKind } from '../protocol/frame.js';
import type { LeaveReason, ServerMessage } from '../protocol/messages.js';
import { compose, type Composition } from '../server/compose.js';
import { IN_MEMORY } from '../services/accounts/database.js';
import { depart } from '../services/departure.js';
import type { Outgoing } from '../events/outgoing.js';
import { toWire } from '../session/wire.js';
import type { Role } from '../tokens.js';

export interface TestLogin {
  name: string;
  role?: Role;
  /** Default: true when a role is given. */
  registered?: boolean;
}

export interface TestServerOptions {
  /** Plugin names to load (file names in `plugins/` and `pluginDirs`); default: all. */
  plugins?: string[];
  /** Folders of your own plugins, as `--plugins-dir`. */
  pluginDirs?: string[];
  /** Plugin packages, by name or folder, as `--plugin`. */
  packages?: string[];
  /** Any other server setting (limits, room capacity…). */
  config?: Partial<ServerConfig>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config: ServerConfig = {
    ...DEFAULTS,
    logFile: null,
    logToStdout: false,
    stateDir: IN_MEMORY,
    ...options.config,
    pluginNames: options.plugins ?? null,
    pluginDirs: options.pluginDirs ?? [],
    pluginPackages: options.packages ?? [],
  };
  return new TestServer(await compose(config));
}

export class TestServer {
  private nextRequest = 1;
  private readonly users = new Map<string, TestUser>();

  constructor(readonly parts: Composition) {}

  /**
   * Logs users in, in order; refused names throw with the server's reason. A name alone is a
   * guest; `{ name, role }` the owner of a registered account with that role (no password asked).
   */
  async login(...logins: (string | TestLogin)[]): Promise<TestUser[]> {
    const users: TestUser[] = [];
    for (const login of logins) {
      const { name, role, registered = role !== undefined } = typeof login === 'string' ? { name: login } : login;
      const claim = await this.parts.users.claim(name);
      if (!claim.ok) throw new Error(`username '${claim.holder}' is already taken`);
      const user = new TestUser(claim.name, this);
      this.users.set(claim.name, user);
      const identity = Object.freeze({ registered, role });
      this.parts.sessions.add(claim.name, user.endpoint, identity);
      await this.parts.identities.loggedIn(claim.name, identity);
      this.parts.events.emit('login', { user: claim.name });
      users.push(user);
    }
    await this.settled();
    return users;
  }

  /** Waits for every listener to finish. */
  settled(): Promise<void> {
    return this.parts.events.settled();
  }

  /** @internal */
  async dispatch(user: TestUser, line: string, secrets?: Record<string, string>): Promise<void> {
    await this.parts.dispatcher.dispatch({ user: user.name, tell: (event) => user.record(toWire(event)) }, this.nextRequest++, line, { secrets });
    await this.settled();
  }

  /** @internal */
  renamed(user: TestUser, name: string): void {
    this.users.delete(user.name);
    user.name = name;
    this.users.set(name, user);
    user.record({ t: 'renamed', name });
  }

  /** @internal The clean-up a connection gets when it ends. */
  async logout(user: TestUser, reason: LeaveReason): Promise<void> {
    if (!this.users.delete(user.name)) return;
    await depart(this.parts, user.name, user.endpoint, reason);
    await this.settled();
  }

  async stop(): Promise<void> {
    for (const user of [...this.users.values()]) await this.logout(user, 'shutdown');
    await this.parts.plugins.dispose();
    await this.parts.uploads.drain(0);
    await this.parts.accounts.close();
    await this.parts.bans.close();
    await this.parts.log.close();
  }
}

export class TestUser {
  private readonly lines: string[] = [];
  private taken = 0;
  private readonly decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER);
  /** @internal What the server's services see of this user's connection. */
  readonly endpoint = {
    tell: (event: Outgoing) => this.record(toWire(event)),
    sendFrame: (frame: Buffer, onWritten?: () => void) => {
      for (const f of this.decoder.push(frame)) if (f.kind === FrameKind.Json) this.record(JSON.parse(f.payload.toString()) as ServerMessage);
      onWritten?.();
    },
    end: (reason: LeaveReason) => void this.server.logout(this, reason),
    renamed: (name: string) => this.server.renamed(this, name),
  };

  constructor(
    /** Changes with a /nick. */
    public name: string,
    private readonly server: TestServer,
  ) {}

  /**
   * Types a line; resolves with what this user saw because of it. `secrets` are what the client
   * would have asked for (hidden) for the command's `arg.secret()` arguments, by name.
   */
  async run(line: string, secrets?: Record<string, string>): Promise<string[]> {
    const from = this.lines.length;
    await this.server.dispatch(this, line, secrets);
    return this.lines.slice(from);
  }

  /** Everything this user has seen since the last `take` (or the login). */
  take(): string[] {
    const lines = this.lines.slice(this.taken);
    this.taken = this.lines.length;
    return lines;
  }

  /** Everything this user has seen. */
  get seen(): readonly string[] {
    return this.lines;
  }

  logout(reason: LeaveReason = 'quit'): Promise<void> {
    return this.server.logout(this, reason);
  }

  /** @internal */
  record(message: ServerMessage): void {
    this.lines.push(...formatEvent(message, this.name));
  }
}
