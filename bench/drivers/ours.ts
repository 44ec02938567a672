import { connect, type Socket } from 'node:net';
import { encodeJsonFrame, FrameDecoder, FrameKind } from '../../core/protocol/frame.js';
import { PROTOCOL_VERSION, type ClientMessage, type ServerMessage } from '../../core/protocol/messages.js';
import { deferred, type Address, type Deferred, type Client, type Protocol, type Sink } from './types.js';

/** Messages other than chat, for workloads that drive files (see workloads/files.ts). */
export type Extra = (message: ServerMessage) => void;

/**
 * A raw-socket client of our protocol: no manifest handling, no transfers bookkeeping, so ten
 * thousand of them fit in one process. TCP_NODELAY is on, as in client/connection.ts.
 */
export class OursClient implements Client {
  readonly socket: Socket;
  private readonly decoder = new FrameDecoder(1 << 20);
  private readonly login = deferred();
  private join_?: { room: string; done: Deferred };
  private nextId = 1;
  /** Sees every message the chat handling does not consume. */
  extra?: Extra;
  /** Sees file chunk frames. */
  chunk?: (transfer: number, bytes: number) => void;

  constructor(
    address: Address,
    readonly name: string,
    private readonly sink: Sink,
  ) {
    this.socket = connect({ host: address.host, port: address.port, noDelay: true });
    this.socket.on('connect', () => this.send({ t: 'hello', v: PROTOCOL_VERSION, client: 'bench' }));
    this.socket.on('data', (data) => this.data(data));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error(`${name}: connection closed`)));
  }

  get ready(): Promise<void> {
    return this.login.promise;
  }

  send(message: ClientMessage): void {
    this.socket.write(encodeJsonFrame(message));
  }

  command(line: string, files?: Extract<ClientMessage, { t: 'cmd' }>['files']): number {
    const id = this.nextId++;
    this.send(files ? { t: 'cmd', id, line, files } : { t: 'cmd', id, line });
    return id;
  }

  join(room: string): Promise<void> {
    this.join_ = { room: room.toLowerCase(), done: deferred() };
    this.command(`/join ${room}`);
    return this.join_.done.promise;
  }

  say(text: string): void {
    this.command(text);
  }

  whisper(to: string, text: string): void {
    this.command(`/whisper ${to} ${text}`);
  }

  close(): void {
    this.socket.destroy();
  }

  private data(data: Buffer): void {
    let frames;
    try {
      frames = this.decoder.push(data);
    } catch (error) {
      return this.fail(error as Error);
    }
    for (const frame of frames) {
      if (frame.kind === FrameKind.Chunk) this.chunk?.(frame.transfer, frame.data.length);
      else this.message(JSON.parse(frame.payload.toString('utf8')) as ServerMessage);
    }
  }

  private message(m: ServerMessage): void {
    switch (m.t) {
      case 'message':
        if (m.from !== this.name) this.sink.onText(this, m.text, false);
        return;
      case 'whisper':
        if (m.to === this.name) this.sink.onText(this, m.text, true);
        return;
      case 'welcome':
        return this.send({ t: 'login', name: this.name });
      case 'login-ok':
        return this.login.resolve();
      case 'login-refused':
        return this.fail(new Error(`${this.name}: login refused: ${m.reason}`));
      case 'joined':
        if (m.user === this.name && this.join_ && m.room.toLowerCase() === this.join_.room) this.join_.done.resolve();
        return;
      case 'ping':
        return this.send({ t: 'pong' });
      case 'error':
        this.join_?.done.reject(new Error(`${this.name}: ${m.code}: ${m.message}`));
        this.sink.onError(this, m.code);
        break;
    }
    this.extra?.(m);
  }

  private fail(error: Error): void {
    this.login.reject(error);
    this.join_?.done.reject(error);
    this.socket.destroy();
  }
}

export const ours: Protocol = {
  name: 'ours',
  connect: (address, name, sink) => new OursClient(address, name, sink),
};
