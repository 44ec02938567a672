import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { ExecutionContext } from 'ava';
import { encodeChunkFrame, encodeJsonFrame, FrameDecoder, FrameKind } from '../../core/protocol/frame.js';
import { parseServerMessage, PROTOCOL_VERSION, type ServerMessage, type ServerMessageOf } from '../../core/protocol/messages.js';
import { TRANSFER_WAIT_MS } from './files.js';

const CHUNK = 64 * 1024;

export type UploadAnswer = ServerMessageOf<'upload-go'> | ServerMessageOf<'upload-queued'> | ServerMessageOf<'error'>;

/**
 * A protocol client with no client library in between: it writes whatever frames a test
 * gives it (hostile ones included), records every frame the server sends, keeps count of the
 * upload credit it is granted, and can stop reading to play a client that does not keep up.
 */
export class RawClient {
  readonly messages: ServerMessage[] = [];
  /** File bytes received, per transfer. */
  readonly files = new Map<number, Buffer[]>();
  name = '';
  readonly closed: Promise<void>;
  private readonly credit = new Map<number, number>();
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024);
  private nextId = 1;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data) => this.receive(data));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Connects and completes the handshake, declaring `features` (none by default, as an old client). */
  static async connect(t: ExecutionContext, port: number, features?: string[]): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    const client = new RawClient(socket);
    t.teardown(() => void socket.destroy());
    client.send({ t: 'hello', v: PROTOCOL_VERSION, client: 'raw-test-client', ...(features ? { features } : {}) });
    await client.waitFor((m) => m.t === 'welcome', 'welcome');
    return client;
  }

  static async login(t: ExecutionContext, port: number, name: string, features?: string[]): Promise<RawClient> {
    const client = await RawClient.connect(t, port, features);
    client.send({ t: 'login', name });
    const answer = await client.waitFor((m) => m.t === 'login-ok' || m.t === 'login-refused', `login as ${name}`);
    if (answer.t !== 'login-ok') throw new Error(`login as ${name} refused: ${JSON.stringify(answer)}`);
    client.name = answer.name;
    return client;
  }

  /** Any JSON message, well-formed or not. */
  send(message: object): void {
    this.socket.write(encodeJsonFrame(message));
  }

  /** Bytes as they are, e.g. many frames in one write. */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendChunk(transfer: number, data: Buffer): void {
    this.socket.write(encodeChunkFrame(transfer, data));
  }

  /** Sends a command line with the given file offers; returns the request id. */
  command(line: string, files?: object[]): number {
    const id = this.nextId++;
    this.send(files ? { t: 'cmd', id, line, files } : { t: 'cmd', id, line });
    return id;
  }

  /**
   * Offers a file for `/sendfile`: `name`, `size` and digest default to the truth about `data`,
   * and a test overrides them to lie. Resolves with the server's answer.
   */
  async offer(to: string, name: string, data: Buffer, lies: { size?: number; sha256?: string } = {}): Promise<UploadAnswer> {
    const offer = { arg: 'filename', name, size: lies.size ?? data.length, sha256: lies.sha256 ?? createHash('sha256').update(data).digest('hex') };
    const id = this.command(`/sendfile x ${to}`, [offer]);
    const answer = (await this.waitFor(
      (m) => (m.t === 'upload-go' || m.t === 'upload-queued' || m.t === 'error') && m.re === id,
      `answer to the offer of ${name}`,
    )) as UploadAnswer;
    return answer;
  }

  /** Waits for the server's go for a transfer (at once if it came already). */
  go(transfer: number, ms = TRANSFER_WAIT_MS): Promise<ServerMessageOf<'upload-go'>> {
    return this.waitFor((m) => m.t === 'upload-go' && m.transfer === transfer, `upload-go for ${transfer}`, ms) as Promise<ServerMessageOf<'upload-go'>>;
  }

  /** Sends file bytes in chunks of at most 64 KiB, never more than the credit granted so far. */
  async stream(transfer: number, data: Buffer, ms = TRANSFER_WAIT_MS): Promise<void> {
    for (let sent = 0; sent < data.length; ) {
      const credit = this.credit.get(transfer) ?? 0;
      if (credit === 0) {
        await this.waitForNew((m) => m.t === 'upload-credit' && m.transfer === transfer, `credit for ${transfer}`, ms);
        continue;
      }
      const n = Math.min(CHUNK, credit, data.length - sent);
      this.credit.set(transfer, credit - n);
      this.sendChunk(transfer, data.subarray(sent, sent + n));
      sent += n;
    }
  }

  end(transfer: number): void {
    this.send({ t: 'upload-end', transfer });
  }

  /** Everything received for a transfer so far. */
  bytesOf(transfer: number): Buffer {
    return Buffer.concat(this.files.get(transfer) ?? []);
  }

  /** Stops reading: the server's writes back up as with a client that does not keep up. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Drops the connection the way a crash does (TCP reset). */
  kill(): void {
    this.socket.resetAndDestroy();
  }

  of<T extends ServerMessage['t']>(type: T): ServerMessageOf<T>[] {
    return this.messages.filter((m) => m.t === type) as ServerMessageOf<T>[];
  }

  /** Resolves with the first message (received or coming) that matches. */
  waitFor(test: (m: ServerMessage) => boolean, what: string, ms = TRANSFER_WAIT_MS): Promise<ServerMessage> {
    const seen = this.messages.find(test);
    return seen ? Promise.resolve(seen) : this.waitForNew(test, what, ms);
  }

  waitForNew(test: (m: ServerMessage) => boolean, what: string, ms = TRANSFER_WAIT_MS): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`raw client ${this.name} waited ${ms} ms for ${what}; got: ${JSON.stringify(this.messages.slice(-5))}`));
      }, ms);
      const waiter = {
        test,
        resolve: (m: ServerMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private receive(data: Buffer): void {
    for (const frame of this.decoder.push(data)) {
      if (frame.kind === FrameKind.Chunk) {
        const parts = this.files.get(frame.transfer) ?? [];
        parts.push(Buffer.from(frame.data));
        this.files.set(frame.transfer, parts);
        continue;
      }
      const message = parseServerMessage(frame.payload);
      if (!message) continue;
      if (message.t === 'ping') this.send({ t: 'pong' });
      if (message.t === 'upload-go') this.credit.set(message.transfer, message.window);
      if (message.t === 'upload-credit') this.credit.set(message.transfer, (this.credit.get(message.transfer) ?? 0) + message.bytes);
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(message)) return true;
        w.resolve(message);
        return false;
      });
    }
  }
}
