import { createHash, type Hash } from 'node:crypto';
import { CHUNK_BYTES, type ServerConfig } from '../config.js';
import { requestOf } from '../commands/request.js';
import { UserError } from '../errors.js';
import { encodeChunkHeader } from '../protocol/frame.js';
import { contentProblem, extensionOf, formatBytes, hasNul, safeFileName, sizeProblem, SNIFF_BYTES, textProblem, typeProblem } from '../protocol/file-rules.js';
import type { Outgoing } from '../events/outgoing.js';
import type { FileOffer } from '../protocol/messages.js';
import type { ActionLog, Events, SaveReport, Uploads } from '../tokens.js';
import type { Endpoint, LocalSessions } from './local-sessions.js';
import { SaveReports } from './save-reports.js';
import { SharedSemaphore } from './semaphore.js';

interface Transfer {
  id: number;
  requestId: number;
  sender: string;
  recipient: string;
  name: string;
  size: number;
  sha256: string;
  /** `offered`: waiting for the recipient's answer (file-consent); it holds no permit and no queue place. */
  state: 'offered' | 'queued' | 'active';
  /** The recipient was told of the file (offered it), so is told too if it fails before it starts. */
  told: boolean;
  queuedAt: number;
  startedAt: number;
  /** When an offer is withdrawn unanswered; when a running transfer fails however it is moving (its size at the minimum rate, plus the stall time). */
  deadline: number;
  /** The last time file bytes moved (came from the sender, or were taken by the recipient). */
  lastProgress: number;
  received: number;
  /** Bytes the sender may still send before the recipient has taken what it sent. */
  credit: number;
  hash: Hash;
  /**
   * The first bytes, held back until the content type has been checked. Bounded: every chunk
   * holds at least one byte, so at most SNIFF_BYTES pieces, and they use up the sender's credit.
   */
  head: Buffer[] | null;
  /** The recipient's connection when it is on another node of a network. */
  remote: RemoteRecipient | undefined;
}

/** A recipient on another node of a network. */
export interface RemoteRecipient extends Endpoint {
  /**
   * Sends file-end asking for a save report. Their node sends the report back to this node's
   * uploads (outcome `unknown` at once if their client does not report saves, or they left).
   */
  endFile(transfer: number): void;
  /** Offers the file; their node answers at once (accepting) for a client that does not ask first. */
  offerFile(offer: Extract<Outgoing, { kind: 'file-offer' }>): void;
}

/** What a network of servers adds: transfer ids unique across it, and recipients on other nodes. */
export interface TransferNetwork {
  nextId(): Promise<number>;
  /** Sends to a user on another node; `gone` is called if a frame finds them no longer there. */
  endpoint(user: string, gone: () => void): Promise<RemoteRecipient | undefined>;
  /** A save report from a user here on a transfer that another node runs: sent back to that node. */
  report(recipient: string, report: SaveReport): void;
  /** A user here answers an offer that another node made: sent back to that node. */
  answer(recipient: string, transfer: number, accept: boolean): void;
}

/** Bytes in flight per transfer: the most the server ever holds for one upload. */
export const UPLOAD_WINDOW = 256 * 1024;
const DIGEST = /^[0-9a-f]{64}$/;
// Malformed chunks a connection may send before it is dropped: each already fails its upload.
const MAX_CHUNK_ERRORS = 3;

/**
 * The upload queue and the streaming of files through the server. At most `uploadSlots`
 * transfers run at once, `uploadsPerUser` of them from one sender; later offers wait in FIFO
 * order (passing over senders at their share) without sending a byte. A running
 * transfer is flow-controlled by credit: the sender may have UPLOAD_WINDOW bytes outstanding,
 * and gets credit back only as the recipient's socket takes the bytes, so the server never
 * reads faster from the sender than the recipient drains. The digest is checked at the end.
 */
export class UploadService implements Uploads {
  private readonly slots: SharedSemaphore<Transfer>;
  private readonly transfers = new Map<number, Transfer>();
  private readonly saves: SaveReports;
  /** Malformed chunks per sender, for as long as they are connected. */
  private readonly chunkErrors = new Map<string, number>();
  private nextId = 1;
  private closing = false;
  private onIdle: (() => void) | undefined;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: ServerConfig,
    private readonly log: ActionLog,
    private readonly sessions: LocalSessions,
    private readonly events: Pick<Events, 'emit'>,
    private readonly network?: TransferNetwork,
  ) {
    const shares = { permits: config.uploadSlots, maxWaiting: config.uploadQueue, perOwner: config.uploadsPerUser, perOwnerWaiting: config.queuePerUser };
    this.slots = new SharedSemaphore(shares, (t) => t.sender);
    this.saves = new SaveReports(config.uploadStallMs, log, sessions, () => this.idleCheck());
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  stats(): { active: number; waiting: number } {
    return { active: this.slots.inUse, waiting: this.slots.waiting };
  }

  async offer(command: { readonly user: string }, file: FileOffer, recipient: string): Promise<void> {
    const sender = command.user;
    const requestId = requestOf(command);
    if (requestId === undefined) throw new TypeError("Uploads.offer needs the context of the command that offers the file (the run method's argument)");
    const name = safeFileName(file.name);
    // On a network, a recipient not connected here may be on another node.
    let transfer: Transfer | undefined;
    const elsewhere = this.network && recipient !== sender && !this.sessions.get(recipient);
    const gone = () => transfer && this.fail(transfer, `${recipient} is no longer online`, 'cancelled');
    const remote = elsewhere ? await this.network!.endpoint(recipient, gone) : undefined;
    const problem =
      (this.sessions.get(sender) ? undefined : `${sender} is no longer connected`) ??
      (recipient === sender ? `you cannot send ${name} to yourself` : undefined) ??
      typeProblem(name, this.config.fileTypes) ??
      sizeProblem(name, file.size, this.config.fileMaxBytes) ??
      (DIGEST.test(file.sha256) ? undefined : `${name} was offered without a valid SHA-256 digest`) ??
      (this.sessions.get(recipient) || remote ? undefined : `${recipient} is not online`) ??
      (this.sessions.get(recipient) && !this.sessions.reach(recipient, sender) ? `${recipient} is not taking files from you` : undefined) ??
      (this.closing ? 'the server is shutting down' : undefined);
    if (problem) this.refuse(sender, recipient, name, 'FILE_REFUSED', problem);

    // Ids unique across a network: a recipient may get files from several nodes at once.
    const id = this.network ? await this.network.nextId() : this.nextId++;
    this.nextId = Math.max(this.nextId, id + 1);
    // While the network answered, the sender may have gone (after their clean-up ran) or the server begun to stop.
    const late = !this.network ? undefined : !this.sessions.get(sender) ? `${sender} is no longer connected` : this.closing ? 'the server is shutting down' : undefined;
    if (late) this.refuse(sender, recipient, name, 'FILE_REFUSED', late);
    const now = Date.now();
    transfer = {
      id,
      requestId,
      sender,
      recipient,
      name,
      size: file.size,
      sha256: file.sha256,
      state: 'queued',
      told: false,
      queuedAt: now,
      startedAt: 0,
      deadline: 0,
      lastProgress: now,
      received: 0,
      credit: 0,
      hash: createHash('sha256'),
      head: [],
      remote,
    };
    // A client on another node is always asked through its node, which answers for one that does not ask.
    if (remote || this.sessions.get(recipient)?.asksConsent) this.ask(transfer);
    else {
      const busy = this.admit(transfer);
      if (busy) this.refuse(sender, recipient, name, 'UPLOADS_BUSY', busy);
    }
    this.events.emit('fileOffered', { from: sender, to: recipient, file: name, size: file.size });
  }

  answer(recipient: string, id: number, accept: boolean): void {
    const t = this.transfers.get(id);
    if (!t) return this.network?.answer(recipient, id, accept); // the offer may be another node's
    if (t.state !== 'offered' || t.recipient.toLowerCase() !== recipient.toLowerCase()) return;
    if (!accept) return this.fail(t, `${t.recipient} declined it`, 'declined', false);
    this.log.action('file-accepted', { id: t.id, from: t.sender, to: t.recipient, file: t.name });
    t.state = 'queued';
    t.queuedAt = Date.now();
    const busy = this.admit(t);
    if (busy) this.fail(t, `${t.recipient} accepted ${t.name}, but ${busy}`, 'refused');
  }

  chunk(sender: string, id: number, data: Buffer): void {
    const t = this.transfers.get(id);
    const own = t?.sender === sender ? t : undefined;
    // An empty chunk moves nothing forward; accepted, a sender could repeat it forever at no cost to itself.
    if (data.length === 0) return this.badChunk(sender, own, 'an empty chunk was sent; every chunk carries at least one byte');
    // Chunks still on their way when an upload ended are dropped quietly.
    if (!own) return id > 0 && id < this.nextId ? undefined : this.badChunk(sender, undefined, `there is no upload ${id}`, 'UNKNOWN_TRANSFER');
    if (own.state !== 'active') return this.badChunk(sender, own, 'file bytes were sent before the upload was started');
    // Chunks are relayed as they come, so the protocol's chunk size is enforced here for the recipient.
    if (data.length > CHUNK_BYTES) return this.badChunk(sender, own, `a chunk of ${data.length} bytes was sent; chunks are at most ${CHUNK_BYTES} bytes`);
    if (data.length > own.credit) return this.badChunk(sender, own, 'more bytes were sent than flow control allowed');
    if (own.received + data.length > own.size) return this.badChunk(sender, own, `more bytes were sent than the ${own.size} declared`);
    own.credit -= data.length;
    own.received += data.length;
    own.lastProgress = Date.now();
    own.hash.update(data);
    if (extensionOf(own.name) === '.txt' && hasNul(data)) return this.fail(own, textProblem(own.name), 'refused');
    if (!own.head) return this.forward(own, data);
    own.head.push(data);
    if (own.received >= SNIFF_BYTES) this.releaseHead(own);
  }

  end(sender: string, id: number): void {
    const t = this.transfers.get(id);
    if (!t || t.sender !== sender) return this.stray(sender, id);
    if (t.state !== 'active') return this.fail(t, 'the upload ended before it was started', 'refused');
    if (t.received !== t.size) return this.fail(t, `the upload ended after ${t.received} of ${t.size} bytes`, 'refused');
    if (t.head && !this.releaseHead(t)) return;
    if (t.hash.digest('hex') !== t.sha256) {
      return this.fail(t, `checksum mismatch: ${t.name} was corrupted on the way`, 'refused');
    }
    this.log.action('file-delivered', { id: t.id, from: t.sender, to: t.recipient, file: t.name, bytes: t.size, ms: Date.now() - t.startedAt });
    this.events.emit('fileDelivered', { from: t.sender, to: t.recipient, file: t.name, size: t.size });
    // Delivered is not saved: the sender is told once the recipient's client says which.
    const recipient = this.sessions.get(t.recipient);
    if (t.remote) t.remote.endFile(t.id);
    else recipient?.tell({ kind: 'file-end', transfer: t.id, report: recipient.reportsSaves === true });
    const asked = t.remote !== undefined || recipient?.reportsSaves === true;
    this.saves.delivered(t, asked, recipient ? `${t.recipient}'s client does not report saves` : `${t.recipient} disconnected`);
    this.finish(t);
  }

  saved(recipient: string, report: SaveReport): void {
    // On a network, the transfer may be run by the sender's node.
    if (!this.saves.report(recipient, report)) this.network?.report(recipient, report);
  }

  cancel(sender: string, id: number, reason: string): void {
    const t = this.transfers.get(id);
    if (t && t.sender === sender) this.fail(t, `${sender} cancelled the upload${reason ? ` (${reason.slice(0, 200)})` : ''}`, 'cancelled');
  }

  busy(user: string): boolean {
    for (const t of this.transfers.values()) if (t.sender === user || t.recipient === user) return true;
    return false;
  }

  userGone(user: string): void {
    this.chunkErrors.delete(user);
    this.saves.userGone(user);
    for (const t of [...this.transfers.values()]) {
      if (t.sender === user) this.fail(t, `${user} disconnected`, 'cancelled');
      else if (t.recipient === user) this.fail(t, `${user} disconnected`, 'cancelled');
    }
  }

  async drain(graceMs: number): Promise<void> {
    this.closing = true;
    for (const t of this.slots.drainQueue()) this.fail(t, 'the server is shutting down', 'cancelled');
    for (const t of [...this.transfers.values()]) if (t.state === 'offered') this.fail(t, 'the server is shutting down', 'cancelled');
    if (this.slots.inUse > 0 || this.saves.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const t of [...this.transfers.values()]) this.fail(t, 'the server shut down before the transfer finished', 'cancelled');
    this.saves.drain();
    clearInterval(this.sweeper);
  }

  /** Offers the file to its recipient, who has offerTimeoutMs to answer; refused past either side's share of offers. */
  private ask(t: Transfer): void {
    const { offersPerUser, offerTimeoutMs } = this.config;
    let toRecipient = 0;
    let fromSender = 0;
    for (const other of this.transfers.values()) {
      if (other.state !== 'offered') continue;
      if (other.recipient === t.recipient) toRecipient++;
      if (other.sender === t.sender) fromSender++;
    }
    if (toRecipient >= offersPerUser) this.refuse(t.sender, t.recipient, t.name, 'UPLOADS_BUSY', `${t.recipient} already has ${offersPerUser} files waiting for an answer; try again later`);
    if (fromSender >= offersPerUser) this.refuse(t.sender, t.recipient, t.name, 'UPLOADS_BUSY', `you already have ${offersPerUser} files waiting for an answer; send more once they are answered`);
    t.state = 'offered';
    t.told = true;
    t.deadline = Date.now() + offerTimeoutMs;
    this.transfers.set(t.id, t);
    const offer = { kind: 'file-offer', transfer: t.id, from: t.sender, name: t.name, size: t.size, expiresMs: offerTimeoutMs } as const;
    if (t.remote) t.remote.offerFile(offer);
    else this.sessions.get(t.recipient)?.tell(offer);
    this.sessions.get(t.sender)?.tell({ kind: 'upload-offered', request: t.requestId, transfer: t.id, file: t.name, to: t.recipient, expiresMs: offerTimeoutMs });
    this.log.action('file-offered', { id: t.id, from: t.sender, to: t.recipient, file: t.name, size: t.size });
  }

  /** Starts the transfer or queues it (FIFO); why not, when the queue has no place for it. */
  private admit(t: Transfer): string | undefined {
    if (this.slots.tryAcquire(t)) {
      this.transfers.set(t.id, t);
      this.start(t);
      return undefined;
    }
    const position = this.slots.enqueue(t);
    if (position === 'full') return `the upload queue is full (${this.config.uploadQueue} waiting); try again later`;
    if (position === 'share') return `you already have ${this.config.queuePerUser} uploads waiting; send more once they have started`;
    this.transfers.set(t.id, t);
    this.sessions.get(t.sender)?.tell({ kind: 'upload-queued', request: t.requestId, transfer: t.id, file: t.name, position });
    this.log.action('file-queued', { id: t.id, from: t.sender, to: t.recipient, file: t.name, size: t.size, position });
    return undefined;
  }

  private start(t: Transfer): void {
    const now = Date.now();
    t.state = 'active';
    t.startedAt = t.lastProgress = now;
    t.deadline = now + this.config.uploadStallMs + Math.ceil((t.size * 1000) / this.config.uploadMinRate);
    t.credit = UPLOAD_WINDOW;
    const waitedMs = now - t.queuedAt;
    this.recipientOf(t)?.tell({ kind: 'file-start', transfer: t.id, from: t.sender, name: t.name, size: t.size, sha256: t.sha256 });
    this.sessions.get(t.sender)?.tell({ kind: 'upload-go', request: t.requestId, transfer: t.id, file: t.name, waitedMs, window: UPLOAD_WINDOW });
    this.log.action('file-started', { id: t.id, from: t.sender, to: t.recipient, file: t.name, size: t.size, waited_ms: waitedMs });
  }

  /** Checks the held-back first bytes against the file type; forwards them if they pass. */
  private releaseHead(t: Transfer): boolean {
    const head = Buffer.concat(t.head!);
    t.head = null;
    const problem = contentProblem(t.name, head);
    if (problem) {
      this.fail(t, problem, 'refused');
      return false;
    }
    if (head.length > 0) this.forward(t, head);
    return true;
  }

  private forward(t: Transfer, data: Buffer): void {
    const recipient = this.recipientOf(t);
    if (!recipient) return this.fail(t, `${t.recipient} is no longer online`, 'cancelled');
    const credited = () => {
      if (this.transfers.get(t.id) !== t) return;
      t.credit += data.length;
      t.lastProgress = Date.now();
      this.sessions.get(t.sender)?.tell({ kind: 'upload-credit', transfer: t.id, bytes: data.length });
    };
    // To another node the chunk goes as one message: other nodes' messages could come between two.
    if (t.remote) return t.remote.sendFrame(Buffer.concat([encodeChunkHeader(t.id, data.length), data]), credited);
    recipient.sendFrame(encodeChunkHeader(t.id, data.length));
    recipient.sendFrame(data, credited);
  }

  private recipientOf(t: Transfer): Endpoint | undefined {
    return t.remote ?? this.sessions.get(t.recipient);
  }

  /** Bytes for a transfer that is not (or no longer) this sender's: late ones are dropped quietly. */
  private stray(sender: string, id: number): void {
    if (id > 0 && id < this.nextId) return;
    this.sessions.get(sender)?.tell({ kind: 'refusal', code: 'UNKNOWN_TRANSFER', message: `there is no upload ${id}` });
  }

  /**
   * A chunk no client sends: it fails the sender's upload it names (or is answered with an
   * error), and a connection that keeps sending such chunks is dropped.
   */
  private badChunk(sender: string, t: Transfer | undefined, reason: string, code = 'BAD_CHUNK'): void {
    if (t) this.fail(t, reason, 'refused');
    else this.sessions.get(sender)?.tell({ kind: 'refusal', code, message: reason });
    const errors = (this.chunkErrors.get(sender) ?? 0) + 1;
    this.chunkErrors.set(sender, errors);
    if (errors >= MAX_CHUNK_ERRORS) {
      this.sessions.get(sender)?.end('quit', `dropped after ${errors} malformed file chunks`, `protocol error: ${errors} malformed file chunks (last: ${reason})`);
    }
  }

  private refuse(sender: string, recipient: string, name: string, code: string, reason: string): never {
    this.log.action('file-refused', { from: sender, to: recipient, file: name, reason });
    throw new UserError(code, reason);
  }

  private fail(t: Transfer, reason: string, kind: 'refused' | 'cancelled' | 'declined' | 'expired', tellRecipient = t.state === 'active' || t.told): void {
    if (this.transfers.get(t.id) !== t) return;
    this.sessions.get(t.sender)?.tell({ kind: 'upload-failed', transfer: t.id, file: t.name, reason });
    if (tellRecipient) this.recipientOf(t)?.tell({ kind: 'file-abort', transfer: t.id, reason });
    this.log.action(`file-${kind}`, { id: t.id, from: t.sender, to: t.recipient, file: t.name, reason });
    this.finish(t);
  }

  private finish(t: Transfer): void {
    this.transfers.delete(t.id);
    if (t.state !== 'active') {
      if (t.state === 'queued') this.slots.remove(t);
      return;
    }
    for (const next of this.slots.release(t)) this.start(next);
    this.idleCheck();
  }

  private expire(t: Transfer): void {
    const within = `within ${Number((this.config.offerTimeoutMs / 1000).toFixed(1))} s`;
    this.recipientOf(t)?.tell({ kind: 'file-abort', transfer: t.id, reason: `you did not answer ${within}` });
    this.fail(t, `${t.recipient} did not answer ${within}`, 'expired', false);
  }

  private idleCheck(): void {
    if (this.slots.inUse === 0 && this.saves.size === 0) this.onIdle?.();
  }

  private sweep(): void {
    const now = Date.now();
    const { uploadStallMs, uploadMinRate } = this.config;
    this.saves.sweep(now);
    for (const t of [...this.transfers.values()]) {
      if (t.state === 'offered' && now > t.deadline) this.expire(t);
      if (t.state !== 'active') continue;
      const stuck = t.credit === 0 ? `${t.recipient} is not receiving` : undefined;
      if (now - t.lastProgress > uploadStallMs) {
        this.fail(t, `no progress for ${uploadStallMs / 1000} s (${stuck ?? `${t.sender} stopped sending`})`, 'cancelled');
      } else if (now > t.deadline) {
        const slow = `${stuck ?? `${t.sender} is not sending`} fast enough`;
        const allowed = `${Math.round((t.deadline - t.startedAt) / 1000)} s allowed (at least ${formatBytes(uploadMinRate)}/s, plus ${uploadStallMs / 1000} s)`;
        this.fail(t, `${t.name} was too slow: ${formatBytes(t.received)} of ${formatBytes(t.size)} arrived in the ${allowed}; ${slow}`, 'cancelled');
      }
    }
  }
}
