import { createHash, randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { AcceptFiles } from '../../client/cli.js';
import { Transfers, type TransferProgress } from '../../client/transfers.js';
import { TestClient } from './client.js';
import { tempDir } from './temp.js';

export const MiB = 1024 * 1024;
/** How long to wait for a transfer event before failing: megabytes move slowly through a loaded machine. */
export const TRANSFER_WAIT_MS = 30_000;
export const LIMIT = 3 * MiB;

export { tempDir };

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Random bytes behind a real signature, so the content check passes. */
export const jpeg = (size: number): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(size - 3)]);
export const pdf = (size: number): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
/** Printable text (no NUL) of exactly `size` bytes. */
export const text = (size: number, seed = 'line'): Buffer => Buffer.from(`${seed} `.repeat(Math.ceil(size / (seed.length + 1)))).subarray(0, size);

/** Writes `data` as `dir/name` and returns the path. */
export async function putFile(dir: string, name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

/** A path as one argument of a command line (quoted, so spaces are safe). */
export const quoted = (path: string): string => `"${path.replace(/[\\"]/g, '\\$&')}"`;

/** Every entry of a folder, hidden ones (temporary `.part` files) included, sorted; none if it was never created. */
export async function listing(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * A logged-in user running the real client library: a TestClient with Transfers on top, saving
 * into its own temporary downloads folder, with every progress event recorded.
 */
export class FileUser {
  readonly progress: TransferProgress[] = [];
  private waiters: { test: (p: TransferProgress) => boolean; resolve: () => void }[] = [];

  private constructor(
    readonly client: TestClient,
    readonly transfers: Transfers,
    readonly downloads: string,
  ) {
    transfers.on('progress', (p) => {
      this.progress.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(p)) return true;
        w.resolve();
        return false;
      });
    });
  }

  /** `acceptFiles`: as the client's --accept-files (`ask`: answer with `transfers.answer`). */
  static async login(t: ExecutionContext, port: number, name: string, acceptFiles: AcceptFiles = 'all'): Promise<FileUser> {
    const client = await TestClient.login(t, port, name, Transfers.features(acceptFiles));
    const downloads = join(await tempDir(t), 'downloads');
    return new FileUser(client, new Transfers(client.connection, downloads, acceptFiles), downloads);
  }

  get name(): string {
    return this.client.name;
  }

  /** Joins a room (with the transfer timeout: a loaded machine is slow to answer). */
  async join(room: string): Promise<void> {
    this.client.send(`/join ${room}`);
    await this.client.waitForNew((e) => e.t === 'joined' && e.user === this.name, `${this.name} to join ${room}`, TRANSFER_WAIT_MS);
  }

  /** `/sendfile "path" to`: resolves once the offer is written (throws FileProblem if refused locally). */
  sendFile(path: string, to: string): Promise<number> {
    return this.transfers.send(`/sendfile ${quoted(path)} ${to}`);
  }

  /** Progress events of one state (and direction). */
  states(state: TransferProgress['state'], direction: TransferProgress['direction'] = 'down'): TransferProgress[] {
    return this.progress.filter((p) => p.state === state && p.direction === direction);
  }

  /** Resolves once `count` progress events (seen or coming) match. */
  waitProgress(test: (p: TransferProgress) => boolean, what: string, count = 1, ms = TRANSFER_WAIT_MS): Promise<TransferProgress[]> {
    const matching = () => this.progress.filter(test);
    if (matching().length >= count) return Promise.resolve(matching().slice(0, count));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name} waited ${ms} ms for ${count} × ${what}; got: ${JSON.stringify(this.progress.slice(-5))}`));
      }, ms);
      const waiter = {
        test: (p: TransferProgress) => test(p) && matching().length >= count,
        resolve: () => {
          clearTimeout(timer);
          resolve(matching().slice(0, count));
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits for `count` received files (done or failed) and returns those that were saved. */
  async received(count: number, ms = TRANSFER_WAIT_MS): Promise<TransferProgress[]> {
    const ended = await this.waitProgress((p) => p.direction === 'down' && (p.state === 'done' || p.state === 'failed'), 'a received file', count, ms);
    return ended.filter((p) => p.state === 'done');
  }
}
