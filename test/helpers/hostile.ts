import { connect, type Socket } from 'node:net';
import type { ExecutionContext } from 'ava';
import type { ServerConfig } from '../../core/config.js';
import { encodeJsonFrame, FrameDecoder, FrameKind } from '../../core/protocol/frame.js';
import { TestClient, WAIT_MS } from './client.js';
import { startServer } from './server.js';

/** A message the server sent, as parsed JSON (or a file chunk), whatever it holds. */
export type Received = { t: string; [key: string]: unknown };

/** A frame as raw bytes: kind, then a length that may lie, then whatever payload. */
export function rawFrame(kind: number, payload: Buffer | string, announced?: number): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(5);
  header[0] = kind;
  header.writeUInt32BE(announced ?? body.length, 1);
  return Buffer.concat([header, body]);
}

export const json = (message: unknown): Buffer => encodeJsonFrame(message);

/**
 * A raw protocol client that sends whatever bytes a test gives it, well-formed or not, and
 * records what the server answers. Waits are for events, bounded by a timeout.
 */
export class HostileClient {
  readonly received: Received[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024);
  private waiters: (() => void)[] = [];
  private nextId = 1;

  private constructor(readonly socket: Socket) {
    socket.on('data', (data) => {
      try {
        for (const frame of this.decoder.push(data)) {
          this.received.push(
            frame.kind === FrameKind.Json ? (JSON.parse(frame.payload.toString('utf8')) as Received) : { t: 'chunk', transfer: frame.transfer, bytes: frame.data.length },
          );
        }
      } catch {
        this.received.push({ t: 'undecodable' });
      }
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        resolve();
        this.wake();
      }),
    );
  }

  /** `from` is the local address to connect from (any of 127.0.0.0/8 works on Linux); `host` the server's. */
  static connect(t: ExecutionContext, port: number, { from, host = '127.0.0.1' }: { from?: string; host?: string } = {}): Promise<HostileClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true, ...(from ? { localAddress: from } : {}) });
      t.teardown(() => socket.destroy());
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new HostileClient(socket));
      });
    });
  }

  /** Connects, says hello and logs in, answering the server's pings from then on. */
  static async login(t: ExecutionContext, port: number, name: string, from?: string): Promise<HostileClient> {
    const client = await HostileClient.connect(t, port, { from });
    client.answerPings();
    client.write(json({ t: 'hello', v: 1 }), json({ t: 'login', name }));
    await client.waitFor((m) => m.t === 'login-ok', `login-ok for ${name}`);
    return client;
  }

  write(...data: (Buffer | string)[]): void {
    for (const d of data) if (!this.socket.destroyed) this.socket.write(d);
  }

  /** Sends a command line; returns its request id. */
  command(line: string, extra: Record<string, unknown> = {}): number {
    const id = this.nextId++;
    this.write(json({ t: 'cmd', id, line, ...extra }));
    return id;
  }

  /** Resolves with the first received message (earlier or later) that matches. */
  async waitFor(test: (m: Received) => boolean, what: string, ms = WAIT_MS): Promise<Received> {
    await this.waitUntil(() => this.received.some(test), what, ms);
    return this.received.find(test)!;
  }

  /** Resolves once `done()` holds; it is checked whenever something arrives or the connection closes. */
  waitUntil(done: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`waited ${ms} ms for ${what}; received: ${JSON.stringify(this.received.slice(-5)).slice(0, 600)}`));
      }, ms);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  /** The answer (reply or error) to request `id`. */
  answer(id: number, ms = WAIT_MS): Promise<Received> {
    return this.waitFor((m) => (m.t === 'reply' || m.t === 'error') && m.re === id, `answer to request ${id}`, ms);
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(what = 'the server to close the connection', ms = WAIT_MS): Promise<void> {
    await this.waitUntil(() => this.isClosed, what, ms);
  }

  errors(): Received[] {
    return this.received.filter((m) => m.t === 'error');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private answerPings(): void {
    let seen = 0;
    this.socket.on('data', () => {
      for (; seen < this.received.length; seen++) if (this.received[seen]!.t === 'ping') this.write(json({ t: 'pong' }));
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Polls a condition that has no event of its own (server-side counters), within a deadline. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, ms = 1.5 * WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Every test runs a server with two bystanders, alice and bob, chatting in one room. After the
 * hostile input, `unharmed` checks the server still serves them: a line from each reaches the other.
 */
export async function arena(t: ExecutionContext, overrides: Partial<ServerConfig> = {}) {
  const server = await startServer(t, overrides);
  const [alice, bob] = await Promise.all([TestClient.login(t, server.port, 'alice'), TestClient.login(t, server.port, 'bob')]);
  await alice.join('lobby');
  await bob.join('lobby');
  let round = 0;
  const unharmed = async () => {
    round++;
    for (const [from, to] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const text = `${from.name} is fine ${round}`;
      from.send(text);
      await to.waitFor((e) => e.t === 'message' && e.text === text, text);
    }
    t.false(alice.connection.closed || bob.connection.closed);
  };
  return { server, port: server.port, alice, bob, unharmed };
}
