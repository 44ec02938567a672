import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { deferred, type Address, type Client, type Deferred, type Sink } from './types.js';

/**
 * What both drivers share: one socket with TCP_NODELAY (as our server and client/connection.ts
 * set it), the login and the join being waited for, and both failed when the socket fails.
 */
export abstract class SocketClient implements Client {
  readonly socket: Socket;
  protected readonly login = deferred();
  /** The join waited for, its room in lower case. */
  protected joining?: { room: string; done: Deferred };

  constructor(
    address: Address,
    readonly name: string,
    protected readonly sink: Sink,
  ) {
    const { host, port } = address;
    // Writes before the handshake completes wait for it, so the drivers need not know.
    this.socket = address.tls ? tlsConnect({ host, port, rejectUnauthorized: false }).setNoDelay(true) : connect({ host, port, noDelay: true });
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error(`${name}: connection closed`)));
  }

  get ready(): Promise<void> {
    return this.login.promise;
  }

  join(room: string): Promise<void> {
    this.joining = { room: room.toLowerCase(), done: deferred() };
    this.requestJoin(room);
    return this.joining.done.promise;
  }

  abstract say(text: string): void;
  abstract whisper(to: string, text: string): void;

  close(): void {
    this.socket.destroy();
  }

  protected abstract requestJoin(room: string): void;

  /** The server says this client is now in `room`. */
  protected joined(room: string): void {
    if (this.joining && room.toLowerCase() === this.joining.room) this.joining.done.resolve();
  }

  protected fail(error: Error): void {
    this.login.reject(error);
    this.joining?.done.reject(error);
    this.socket.destroy();
  }
}
