import type { Socket } from 'node:net';
import type { Dispatcher } from '../commands/dispatcher.js';
import { limitsOf } from '../config.js';
import { encodeJsonFrame, FrameKind, type Frame } from '../protocol/frame.js';
import { parseClientMessage, PROTOCOL_VERSION, type ClientMessage, type CommandManifest, type ServerMessage } from '../protocol/messages.js';
import { UserError } from '../errors.js';
import { depart } from '../services/departure.js';
import { OutputBudget } from '../session/output-budget.js';
import { CLOSED_BY_PEER, END_TIMEOUT_MS, Session, type SessionEvents } from '../session/session.js';
import type { Rooms, Uploads } from '../tokens.js';
import { Admission } from './admission.js';
import { CommandQueue } from './command-queue.js';
import { checkLiveness, sweepPeriod } from './heartbeat.js';
import { Login, type LoginDeps } from './login.js';

/** Waits to see what a connection speaks, then hands it over (maybe wrapped), or calls `gone` once it has closed. */
export type Sniffer = (socket: Socket, handOver: (socket: Socket) => void, gone: () => void) => void;

/** What a login needs, and the rest of a connection's life. */
export interface GatewayDeps extends LoginDeps {
  rooms: Rooms;
  dispatcher: Dispatcher;
  uploads: Uploads;
  serverName: string;
}

interface Conn {
  session: Session;
  queue: CommandQueue;
  released?: Promise<void>;
}

/**
 * The protocol state machine of every connection: handshake, login, then commands (run one at
 * a time per connection, in order), heartbeats and timeouts, and the clean-up when a
 * connection ends however it ends.
 */
export class Gateway {
  private nextId = 1;
  private readonly conns = new Map<Session, Conn>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Connections that have not yet said whether they speak TLS. */
  private readonly sniffing = new Set<Socket>();
  private draining = false;
  private readonly closedWaiters = new Set<() => void>();
  /** The welcome (limits and command manifest) is the same for every connection: encoded once. */
  private welcome: Buffer | undefined;
  /** The commands a guest may use: the welcome's manifest, which most logins need not replace. */
  private guestCommands: readonly CommandManifest[];
  // Shared by every session: closures per connection add up at 10,000 connections.
  private readonly sessionEvents: SessionEvents = {
    frame: (session, frame) => this.onFrame(session, frame),
    ending: (session) => void this.release(session),
    closed: (session, cause) => void this.onClosed(session, cause),
  };

  private readonly output: OutputBudget;
  private readonly admission: Admission;
  private readonly login: Login;

  constructor(private readonly deps: GatewayDeps) {
    this.output = new OutputBudget(deps.config.outputBudgetBytes);
    this.admission = new Admission(deps.config);
    this.guestCommands = deps.registry.list();
    deps.sessions.onIdentityChanged = (user) => {
      const session = deps.sessions.get(user);
      if (session instanceof Session) void this.sendCommands(session).catch((error) => this.failed(session, 'the command list', error));
    };
    this.login = new Login(deps, () => this.guestCommands);
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Bytes queued to clients and not yet taken by the kernel, over all connections. */
  get outputBytes(): number {
    return this.output.bytes;
  }

  /** What a guest may use, by the guards' `visible` (an anonymous one: the name is not known yet). */
  async refreshManifest(): Promise<void> {
    this.guestCommands = await this.deps.registry.forUser('');
    this.welcome = undefined;
  }

  start(): void {
    this.sweeper = setInterval(() => this.sweep(), sweepPeriod(this.deps.config));
    this.sweeper.unref();
  }

  /**
   * A new connection. With a `sniff` (TLS on the port), the session starts once it has said
   * whether it speaks TLS; until then it counts against the limits like any other.
   */
  accept(socket: Socket, sniff?: Sniffer): void {
    const { config, log } = this.deps;
    const address = socket.remoteAddress ?? '?';
    // Counted in (by the admission) only when nothing else refuses it.
    const full = this.conns.size + this.sniffing.size >= config.maxConnections;
    const why = this.draining ? 'server is shutting down' : full ? 'server is full' : this.admission.admit(address);
    if (why) {
      log.action('connect-refused', { remote: `${address}:${socket.remotePort}`, reason: why });
      socket.on('error', () => {});
      socket.resume(); // drop whatever it sends
      socket.end(encodeJsonFrame({ t: 'error', code: 'CONNECTION_REFUSED', message: why }));
      // A peer that never closes its side must not hold a socket (and a descriptor) forever.
      const timer = setTimeout(() => socket.destroy(), END_TIMEOUT_MS).unref();
      socket.once('close', () => clearTimeout(timer));
      return;
    }
    if (!sniff) return this.open(socket);
    this.sniffing.add(socket);
    sniff(
      socket,
      (spoken) => {
        this.sniffing.delete(socket);
        this.open(spoken);
      },
      () => {
        this.sniffing.delete(socket);
        this.admission.release(address);
      },
    );
  }

  private open(socket: Socket): void {
    const { config, log } = this.deps;
    const session = new Session(this.nextId++, socket, config, this.sessionEvents, this.output);
    this.conns.set(session, { session, queue: new CommandQueue(session, this.deps.dispatcher, config, log) });
    log.action('connect', { id: session.id, remote: session.remote });
  }

  /** The commands changed (a plugin reload): later welcomes carry the new manifest, and everyone logged in gets theirs. */
  async announceCommands(): Promise<void> {
    await this.refreshManifest();
    for (const { session } of this.conns.values()) {
      if (session.state === 'ready' && session.user) await this.sendCommands(session);
    }
  }

  private async sendCommands(session: Session): Promise<void> {
    session.send({ t: 'commands', commands: [...(await this.deps.registry.forUser(session.user, this.deps.sessions.identity(session.user)))] });
  }

  /** Tells everyone the server is going down; new connections are refused from now on. */
  announceShutdown(graceMs: number): void {
    this.draining = true;
    for (const { session } of this.conns.values()) session.send({ t: 'shutdown', reason: 'server shutting down', graceMs });
  }

  /** Ends every connection and resolves when all are closed (destroying stragglers at the deadline). */
  async closeAll(deadlineMs: number): Promise<void> {
    for (const socket of this.sniffing) socket.destroy(); // not a word yet: nothing to lose
    for (const { session } of this.conns.values()) session.end('shutdown', 'server shutting down');
    if (this.conns.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const { session, queue } of this.conns.values()) {
          session.fail('shutdown deadline');
          queue.checkTimeout(Infinity); // a hung command must not hold up the clean-up
        }
      }, deadlineMs);
      this.closedWaiters.add(() => {
        if (this.conns.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private onFrame(session: Session, frame: Frame): void {
    if (frame.kind !== FrameKind.Json) {
      if (session.state === 'ready') this.deps.uploads.chunk(session.user, frame.transfer, frame.data);
      else session.send({ t: 'error', code: 'NOT_LOGGED_IN', message: 'log in first' });
      return;
    }
    const message = parseClientMessage(frame.payload);
    if (message.t === 'bad') return session.send({ t: 'error', code: message.code, message: message.why });
    if (message.t === 'ping') return session.send({ t: 'pong' });
    if (message.t === 'pong') return;
    switch (session.state) {
      case 'handshake':
        return this.onHandshake(session, message);
      case 'login':
        return void this.onLogin(session, message).catch((error) => this.failed(session, 'login', error));
      case 'ready':
        return this.onReady(session, message);
    }
  }

  private onHandshake(session: Session, message: ClientMessage): void {
    if (message.t !== 'hello') {
      session.send({ t: 'error', code: 'HANDSHAKE_REQUIRED', message: 'send hello first' });
      return;
    }
    if (message.v !== PROTOCOL_VERSION) {
      session.send({
        t: 'error',
        code: 'UNSUPPORTED_VERSION',
        message: `this server speaks protocol version ${PROTOCOL_VERSION}; your client speaks ${message.v}`,
      });
      session.end('quit', 'unsupported protocol version');
      return;
    }
    session.greeted(message.features ?? []);
    this.welcome ??= encodeJsonFrame({
      t: 'welcome',
      v: PROTOCOL_VERSION,
      server: this.deps.serverName,
      limits: limitsOf(this.deps.config),
      commands: [...this.guestCommands],
    } satisfies ServerMessage);
    session.sendFrame(this.welcome);
  }

  private async onLogin(session: Session, message: ClientMessage): Promise<void> {
    if (message.t === 'login') return this.login.attempt(session, message);
    const what = message.t === 'cmd' || message.t === 'query' ? { re: message.id } : {};
    session.send({ t: 'error', ...what, code: 'NOT_LOGGED_IN', message: 'log in first' });
  }

  private onReady(session: Session, message: ClientMessage): void {
    switch (message.t) {
      case 'cmd':
        this.conns.get(session)?.queue.push(message.id, message.line, message.files ?? [], message.secrets);
        return;
      case 'query':
        if (!this.conns.get(session)?.queue.admit(message.id, 'this query was not answered')) return;
        void this.answerQuery(session, message.id, message.what).catch((error) => this.failed(session, 'query', error));
        return;
      case 'upload-end':
        this.deps.uploads.end(session.user, message.transfer);
        return;
      case 'upload-cancel':
        this.deps.uploads.cancel(session.user, message.transfer, message.reason ?? '');
        return;
      case 'file-answer':
        this.deps.uploads.answer(session.user, message.transfer, message.accept);
        return;
      case 'file-result':
        this.deps.uploads.saved(session.user, { transfer: message.transfer, outcome: message.saved ? 'saved' : 'failed', problem: message.problem });
        return;
      case 'hello':
      case 'login':
        session.send({ t: 'error', code: 'ALREADY_LOGGED_IN', message: `already logged in as ${session.user}` });
        return;
      default:
        session.send({ t: 'error', code: 'UNEXPECTED_MESSAGE', message: `unexpected '${message.t}'` });
    }
  }

  private async answerQuery(session: Session, id: number, what: 'users' | 'rooms'): Promise<void> {
    const items = what === 'users' ? await this.deps.users.list() : (await this.deps.rooms.list()).map((r) => r.name);
    session.send({ t: 'query-result', re: id, items });
  }

  /** An internal failure outside a command: logged with its stack; the user gets a short error. */
  private failed(session: Session, what: string, error: unknown): void {
    if (error instanceof UserError) return session.send({ t: 'error', code: error.code, message: error.message });
    this.deps.log.error(`${what} for connection ${session.id} failed`, error);
    session.send({ t: 'error', code: 'INTERNAL', message: `${what} failed because of an internal error; try again` });
  }

  private sweep(): void {
    const now = Date.now();
    this.admission.sweep(now);
    for (const { session, queue } of this.conns.values()) {
      queue.checkTimeout(now); // also for closed connections, whose clean-up waits for their command
      if (session.open) checkLiveness(session, this.deps.config, now);
    }
  }

  /**
   * Frees what the user holds (uploads, room, name), once. Runs as soon as the server ends the
   * connection, so a user who has been told goodbye can log straight back in; otherwise when
   * the socket closes.
   */
  private release(session: Session): Promise<void> {
    const conn = this.conns.get(session);
    if (!conn) return Promise.resolve();
    conn.released ??= this.releaseUser(session);
    return conn.released;
  }

  private async releaseUser(session: Session): Promise<void> {
    if (!session.user) return;
    const reason = this.draining ? 'shutdown' : (session.endReason ?? 'connection lost');
    await depart(this.deps, session.user, session, reason, () => this.conns.get(session)?.queue.idle() ?? Promise.resolve());
  }


  private async onClosed(session: Session, cause: string): Promise<void> {
    const { log } = this.deps;
    this.conns.get(session)?.queue.clear();
    this.admission.release(session.address);
    try {
      await this.release(session);
    } finally {
      // Before login there is nothing to lose: a peer that hangs up (after a refusal, say) leaves cleanly.
      const clean = session.endReason !== undefined ? session.endReason !== 'connection lost' : !session.user && cause === CLOSED_BY_PEER;
      log.action('disconnect', { id: session.id, user: session.user || undefined, how: clean ? 'clean' : 'lost', cause });
      this.conns.delete(session);
      for (const waiter of this.closedWaiters) waiter();
    }
  }
}
