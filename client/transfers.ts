import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { classifyLine, CommandLineError, parseCommandArgs } from '../core/protocol/command-line.js';
import { contentProblem, hasNul, extensionOf, sizeProblem, SNIFF_BYTES, textProblem, typeProblem } from '../core/protocol/file-rules.js';
import { FILE_CONSENT, FILE_RESULT, type FileOffer, type SaveProblem, type ServerMessage } from '../core/protocol/messages.js';
import type { AcceptFiles } from './cli.js';
import type { ChatConnection } from './connection.js';
import { CONSENT_COMMANDS, consentLine } from './consent.js';
import { Download, saveProblem } from './downloads.js';
import { expandHome } from './home.js';

/** What the user sees of a transfer, in both directions. */
export interface TransferProgress {
  direction: 'up' | 'down';
  /** The server's transfer id (0 while an upload waits for the server's answer). */
  transfer: number;
  name: string;
  /** The other party. */
  peer: string;
  bytes: number;
  total: number;
  /** `offered`: waiting for an answer (ours, or the recipient's); `accepted`, `declined`: the answer. */
  state: 'offered' | 'accepted' | 'declined' | 'queued' | 'started' | 'progress' | 'done' | 'failed';
  position?: number;
  /** Where a received file was saved. */
  path?: string;
  reason?: string;
}

/** A local file that cannot be sent, found before any byte left this machine. */
export class FileProblem extends Error {}

interface Upload {
  path: string;
  name: string;
  size: number;
  peer: string;
  transfer: number;
  credit: number;
  sent: number;
  wake: (() => void) | undefined;
  stopped: boolean;
  /** Offered to a recipient who asks first, and not answered yet. */
  offered: boolean;
}

/** A file someone wants to send us, waiting for /accept or /decline. */
export interface PendingOffer {
  transfer: number;
  from: string;
  name: string;
  size: number;
}

/** Offers kept waiting at once; past this they are declined (each node bounds its own, several nodes could add up). */
const MAX_PENDING = 50;

interface Incoming {
  download: Download;
  from: string;
}

/**
 * File transfer for a connection, driven by argument kinds only: any command whose manifest
 * declares a `file` argument gets that local file read, checked and offered, then streamed
 * when the server says go, within the credit the server grants. Received files are saved
 * into the downloads folder. Emits `progress` for every step.
 */
export class Transfers extends EventEmitter<{ progress: [TransferProgress] }> {
  /**
   * What a connection that gets Transfers declares: it answers each file-end that asks with
   * whether the file was saved, and unless it takes every file, it is offered each one first.
   */
  static features(policy: AcceptFiles): string[] {
    return policy === 'all' ? [FILE_RESULT] : [FILE_RESULT, FILE_CONSENT];
  }

  private readonly offers = new Map<number, PendingOffer>();
  /** Offers we accepted whose file has not started: only those may be written. */
  private readonly accepted = new Map<number, PendingOffer>();
  private readonly awaiting = new Map<number, Upload>();
  private readonly uploads = new Map<number, Upload>();
  private readonly downloads = new Map<number, Incoming>();
  /** Downloads that failed before their file-end, and why: the sender is told at the file-end. */
  private readonly unsaved = new Map<number, SaveProblem>();
  /** Downloads wholly received and being verified and saved; the connection closing cannot stop them. */
  private completing = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly connection: ChatConnection,
    private readonly folder: string,
    private readonly policy: AcceptFiles = 'all',
  ) {
    super();
    connection.on('event', (event) => this.onEvent(event));
    connection.on('chunk', (transfer, data) => this.onChunk(transfer, data));
    connection.on('close', () => this.onClose());
  }

  get busy(): boolean {
    return this.awaiting.size + this.uploads.size + this.downloads.size + this.completing > 0;
  }

  /** Resolves once no upload or download is pending. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Sends a command line (with the values of its secret arguments); for `file` arguments reads
   * and checks the local file first. Throws FileProblem (nothing sent) when a file cannot be
   * sent. Returns the request id.
   */
  async send(line: string, secrets?: Record<string, string>): Promise<number> {
    const kind = classifyLine(line);
    const command = kind.kind === 'command' ? kind : undefined;
    const manifest = command && this.connection.command(command.name);
    const fileArgs = manifest?.args.filter((a) => a.kind === 'file') ?? [];
    if (!manifest || fileArgs.length === 0) return this.connection.send(line, undefined, secrets);
    let raw;
    try {
      raw = parseCommandArgs(manifest, command!.rest);
    } catch (error) {
      if (error instanceof CommandLineError) return this.connection.send(line, undefined, secrets); // the server explains the usage
      throw error;
    }
    const peer = manifest.args.find((a) => a.kind === 'user');
    const offers: FileOffer[] = [];
    const uploads: Upload[] = [];
    for (const spec of fileArgs) {
      const typed = raw[spec.name];
      if (typed === undefined) continue;
      const path = expandHome(typed);
      const offer = await this.inspect(path);
      offers.push({ arg: spec.name, ...offer });
      uploads.push({ path, name: offer.name, size: offer.size, peer: (peer && raw[peer.name]) ?? '', transfer: 0, credit: 0, sent: 0, wake: undefined, stopped: false, offered: false });
    }
    const id = this.connection.send(line, offers, secrets);
    // One upload per command line: the server answers with the request id.
    if (uploads[0]) this.awaiting.set(id, uploads[0]);
    return id;
  }

  /** Checks a local file the way the server will, and computes its digest. */
  private async inspect(path: string): Promise<Omit<FileOffer, 'arg'>> {
    const name = basename(path);
    const { fileTypes, fileMaxBytes } = this.connection.welcome.limits;
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new FileProblem(code === 'ENOENT' ? `${path} does not exist` : `cannot read ${path}: ${(error as Error).message}`);
    }
    if (!info.isFile()) throw new FileProblem(`${path} is not a regular file`);
    const problem = typeProblem(name, fileTypes) ?? sizeProblem(name, info.size, fileMaxBytes);
    if (problem) throw new FileProblem(problem);
    const hash = createHash('sha256');
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw new FileProblem(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
    }
    try {
      const head: Buffer[] = [];
      let size = 0;
      for await (const chunk of handle.createReadStream({ autoClose: false })) {
        const data = chunk as Buffer;
        if (size < SNIFF_BYTES) head.push(data);
        if (extensionOf(name) === '.txt' && hasNul(data)) throw new FileProblem(textProblem(name));
        size += data.length;
        hash.update(data);
      }
      const content = contentProblem(name, Buffer.concat(head));
      if (content) throw new FileProblem(content);
      const grown = sizeProblem(name, size, fileMaxBytes);
      if (grown) throw new FileProblem(grown);
      return { name, size, sha256: hash.digest('hex') };
    } finally {
      await handle.close();
    }
  }

  private onEvent(event: ServerMessage): void {
    switch (event.t) {
      case 'error':
        if (event.re !== undefined && this.awaiting.delete(event.re)) this.settle();
        return;
      case 'upload-offered': {
        const upload = this.awaiting.get(event.re);
        if (!upload) return;
        this.awaiting.delete(event.re);
        upload.transfer = event.transfer;
        upload.offered = true;
        this.uploads.set(event.transfer, upload);
        this.report(upload, 'offered');
        return;
      }
      case 'upload-queued': {
        const upload = this.awaiting.get(event.re) ?? this.uploads.get(event.transfer);
        if (!upload) return;
        this.awaiting.delete(event.re);
        upload.transfer = event.transfer;
        this.uploads.set(event.transfer, upload);
        this.wasAccepted(upload);
        this.report(upload, 'queued', { position: event.position });
        return;
      }
      case 'upload-go':
        return this.start(event);
      case 'upload-credit': {
        const upload = this.uploads.get(event.transfer);
        if (!upload) return;
        upload.credit += event.bytes;
        upload.wake?.();
        return;
      }
      case 'upload-done':
      case 'upload-failed': {
        const upload = this.uploads.get(event.transfer);
        if (!upload) return;
        upload.stopped = true;
        upload.wake?.();
        this.uploads.delete(event.transfer);
        this.report(upload, event.t === 'upload-done' ? 'done' : 'failed', event.t === 'upload-failed' ? { reason: event.reason } : {});
        this.settle();
        return;
      }
      case 'file-offer':
        return this.offered(event);
      case 'file-start':
        return this.receive(event);
      case 'file-end':
        return void this.finishDownload(event.transfer, event.report === true);
      case 'file-abort':
        if (this.withdrawn(event.transfer, event.reason)) return;
        this.unsaved.delete(event.transfer);
        return void this.abortDownload(event.transfer, event.reason);
    }
  }

  /** Called for upload-go, which carries the window: start streaming. */
  private start(event: Extract<ServerMessage, { t: 'upload-go' }>): void {
    const upload = this.awaiting.get(event.re) ?? this.uploads.get(event.transfer);
    if (!upload) return;
    this.awaiting.delete(event.re);
    upload.transfer = event.transfer;
    upload.credit = event.window;
    this.uploads.set(event.transfer, upload);
    this.wasAccepted(upload);
    this.report(upload, 'started');
    void this.stream(upload).catch((error: Error) => {
      this.connection.write({ t: 'upload-cancel', transfer: upload.transfer, reason: error.message });
    });
  }

  private async stream(upload: Upload): Promise<void> {
    const chunkBytes = this.connection.welcome.limits.chunkBytes;
    const handle = await open(upload.path, 'r');
    try {
      while (upload.sent < upload.size && !upload.stopped && !this.connection.closed) {
        if (upload.credit <= 0) {
          await new Promise<void>((resolve) => (upload.wake = resolve));
          upload.wake = undefined;
          continue;
        }
        const want = Math.min(chunkBytes, upload.credit, upload.size - upload.sent);
        const buffer = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(buffer, 0, want, upload.sent);
        if (bytesRead === 0) throw new Error(`${upload.name} became shorter while it was being sent`);
        upload.credit -= bytesRead;
        upload.sent += bytesRead;
        await this.connection.sendChunk(upload.transfer, buffer.subarray(0, bytesRead));
        this.report(upload, 'progress');
      }
      if (!upload.stopped) this.connection.write({ t: 'upload-end', transfer: upload.transfer });
    } finally {
      await handle.close();
    }
  }

  /** The recipient's answer shows in what the server says next: the upload is queued or starts. */
  private wasAccepted(upload: Upload): void {
    if (!upload.offered) return;
    upload.offered = false;
    this.report(upload, 'accepted');
  }

  /** Runs the client's own /accept or /decline; false for any other line. Throws FileProblem when it cannot. */
  answerLine(line: string): boolean {
    let consent;
    try {
      consent = consentLine(line);
    } catch (error) {
      if (!(error instanceof CommandLineError)) throw error;
      throw new FileProblem(`${error.message}; usage: ${CONSENT_COMMANDS.find((c) => line.toLowerCase().startsWith(`/${c.name}`))?.usage}`);
    }
    if (!consent) return false;
    this.answer(consent.which, consent.accept);
    return true;
  }

  /** Files waiting for our answer, oldest first. */
  pending(): PendingOffer[] {
    return [...this.offers.values()];
  }

  /**
   * Answers offers: `which` is empty (the only one waiting), `all`, a file's name or a sender's
   * (all of theirs). Throws FileProblem, answering none, when nothing or more than one file matches.
   */
  answer(which: string, accept: boolean): void {
    const verb = accept ? 'accept' : 'decline';
    const waiting = this.pending();
    if (waiting.length === 0) throw new FileProblem('no file is waiting for an answer');
    const key = which.trim().toLowerCase();
    let chosen = waiting;
    if (key === '' && waiting.length > 1) {
      throw new FileProblem(`${waiting.length} files are waiting: ${listed(waiting)}; say which (/${verb} FILE, /${verb} USER or /${verb} all)`);
    }
    if (key !== '' && key !== 'all') {
      const byName = waiting.filter((o) => o.name.toLowerCase() === key);
      if (byName.length > 1) throw new FileProblem(`${byName.length} files called ${byName[0]!.name} are waiting, from ${byName.map((o) => o.from).join(', ')}; say whose (/${verb} USER)`);
      chosen = byName.length === 1 ? byName : waiting.filter((o) => o.from.toLowerCase() === key);
      if (chosen.length === 0) throw new FileProblem(`no file called ${which.trim()}, or from ${which.trim()}, is waiting; waiting: ${listed(waiting)}`);
    }
    for (const offer of chosen) this.decide(offer, accept);
  }

  private offered(event: Extract<ServerMessage, { t: 'file-offer' }>): void {
    const offer: PendingOffer = { transfer: event.transfer, from: event.from, name: event.name, size: event.size };
    if (this.policy === 'all') return this.decide(offer, true);
    if (this.policy === 'none') return this.decide(offer, false, 'files are refused (--accept-files none)');
    if (this.offers.size >= MAX_PENDING) return this.decide(offer, false, `${MAX_PENDING} files are already waiting for an answer`);
    this.offers.set(offer.transfer, offer);
    this.emit('progress', { direction: 'down', transfer: offer.transfer, name: offer.name, peer: offer.from, bytes: 0, total: offer.size, state: 'offered' });
  }

  private decide(offer: PendingOffer, accept: boolean, reason?: string): void {
    this.offers.delete(offer.transfer);
    if (accept) {
      // A server that never starts what it offered must not make this grow.
      if (this.accepted.size >= MAX_PENDING) this.accepted.delete(this.accepted.keys().next().value!);
      this.accepted.set(offer.transfer, offer);
    }
    this.connection.write({ t: 'file-answer', transfer: offer.transfer, accept });
    const state = accept ? 'accepted' : 'declined';
    this.emit('progress', { direction: 'down', transfer: offer.transfer, name: offer.name, peer: offer.from, bytes: 0, total: offer.size, state, ...(reason ? { reason } : {}) });
  }

  /** An offer taken back before its file started (by its sender, the server, or for lack of an answer). */
  private withdrawn(transfer: number, reason: string): boolean {
    const offer = this.offers.get(transfer) ?? this.accepted.get(transfer);
    if (!offer) return false;
    this.offers.delete(transfer);
    this.accepted.delete(transfer);
    this.emit('progress', { direction: 'down', transfer, name: offer.name, peer: offer.from, bytes: 0, total: offer.size, state: 'failed', reason });
    return true;
  }

  /** Synchronous, so that chunks arriving right behind file-start find their download. */
  private receive(event: Extract<ServerMessage, { t: 'file-start' }>): void {
    // Asked first, we write only what we accepted: a server that starts another file gets it refused.
    if (this.policy !== 'all' && !this.accepted.delete(event.transfer)) {
      this.failedEarly(event.transfer, 'other');
      return;
    }
    let download;
    try {
      download = new Download(this.folder, event.name, event.size, event.sha256);
    } catch (error) {
      this.failedEarly(event.transfer, saveProblem(error));
      const reason = `cannot save into ${this.folder}: ${(error as Error).message}`;
      this.emit('progress', { direction: 'down', transfer: event.transfer, name: event.name, peer: event.from, bytes: 0, total: event.size, state: 'failed', reason });
      return;
    }
    this.downloads.set(event.transfer, { download, from: event.from });
    this.emit('progress', { direction: 'down', transfer: event.transfer, name: download.name, peer: event.from, bytes: 0, total: event.size, state: 'started' });
  }

  private onChunk(transfer: number, data: Buffer): void {
    const incoming = this.downloads.get(transfer);
    if (!incoming) return;
    const problem = incoming.download.write(data);
    if (problem) {
      this.failedEarly(transfer, 'corrupt');
      void this.abortDownload(transfer, problem);
      return;
    }
    const { download } = incoming;
    this.emit('progress', { direction: 'down', transfer, name: download.name, peer: incoming.from, bytes: download.received, total: download.size, state: 'progress' });
  }

  /** Remembers, for its file-end, a download that failed early (a few at most: the server ends or aborts each). */
  private failedEarly(transfer: number, problem: SaveProblem): void {
    if (this.unsaved.size >= 64) this.unsaved.delete(this.unsaved.keys().next().value!);
    this.unsaved.set(transfer, problem);
  }

  private async finishDownload(transfer: number, report: boolean): Promise<void> {
    const incoming = this.downloads.get(transfer);
    if (!incoming) {
      const problem = this.unsaved.get(transfer);
      this.unsaved.delete(transfer);
      if (report) this.connection.write({ t: 'file-result', transfer, saved: false, problem: problem ?? 'other' });
      return;
    }
    // Every byte is here: the server may close the connection next (shutdown, /exit), which must not abort the save.
    this.downloads.delete(transfer);
    this.completing++;
    const { download, from } = incoming;
    const base = { direction: 'down' as const, transfer, name: download.name, peer: from, bytes: download.received, total: download.size };
    try {
      const path = await download.complete();
      if (report) this.connection.write({ t: 'file-result', transfer, saved: true });
      this.emit('progress', { ...base, state: 'done', path });
    } catch (error) {
      if (report) this.connection.write({ t: 'file-result', transfer, saved: false, problem: saveProblem(error) });
      this.emit('progress', { ...base, state: 'failed', reason: (error as Error).message });
    }
    this.completing--;
    this.settle();
  }

  private async abortDownload(transfer: number, reason: string): Promise<void> {
    const incoming = this.downloads.get(transfer);
    if (!incoming) return;
    this.downloads.delete(transfer);
    await incoming.download.abort();
    const { download, from } = incoming;
    this.emit('progress', { direction: 'down', transfer, name: download.name, peer: from, bytes: download.received, total: download.size, state: 'failed', reason });
    this.settle();
  }

  private onClose(): void {
    this.offers.clear();
    this.accepted.clear();
    for (const transfer of [...this.downloads.keys()]) void this.abortDownload(transfer, 'the connection closed');
    for (const upload of this.uploads.values()) {
      upload.stopped = true;
      upload.wake?.();
      this.report(upload, 'failed', { reason: 'the connection closed' });
    }
    this.uploads.clear();
    this.awaiting.clear();
    this.settle();
  }

  private report(upload: Upload, state: TransferProgress['state'], extra: Partial<TransferProgress> = {}): void {
    this.emit('progress', { direction: 'up', transfer: upload.transfer, name: upload.name, peer: upload.peer, bytes: upload.sent, total: upload.size, state, ...extra });
  }

  private settle(): void {
    if (this.busy) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function listed(offers: readonly PendingOffer[]): string {
  return offers.map((o) => `${o.name} from ${o.from}`).join(', ');
}
