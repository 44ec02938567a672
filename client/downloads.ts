import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { link, open, readdir, rename, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { safeFileName } from '../core/protocol/file-rules.js';
import type { SaveProblem } from '../core/protocol/messages.js';

/** The received bytes are not what was sent. */
export class CorruptFile extends Error {}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENOENT', 'ELOOP', 'ENAMETOOLONG']);
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Why a file could not be saved, in the words the sender is told (no local path leaves this machine). */
export function saveProblem(error: unknown): SaveProblem {
  if (error instanceof CorruptFile) return 'corrupt';
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return UNWRITABLE.has(code) ? 'unwritable' : FULL.has(code) ? 'disk-full' : 'other';
}

/**
 * One file being received: written to a hidden temporary file in the downloads folder and
 * only given its real name once complete and verified, so a partial file is never visible.
 */
export class Download {
  readonly name: string;
  received = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly temp: string;
  private readonly out: WriteStream;
  private failed: Error | undefined;
  private readonly swept: Promise<void>;

  constructor(
    private readonly folder: string,
    offeredName: string,
    readonly size: number,
    private readonly sha256: string,
  ) {
    this.name = safeFileName(offeredName);
    // The pid in the name lets a later client tell a crashed client's leftovers from live ones.
    this.temp = join(folder, `.${this.name}.${process.pid}-${randomBytes(6).toString('hex')}.part`);
    mkdirSync(folder, { recursive: true });
    this.swept = sweepOnce(folder);
    this.out = createWriteStream(this.temp, { flags: 'wx' });
    this.out.on('error', (error) => {
      this.failed = error;
    });
  }

  /** Returns a problem when the sender sends more than it announced. */
  write(data: Buffer): string | undefined {
    this.received += data.length;
    if (this.received > this.size) return `received more than the ${this.size} bytes announced`;
    this.hash.update(data);
    this.out.write(data);
    return undefined;
  }

  /** Verifies and publishes the file; returns its final path. Throws with the reason otherwise. */
  async complete(): Promise<string> {
    await this.swept;
    await new Promise<void>((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    try {
      if (this.failed) throw Object.assign(new Error(`could not write the file: ${this.failed.message}`), { code: (this.failed as NodeJS.ErrnoException).code });
      if (this.received !== this.size) throw new CorruptFile(`received ${this.received} of ${this.size} bytes`);
      if (this.hash.digest('hex') !== this.sha256) throw new CorruptFile('checksum mismatch: the file was corrupted on the way');
      return await publish(this.temp, this.folder, this.name);
    } finally {
      await unlink(this.temp).catch(() => {});
    }
  }

  async abort(): Promise<void> {
    // Unlink after the close: a stream still opening would otherwise create the file afterwards.
    const closed = this.out.closed ? Promise.resolve() : once(this.out, 'close');
    this.out.destroy();
    await closed.catch(() => {});
    await unlink(this.temp).catch(() => {});
  }
}

const sweeps = new Map<string, Promise<void>>();

/** Once per folder and process: removes temporary files left by clients that died mid-download. */
function sweepOnce(folder: string): Promise<void> {
  let sweep = sweeps.get(folder);
  if (!sweep) sweeps.set(folder, (sweep = removeOrphanParts(folder).catch(() => {})));
  return sweep;
}

async function removeOrphanParts(folder: string): Promise<void> {
  for (const entry of await readdir(folder)) {
    const pid = /^\..+\.(\d+)-[0-9a-f]{12}\.part$/.exec(entry)?.[1];
    if (pid && !alive(Number(pid))) await unlink(join(folder, entry)).catch(() => {});
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** `report.pdf`, then `report (1).pdf`, `report (2).pdf`: the first name that is free. */
function candidate(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`;
}

/**
 * Gives the temporary file its final name without ever replacing an existing file: a hard link
 * fails if the name is taken. Where hard links are not supported, reserve the name with an
 * exclusive create and rename over the (empty) reservation.
 */
async function publish(temp: string, folder: string, name: string): Promise<string> {
  for (let n = 0; n < 10_000; n++) {
    const path = join(folder, candidate(name, n));
    try {
      await link(temp, path);
      return path;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
      try {
        await (await open(path, 'wx')).close();
      } catch (reserveError) {
        if ((reserveError as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw reserveError;
      }
      await rename(temp, path);
      return path;
    }
  }
  throw new Error(`no free name for ${name} in ${folder}`);
}
