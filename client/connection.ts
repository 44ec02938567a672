import { EventEmitter } from 'node:events';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { encodeChunkHeader, encodeJsonFrame, FrameDecoder, FrameKind, type Frame } from '../core/protocol/frame.js';
import {
  parseServerMessage,
  PROTOCOL_VERSION,
  type ClientMessage,
  type CommandManifest,
  type FileOffer,
  type Limits,
  type Role,
  type ServerMessage,
  type ServerMessageOf,
} from '../core/protocol/messages.js';
import { FloodPacer } from './flood-pacer.js';
import type { PeerCertificate } from './trust.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** Gives up connecting and handshaking after this long (default 10 s). */
  timeoutMs?: number;
  clientName?: string;
  /** Protocol features to declare in the hello: `Transfers.features` when the client saves files. */
  features?: string[];
  /** Connect with TLS. */
  tls?: TlsConnectOptions;
}

export interface TlsConnectOptions {
  /** PEM of the CA(s) to trust instead of the system's. */
  ca?: string | Buffer;
  /**
   * Decides on the certificate the server showed (client/trust.ts: CA, pinned, or asks);
   * rejects with the reason to refuse. Its time does not count against the connect timeout.
   */
  verify: (peer: PeerCertificate) => Promise<void>;
}

export interface Welcome {
  server: string;
  limits: Limits;
  commands: CommandManifest[];
}

/** What a login carries beside the name: the account's password, its replacement, the server's password. */
export interface Credentials {
  password?: string;
  newPassword?: string;
  serverPassword?: string;
}

/** What the server asks for when it refuses a login (see `login-refused`). */
export interface RefusalNeeds {
  needsPassword?: true;
  needsNewPassword?: true;
  needsServerPassword?: true;
}

export type LoginResult = { ok: true; name: string; registered?: true; role?: Role } | ({ ok: false; reason: string; attemptsLeft: number } & RefusalNeeds);

const NEEDS = ['needsPassword', 'needsNewPassword', 'needsServerPassword'] as const;
const CREDENTIALS = ['password', 'newPassword', 'serverPassword'] as const;

function loginResult(event: ServerMessageOf<'login-ok'> | ServerMessageOf<'login-refused'>): LoginResult {
  if (event.t === 'login-ok') return { ok: true, name: event.name, ...(event.registered ? { registered: true } : {}), ...(event.role ? { role: event.role } : {}) };
  const needs: RefusalNeeds = {};
  for (const flag of NEEDS) if (event[flag]) needs[flag] = true;
  return { ok: false, reason: event.reason, attemptsLeft: event.attemptsLeft, ...needs };
}

/** How a connection ended: `bye` (the server ended it and said why), `lost`, or `closed` by us. */
export interface CloseInfo {
  how: 'bye' | 'lost' | 'closed';
  reason: string;
  /** True when the server announced a shutdown before the connection ended. */
  shutdown: boolean;
}

export interface ConnectionEvents {
  event: [ServerMessage];
  chunk: [transfer: number, data: Buffer];
  close: [CloseInfo];
}

export class ConnectError extends Error {
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`cannot connect to ${address}: ${reason}`);
    this.name = 'ConnectError';
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running on that port?)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'unknown host',
  ECONNRESET: 'connection reset by the server',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on that port (leave out --tls)',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the server does not speak TLS on that port (leave out --tls)',
};

/** Node gives an OpenSSL code such as DEPTH_ZERO_SELF_SIGNED_CERT (typed as an Error). */
function why(error: Error | string | null | undefined): string | undefined {
  if (!error) return undefined;
  return typeof error === 'string' ? error.toLowerCase().replaceAll('_', ' ') : error.message;
}

/**
 * A client connection: handshake, login, command lines out, a typed stream of server events in.
 * Answers heartbeats by itself and notices a server that has gone silent.
 */
export class ChatConnection extends EventEmitter<ConnectionEvents> {
  user = '';
  /** The room this user is in, kept up to date from joined/left events. */
  room: string | undefined;
  private nextId = 1;
  private lastSeen = Date.now();
  private closeInfo: CloseInfo | undefined;
  private shutdownAnnounced = false;
  private byeReason: string | undefined;
  private readonly watchdog: NodeJS.Timeout;
  private readonly pacer: FloodPacer;
  /** The server's budget for frames of any kind: chunks wait for it, the rest is counted. */
  private readonly framePacer: FloodPacer;

  private constructor(
    private readonly socket: Socket,
    private readonly decoder: FrameDecoder,
    readonly welcome: Welcome,
    readonly address: string,
  ) {
    super();
    this.pacer = new FloodPacer(welcome.limits.floodRate, welcome.limits.floodBurst);
    this.framePacer = new FloodPacer(welcome.limits.frameRate, welcome.limits.frameBurst);
    socket.on('data', (data) => this.receive(data));
    socket.on('error', () => {});
    socket.on('close', () => this.finish());
    const heartbeat = welcome.limits.heartbeatMs;
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastSeen > heartbeat) socket.destroy();
    }, Math.min(heartbeat / 3, 5000));
    this.watchdog.unref();
  }

  /** Connects and completes the handshake; rejects with a ConnectError saying why not. */
  static connect(options: ConnectOptions): Promise<ChatConnection> {
    const address = `${options.host}:${options.port}`;
    return new Promise((resolve, reject) => {
      const { tls } = options;
      // The check is ours (checkTrust), so the handshake must not refuse before we have seen the certificate.
      const secureOptions: ConnectionOptions = { host: options.host, port: options.port, rejectUnauthorized: false };
      if (!isIP(options.host)) secureOptions.servername = options.host;
      if (tls?.ca) secureOptions.ca = tls.ca;
      const socket = tls
        ? tlsConnect(secureOptions).setNoDelay(true)
        : tcpConnect({ host: options.host, port: options.port, noDelay: true });
      const decoder = new FrameDecoder(16 * 1024 * 1024);
      let failed = false;
      const fail = (reason: string) => {
        failed = true;
        socket.destroy();
        clearTimeout(timer);
        reject(new ConnectError(address, reason));
      };
      let timer = setTimeout(() => fail('timed out'), options.timeoutMs ?? 10_000);
      // While the user decides whether to trust the certificate, the server may give up on a
      // connection that says nothing (its login timeout): then, trusted, we connect again.
      let verifying = false;
      let closedWhileVerifying = false;
      socket.once('error', (error: NodeJS.ErrnoException) => (verifying ? undefined : fail(REASONS[error.code ?? ''] ?? error.message)));
      socket.once('close', () => (verifying ? (closedWhileVerifying = true) : fail('the server closed the connection during the handshake')));
      const hello = () => {
        const features = options.features?.length ? { features: options.features } : {};
        socket.write(encodeJsonFrame({ t: 'hello', v: PROTOCOL_VERSION, client: options.clientName ?? 'chatclient', ...features }));
      };
      if (!tls) socket.once('connect', hello);
      else {
        socket.once('secureConnect', () => {
          const secure = socket as TLSSocket;
          const peer = { fingerprint: `SHA256:${secure.getPeerX509Certificate()?.fingerprint256}`, authorized: secure.authorized, reason: why(secure.authorizationError) };
          clearTimeout(timer); // the user may take a while to answer
          verifying = true;
          tls.verify(peer).then(
            () => {
              verifying = false;
              if (closedWhileVerifying) return void ChatConnection.connect(options).then(resolve, reject);
              if (failed) return;
              timer = setTimeout(() => fail('timed out'), options.timeoutMs ?? 10_000);
              hello();
            },
            (error: Error) => {
              verifying = false;
              fail(error.message);
            },
          );
        });
      }
      const onData = (data: Buffer) => {
        if (verifying) return; // a goodbye for the silence (login timeout): we connect again once trusted
        let frames: Frame[];
        try {
          frames = decoder.push(data);
        } catch (error) {
          return fail((error as Error).message);
        }
        const first = frames[0];
        if (!first) return;
        const message = first.kind === FrameKind.Json ? parseServerMessage(first.payload) : undefined;
        if (message?.t === 'error') return fail(message.message);
        if (message?.t !== 'welcome') return fail('the server did not answer with a welcome');
        clearTimeout(timer);
        socket.removeAllListeners();
        const connection = new ChatConnection(socket, decoder, message, address);
        resolve(connection);
        // Frames that came in the same packet as the welcome.
        for (const frame of frames.slice(1)) connection.onFrame(frame);
      };
      socket.on('data', onData);
    });
  }

  get closed(): boolean {
    return this.closeInfo !== undefined;
  }

  /** The manifest entry for a command name or alias. */
  command(nameOrAlias: string): CommandManifest | undefined {
    const key = nameOrAlias.toLowerCase();
    return this.welcome.commands.find((c) => c.name === key || c.aliases.includes(key));
  }

  /**
   * Tries a username, with the credentials the server asked for (a string: the account's password).
   * On refusal the same connection may try again (until the server's limit).
   */
  login(name: string, credentials: Credentials | string = {}): Promise<LoginResult> {
    const given = typeof credentials === 'string' ? { password: credentials } : credentials;
    const message: ClientMessage = { t: 'login', name };
    for (const key of CREDENTIALS) if (given[key] !== undefined) message[key] = given[key];
    return new Promise((resolve, reject) => {
      const onEvent = (event: ServerMessage) => {
        if (event.t !== 'login-ok' && event.t !== 'login-refused') return;
        if (event.t === 'login-ok') this.user = event.name;
        done();
        resolve(loginResult(event));
      };
      const onClose = (info: CloseInfo) => {
        done();
        reject(new Error(`connection closed during login: ${info.reason}`));
      };
      const done = () => {
        this.off('event', onEvent);
        this.off('close', onClose);
      };
      this.on('event', onEvent);
      this.on('close', onClose);
      this.write(message);
    });
  }

  /** Resolves when the next line can be sent without being refused for flooding. */
  turn(): Promise<void> {
    return this.pacer.turn();
  }

  /**
   * Sends one command line (or plain text for the room), with the offers of its files and the
   * values of its secret arguments, which never go on the line. Returns its request id.
   */
  send(line: string, files?: FileOffer[], secrets?: Record<string, string>): number {
    const id = this.nextId++;
    this.pacer.take();
    this.write({ t: 'cmd', id, line, ...(files ? { files } : {}), ...(secrets ? { secrets } : {}) });
    return id;
  }

  /** Asks the server for the online users or the rooms (for completion). */
  query(what: 'users' | 'rooms'): Promise<string[]> {
    const id = this.nextId++;
    this.pacer.take();
    return new Promise((resolve, reject) => {
      const onEvent = (event: ServerMessage) => {
        if ((event.t === 'query-result' || event.t === 'error') && event.re === id) {
          this.off('event', onEvent);
          this.off('close', onClose);
          if (event.t === 'query-result') resolve(event.items);
          else reject(new Error(event.message)); // e.g. FLOOD: queries count against the flood limit
        }
      };
      const onClose = () => {
        this.off('event', onEvent);
        reject(new Error('connection closed'));
      };
      this.on('event', onEvent);
      this.once('close', onClose);
      this.write({ t: 'query', id, what });
    });
  }

  write(message: ClientMessage): void {
    if (!this.socket.writable) return;
    this.framePacer.take();
    this.socket.write(encodeJsonFrame(message));
  }

  /**
   * Sends one file chunk once the frame budget allows it, and resolves when the socket can take
   * more (for streaming uploads).
   */
  async sendChunk(transfer: number, data: Buffer): Promise<void> {
    await this.framePacer.turn();
    if (!this.socket.writable) return;
    this.framePacer.take();
    this.socket.write(encodeChunkHeader(transfer, data.length));
    if (this.socket.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Closes the connection (without /exit) and resolves once it is closed. */
  close(): Promise<CloseInfo> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    this.byeReason ??= 'closed by client';
    const closed = new Promise<CloseInfo>((resolve) => this.once('close', resolve));
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    return closed;
  }

  private receive(data: Buffer): void {
    this.lastSeen = Date.now();
    let frames: Frame[];
    try {
      frames = this.decoder.push(data);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const frame of frames) this.onFrame(frame);
  }

  private onFrame(frame: Frame): void {
    if (frame.kind === FrameKind.Chunk) {
      this.emit('chunk', frame.transfer, frame.data);
      return;
    }
    const message = parseServerMessage(frame.payload);
    if (!message) return;
    switch (message.t) {
      case 'ping':
        return this.write({ t: 'pong' });
      case 'pong':
        return;
      case 'commands':
        // What this user may use: completion and help follow it from now on.
        this.welcome.commands = message.commands;
        break;
      case 'shutdown':
        this.shutdownAnnounced = true;
        break;
      case 'bye':
        this.byeReason = message.reason;
        break;
      case 'renamed':
        this.user = message.name;
        break;
      case 'joined':
        if (message.user === this.user) this.room = message.room;
        break;
      case 'left':
        if (message.user === this.user && this.room?.toLowerCase() === message.room.toLowerCase()) this.room = undefined;
        break;
    }
    this.emit('event', message);
  }

  private finish(): void {
    if (this.closeInfo) return;
    clearInterval(this.watchdog);
    const ours = this.byeReason === 'closed by client';
    this.closeInfo = {
      how: ours ? 'closed' : this.byeReason !== undefined ? 'bye' : 'lost',
      reason: this.byeReason ?? (this.shutdownAnnounced ? 'server shut down' : 'connection lost'),
      shutdown: this.shutdownAnnounced,
    };
    this.emit('close', this.closeInfo);
  }
}
