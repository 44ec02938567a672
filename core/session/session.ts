import type { Socket } from 'node:net';
import { encodeJsonFrame, FrameDecoder, FrameError, FrameKind, type Frame } from '../protocol/frame.js';
import type { Outgoing } from '../events/outgoing.js';
import { FILE_CONSENT, FILE_RESULT, type LeaveReason, type ServerMessage } from '../protocol/messages.js';
import { encodeOutgoing } from './wire.js';
import { TokenBucket } from '../protocol/token-bucket.js';
import { awaitTurn } from './bulk-turns.js';
import { Outbox } from './outbox.js';
import type { OutputBudget } from './output-budget.js';

export type SessionState = 'handshake' | 'login' | 'ready' | 'closing' | 'closed';

export interface SessionEvents {
  frame(session: Session, frame: Frame): void;
  /** Called once when the server ends the connection, before the socket has closed. */
  ending(session: Session): void;
  /** Called once, after the socket has closed. `cause` says why for the log. */
  closed(session: Session, cause: string): void;
}

export interface SessionLimits {
  maxFrameBytes: number;
  outBufferBytes: number;
  frameRate: number;
  frameBurst: number;
  byteRate: number;
  byteBurst: number;
}

export const CLOSED_BY_PEER = 'closed by peer';

// How long a closing connection may take to flush before it is destroyed.
export const END_TIMEOUT_MS = 2_000;

/**
 * One client connection: the socket, its frame decoder and outbox, and the per-connection
 * state the gateway keeps. It knows nothing about commands; the gateway drives it.
 */
export class Session {
  state: SessionState = 'handshake';
  user = '';
  loginAttempts = 0;
  /** A username claim is in flight; a second login must wait for its answer. */
  claiming = false;
  /** When the last whole frame arrived: bytes alone are no sign of life. */
  lastSeen: number;
  /** When the frame still incomplete began to arrive; 0 when none is. */
  partialSince = 0;
  pingSent = 0;
  /** Set from the hello: the client reports whether it saved each file it received. */
  reportsSaves = false;
  /** Set from the hello: the client is offered each file first and answers. */
  asksConsent = false;
  /** Why the server ended the connection, when it did; kept for the log and the room notice. */
  endReason: LeaveReason | undefined;
  readonly connectedAt: number;
  /** The peer's address, as the per-address connection count knows it. */
  readonly address: string;
  readonly remote: string;
  private readonly decoder: FrameDecoder;
  private readonly outbox: Outbox;
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket;
  private closeCause = CLOSED_BY_PEER;
  private endTimer: NodeJS.Timeout | undefined;
  /** Reading is paused: the frames of the read that were not handed on yet wait here, in order. */
  private held: Frame[] | undefined;
  private paused = false;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    limits: SessionLimits,
    private readonly events: SessionEvents,
    output: OutputBudget,
  ) {
    this.connectedAt = this.lastSeen = Date.now();
    this.address = socket.remoteAddress ?? '?';
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.decoder = new FrameDecoder(limits.maxFrameBytes);
    this.frames = new TokenBucket(limits.frameRate, limits.frameBurst, this.connectedAt);
    this.bytes = new TokenBucket(limits.byteRate, limits.byteBurst, this.connectedAt);
    this.outbox = new Outbox(socket, limits.outBufferBytes, output, (cause) => this.fail(cause));
    socket.setNoDelay(true);
    socket.on('data', (data) => this.receive(data));
    socket.on('error', (error) => {
      this.closeCause = `socket error: ${error.message}`;
    });
    socket.on('close', () => {
      clearTimeout(this.endTimer);
      this.outbox.release();
      this.state = 'closed';
      this.events.closed(this, this.closeCause);
    });
  }

  get backlog(): number {
    return this.outbox.backlog;
  }

  get open(): boolean {
    return this.state !== 'closing' && this.state !== 'closed';
  }

  /**
   * Stops reading from the peer (its commands back up): TCP's flow control holds the rest, and
   * the frames of the current read not yet handed on are held until reading resumes.
   */
  pauseReading(): void {
    this.paused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.open || !this.paused) return;
    this.paused = false;
    const held = this.held;
    this.held = undefined;
    if (held && !this.handOn(held, 0, Date.now())) return; // paused again, or ended
    this.socket.resume();
  }

  /** The hello was good: on to the login, with the features the client declared. */
  greeted(features: readonly string[]): void {
    this.state = 'login';
    this.reportsSaves = features.includes(FILE_RESULT);
    this.asksConsent = features.includes(FILE_CONSENT);
  }

  renamed(name: string): void {
    this.user = name;
    this.send({ t: 'renamed', name });
  }

  /** Asks the peer for a sign of life (the heartbeat). */
  ping(now: number): void {
    this.pingSent = now;
    this.send({ t: 'ping' });
  }

  /** The login went through: from now on this connection is `user`, running commands. */
  loggedIn(user: string): void {
    this.user = user;
    this.state = 'ready';
  }

  tell(event: Outgoing): void {
    this.outbox.push(encodeOutgoing(event));
  }

  send(message: ServerMessage): void {
    this.outbox.push(encodeJsonFrame(message));
  }

  sendFrame(frame: Buffer, onWritten?: () => void): void {
    this.outbox.push(frame, onWritten);
  }

  /**
   * Ends the connection cleanly: what is queued is sent first, then `bye`. `cause` is what the
   * log says; by default that the server ended it.
   */
  end(reason: LeaveReason, text: string = reason, cause = `ended by server (${text})`): void {
    if (!this.open) return;
    this.endReason = reason;
    this.closeCause = cause;
    this.send({ t: 'bye', reason: text });
    this.closeSoon();
    this.events.ending(this);
  }

  /** Drops the connection at once; `cause` goes to the log. */
  fail(cause: string): void {
    if (this.state === 'closed') return;
    this.closeCause = cause;
    this.state = 'closing';
    this.socket.destroy();
  }

  /** Sends what is queued, then closes; a peer that never closes its side is cut off after a while. */
  private closeSoon(): void {
    this.state = 'closing';
    this.outbox.flush();
    this.socket.end();
    this.endTimer = setTimeout(() => this.socket.destroy(), END_TIMEOUT_MS).unref();
  }

  private receive(data: Buffer): void {
    if (!this.open) return;
    const now = Date.now();
    let frames: Frame[];
    try {
      frames = this.decoder.push(data);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      // Tell the peer why before closing; the rest of its input is not read.
      this.send({ t: 'error', code: error.code, message: error.message });
      this.closeCause = `protocol error: ${error.message}`;
      this.closeSoon();
      return;
    }
    if (frames.length > 0) this.lastSeen = now;
    // What is left over began in this read if a frame completed before it, else it is older.
    if (this.decoder.bufferedBytes === 0) this.partialSince = 0;
    else if (frames.length > 0 || this.partialSince === 0) this.partialSince = now;
    // A bulk turn may have resumed the socket while frames are held: these go behind them.
    if (this.held) {
      this.held.push(...frames);
      this.socket.pause();
      return;
    }
    if (this.handOn(frames, 0, now) && frames.some((f) => f.kind === FrameKind.Chunk)) awaitTurn(this.socket);
  }

  /** Hands frames from `from` on, in order, until reading is paused; false if it stopped early. */
  private handOn(frames: Frame[], from: number, now: number): boolean {
    for (let i = from; i < frames.length; i++) {
      if (!this.open) return false;
      if (this.paused) {
        this.held = frames.slice(i);
        return false;
      }
      const frame = frames[i]!;
      const excess = this.overBudget(frame, now);
      if (excess) {
        this.end('connection lost', 'excess flood', `excess flood: more than ${excess}`);
        return false;
      }
      this.events.frame(this, frame);
    }
    return true;
  }

  /**
   * Every frame, whatever it holds, costs its parsing and answer: it takes a token of the frame
   * budget, and a JSON frame its length in bytes. Says which budget ran out, if one did.
   */
  private overBudget(frame: Frame, now: number): string | undefined {
    if (!this.frames.take(1, now)) return `${this.frames.rate} frames a second (burst ${this.frames.burst})`;
    if (frame.kind === FrameKind.Json && !this.bytes.take(frame.payload.length, now)) {
      return `${this.bytes.rate} bytes of JSON a second (burst ${this.bytes.burst})`;
    }
    return undefined;
  }
}
