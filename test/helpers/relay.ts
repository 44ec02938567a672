import { connect, createServer, type Socket } from 'node:net';
import type { ExecutionContext } from 'ava';
import { FrameDecoder, FrameKind } from '../../core/protocol/frame.js';
import { parseServerMessage, type ServerMessage } from '../../core/protocol/messages.js';
import { TRANSFER_WAIT_MS } from './files.js';

/**
 * A TCP relay between one client and the server, standing in for the network, so that a test
 * can use the real client library and still control what reaches it. `pause` stops reading the
 * server's bytes (the server's socket backs up, as with a client that does not read); `hold`
 * keeps reading but passes nothing on until `release` (a slow link), while the relay watches
 * the messages going by; `cut` drops both ends the way a crash does.
 */
export class Relay {
  private client: Socket | undefined;
  private upstream: Socket | undefined;
  private held: Buffer[] | undefined;
  private readonly seenMessages: ServerMessage[] = [];
  private waiters: { test: (m: ServerMessage) => boolean; resolve: () => void }[] = [];
  private readonly spy = new FrameDecoder(16 * 1024 * 1024);

  private constructor(readonly port: number) {}

  static async start(t: ExecutionContext, serverPort: number): Promise<Relay> {
    let relay: Relay | undefined;
    const listener = createServer({ noDelay: true }, (client) => relay!.attach(client, serverPort));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    relay = new Relay((listener.address() as { port: number }).port);
    t.teardown(() => {
      relay!.client?.destroy();
      relay!.upstream?.destroy();
      listener.close();
    });
    return relay;
  }

  pause(): void {
    this.upstream?.pause();
  }

  resume(): void {
    this.upstream?.resume();
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const data of held) this.client?.write(data);
  }

  cut(): void {
    this.client?.resetAndDestroy();
    this.upstream?.resetAndDestroy();
  }

  /** Resolves once a server message matching `test` has reached the relay (held or passed on). */
  seen(test: (m: ServerMessage) => boolean, what: string, ms = TRANSFER_WAIT_MS): Promise<void> {
    if (this.seenMessages.some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`relay waited ${ms} ms for ${what}; saw: ${JSON.stringify(this.seenMessages.slice(-5))}`));
      }, ms);
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  private attach(client: Socket, serverPort: number): void {
    const upstream = connect({ host: '127.0.0.1', port: serverPort, noDelay: true });
    this.client = client;
    this.upstream = upstream;
    for (const socket of [client, upstream]) socket.on('error', () => {});
    client.on('data', (data) => upstream.write(data));
    upstream.on('data', (data) => {
      this.watch(data);
      if (this.held) this.held.push(data);
      else client.write(data);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      this.release();
      client.end();
    });
  }

  private watch(data: Buffer): void {
    for (const frame of this.spy.push(data)) {
      if (frame.kind !== FrameKind.Json) continue;
      const message = parseServerMessage(frame.payload);
      if (!message) continue;
      this.seenMessages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(message)) return true;
        w.resolve();
        return false;
      });
    }
  }
}
