import { connect, type Socket } from 'node:net';
import { encodeJsonFrame, FrameDecoder, FrameKind } from '../../core/protocol/frame.js';

/**
 * How a cycle connects and goes: cleanly with /exit, or vanishing at some stage — during the
 * handshake, while its login is being decided, in the middle of a frame, right after commands,
 * or with an upload queued or running. Destroyed cycles alternate between FIN and RST.
 */
export const CYCLE_KINDS = ['exit', 'mid-frame', 'handshake', 'login', 'command', 'upload'] as const;
export type CycleKind = (typeof CYCLE_KINDS)[number];

// One upload and one handshake in 20; half clean.
const PATTERN: CycleKind[] = [
  ...['exit', 'mid-frame', 'exit', 'login', 'exit', 'command', 'exit', 'mid-frame', 'exit', 'handshake'],
  ...['exit', 'mid-frame', 'exit', 'login', 'exit', 'command', 'exit', 'mid-frame', 'exit', 'upload'],
] as CycleKind[];

export interface CycleReport {
  cycles: number;
  byKind: Record<CycleKind, number>;
  /** Clean cycles that did not see login-ok and their goodbye: should stay empty. */
  failures: string[];
  ms: number;
}

const HELLO = encodeJsonFrame({ t: 'hello', v: 1 });
const OFFER = { arg: 'filename', name: 'cycle.txt', size: 1000, sha256: 'a'.repeat(64) };

type Message = { t: string; [key: string]: unknown };

/** One connection of a cycle, with what it received parsed. */
class Conn {
  readonly messages: Message[] = [];
  readonly closed: Promise<void>;
  private readonly decoder = new FrameDecoder(1024 * 1024);
  private waiter: (() => void) | undefined;

  constructor(readonly socket: Socket) {
    socket.on('error', () => {});
    socket.on('data', (data) => {
      for (const frame of this.decoder.push(data)) {
        if (frame.kind === FrameKind.Json) this.messages.push(JSON.parse(frame.payload.toString('utf8')) as Message);
      }
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    this.closed.then(() => this.waiter?.());
  }

  /** Resolves with the first message passing `test`, or undefined if the connection ends first. */
  until(test: (m: Message) => boolean): Promise<Message | undefined> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.messages.find(test);
        if (found || this.socket.destroyed) {
          this.waiter = undefined;
          resolve(found);
        }
      };
      this.waiter = check;
      check();
    });
  }

  send(...messages: unknown[]): void {
    this.socket.write(Buffer.concat(messages.map((m) => encodeJsonFrame(m))));
  }

  vanish(reset: boolean): undefined {
    if (reset) this.socket.resetAndDestroy();
    else this.socket.destroy();
    return undefined;
  }
}

function open(port: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(new Conn(socket));
    });
  });
}

async function cycle(port: number, index: number, kind: CycleKind, sink: string): Promise<string | undefined> {
  const conn = await open(port);
  const name = `c${index.toString(36)}`;
  const reset = index % 2 === 0;
  if (kind === 'handshake') {
    conn.socket.write(HELLO.subarray(0, 3));
    return conn.vanish(reset);
  }
  conn.send({ t: 'hello', v: 1 }, { t: 'login', name });
  if (kind === 'login') return conn.vanish(reset);
  const ok = await conn.until((m) => m.t === 'login-ok');
  if (!ok) return `${name}: no login-ok (${JSON.stringify(conn.messages.at(-1))})`;
  const room = { t: 'cmd', id: 1, line: `/join r${index % 16}` };
  switch (kind) {
    case 'exit': {
      conn.send(room, { t: 'cmd', id: 2, line: `hello from ${name}` }, { t: 'cmd', id: 3, line: '/exit' });
      await conn.closed;
      const bye = conn.messages.find((m) => m.t === 'bye');
      return bye?.reason === 'goodbye' ? undefined : `${name}: no goodbye (${JSON.stringify(conn.messages.at(-1))})`;
    }
    case 'mid-frame':
      conn.send(room);
      conn.socket.write(encodeJsonFrame({ t: 'cmd', id: 2, line: 'x'.repeat(200) }).subarray(0, 60));
      return conn.vanish(reset);
    case 'command':
      conn.send(room, { t: 'cmd', id: 2, line: '/who' }, { t: 'query', id: 3, what: 'rooms' });
      return conn.vanish(reset);
    case 'upload':
      conn.send({ t: 'cmd', id: 1, line: `/sendfile cycle.txt ${sink}`, files: [OFFER] });
      if (index % 40 === 19) {
        // Sometimes it waits for its turn and sends half the file first.
        const go = await conn.until((m) => m.t === 'upload-go' || m.t === 'upload-queued');
        if (go?.t === 'upload-go') conn.socket.write(Buffer.concat([chunkHeader(go.transfer as number, 500), Buffer.alloc(500, 'b')]));
      }
      return conn.vanish(reset);
  }
}

function chunkHeader(transfer: number, length: number): Buffer {
  const header = Buffer.alloc(9);
  header[0] = FrameKind.Chunk;
  header.writeUInt32BE(length + 4, 1);
  header.writeUInt32BE(transfer, 5);
  return header;
}

/**
 * A logged-in user that receives the cycles' uploads, reading everything and answering pings.
 * Stays connected for the whole run, so it is part of the baseline.
 */
export async function startSink(port: number, name = 'sink'): Promise<{ close(): void }> {
  const conn = await open(port);
  conn.socket.on('data', () => {
    const pings = conn.messages.filter((m) => m.t === 'ping').length;
    for (let i = 0; i < pings; i++) conn.send({ t: 'pong' });
    conn.messages.length = 0; // keep nothing: the sink runs for hours in a soak
  });
  conn.send({ t: 'hello', v: 1 }, { t: 'login', name });
  await new Promise<void>((resolve, reject) => {
    const check = (data: Buffer) => {
      if (data.includes('"login-ok"')) resolve();
      else if (data.includes('"login-refused"')) reject(new Error('the sink could not log in'));
    };
    conn.socket.on('data', check);
  });
  return { close: () => conn.socket.destroy() };
}

/** Runs `total` cycles, `concurrency` at a time, and reports what was run and what went wrong. */
export async function runCycles(port: number, total: number, options: { concurrency?: number; first?: number; sink: string }): Promise<CycleReport> {
  const started = Date.now();
  const byKind = Object.fromEntries(CYCLE_KINDS.map((k) => [k, 0])) as Record<CycleKind, number>;
  const failures: string[] = [];
  const first = options.first ?? 0;
  let next = first;
  const worker = async () => {
    while (next < first + total) {
      const index = next++;
      const kind = PATTERN[index % PATTERN.length]!;
      byKind[kind]++;
      const failure = await cycle(port, index, kind, options.sink).catch((error: Error) => `cycle ${index}: ${error.message}`);
      if (failure && failures.length < 20) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, worker));
  return { cycles: total, byKind, failures, ms: Date.now() - started };
}
