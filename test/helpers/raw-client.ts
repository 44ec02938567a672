import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { ExecutionContext } from 'ava';
import { encodeJsonFrame, FrameDecoder, FrameKind } from '../../core/protocol/frame.js';
import type { ServerMessage } from '../../core/protocol/messages.js';
import { WAIT_MS } from './client.js';

/**
 * A bare TCP client that speaks frames by hand: for what the client library will not do
 * (another protocol version, oversized frames, ignoring pings, vanishing without a word).
 */
export class RawClient {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<void>;
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (data) => {
      for (const frame of this.decoder.push(data)) {
        if (frame.kind === FrameKind.Json) this.messages.push(JSON.parse(frame.payload.toString('utf8')));
      }
      for (const waiter of [...this.waiters]) waiter();
    });
    socket.on('error', () => {});
    this.closed = once(socket, 'close').then(() => {
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  static async connect(t: ExecutionContext, port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    t.teardown(() => void socket.destroy());
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Over TLS (`options` say what to trust); `socket` is then a TLSSocket. */
  static async connectTls(t: ExecutionContext, port: number, options: ConnectionOptions = {}): Promise<RawClient> {
    const socket = tlsConnect({ host: '127.0.0.1', port, ...options });
    t.teardown(() => void socket.destroy());
    await once(socket, 'secureConnect');
    return new RawClient(socket);
  }

  /** Handshake and login, as the client library would do them (over TLS when `tls` is given). */
  static async login(t: ExecutionContext, port: number, name: string, tls?: ConnectionOptions): Promise<RawClient> {
    const client = await (tls ? RawClient.connectTls(t, port, tls) : RawClient.connect(t, port));
    client.send({ t: 'hello', v: 1 });
    await client.waitFor((m) => m.t === 'welcome');
    client.send({ t: 'login', name });
    const answer = await client.waitFor((m) => m.t === 'login-ok' || m.t === 'login-refused');
    if (answer.t !== 'login-ok') throw new Error(`login as ${name} refused`);
    return client;
  }

  /** The server's certificate fingerprint, as chatclient shows it (TLS connections only). */
  get fingerprint(): string {
    return `SHA256:${(this.socket as TLSSocket).getPeerX509Certificate()!.fingerprint256}`;
  }

  send(message: unknown): void {
    this.socket.write(encodeJsonFrame(message));
  }

  /** Resolves with the first message that matches; rejects if the connection closes first. */
  waitFor(test: (m: ServerMessage) => boolean, ms = WAIT_MS): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`waited ${ms} ms; got ${JSON.stringify(this.messages)}`)), ms);
      const finish = (error?: Error, found?: ServerMessage) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        if (found) resolve(found);
        else reject(error);
      };
      const check = () => {
        const found = this.messages.find(test);
        if (found) finish(undefined, found);
        else if (this.socket.destroyed) finish(new Error(`connection closed; got ${JSON.stringify(this.messages)}`));
      };
      this.waiters.push(check);
      check();
    });
  }

  /** Resolves when the server has closed the connection, rejecting after `ms`. */
  async closedWithin(ms = WAIT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.closed,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`connection still open after ${ms} ms`)), ms))),
    ]).finally(() => clearTimeout(timer));
  }
}
