import { encodeJsonFrame, FrameDecoder, FrameKind } from '../../core/protocol/frame.js';
import { parseServerMessage, PROTOCOL_VERSION, type ClientMessage, type ServerMessage } from '../../core/protocol/messages.js';
import { SocketClient } from './socket-client.js';
import type { Address, Protocol, Sink } from './types.js';

/** Messages other than chat, for workloads that drive files (see workloads/files.ts). */
export type Extra = (message: ServerMessage) => void;

/**
 * A raw-socket client of our protocol: no manifest handling, no transfers bookkeeping, so ten
 * thousand of them fit in one process.
 */
export class OursClient extends SocketClient {
  private readonly decoder = new FrameDecoder(1 << 20);
  private nextId = 1;
  /** Sees every message the chat handling does not consume. */
  extra?: Extra;
  /** Sees file chunk frames. */
  chunk?: (transfer: number, bytes: number) => void;

  constructor(address: Address, name: string, sink: Sink) {
    super(address, name, sink);
    this.socket.on('connect', () => this.send({ t: 'hello', v: PROTOCOL_VERSION, client: 'bench' }));
    this.socket.on('data', (data: Buffer) => this.data(data));
  }

  send(message: ClientMessage): void {
    this.socket.write(encodeJsonFrame(message));
  }

  command(line: string, files?: Extract<ClientMessage, { t: 'cmd' }>['files']): number {
    const id = this.nextId++;
    this.send(files ? { t: 'cmd', id, line, files } : { t: 'cmd', id, line });
    return id;
  }

  protected requestJoin(room: string): void {
    this.command(`/join ${room}`);
  }

  say(text: string): void {
    this.command(text);
  }

  whisper(to: string, text: string): void {
    this.command(`/whisper ${to} ${text}`);
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
      else {
        const message = parseServerMessage(frame.payload);
        if (!message) return this.fail(new Error(`${this.name}: malformed message from the server`));
        this.message(message);
      }
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
        if (m.user === this.name) this.joined(m.room);
        return;
      case 'ping':
        return this.send({ t: 'pong' });
      case 'error':
        this.joining?.done.reject(new Error(`${this.name}: ${m.code}: ${m.message}`));
        this.sink.onError(this, m.code);
        break;
    }
    this.extra?.(m);
  }
}

export const ours: Protocol = {
  connect: (address, name, sink) => new OursClient(address, name, sink),
};
