import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { expandHome } from '../home.js';
import { extensionOf } from '../../core/protocol/file-rules.js';
import type { Candidate } from './completion.js';

interface Listing {
  at: number;
  entries: { name: string; directory: boolean }[];
}

/**
 * Local path completion for `file` arguments: the entries of the folder named so far, folders
 * with a trailing `/` (completion goes on inside them), files only of the types the server
 * accepts. Listings are cached for a moment, so repeated Tabs do not re-read a big folder.
 */
export class PathCandidates {
  private readonly cache = new Map<string, Listing>();

  constructor(
    private readonly cwd: string,
    private readonly fileTypes: () => readonly string[],
    private readonly ttlMs = 2000,
    private readonly now: () => number = Date.now,
    private readonly home: string = homedir(),
  ) {}

  async candidates(prefix: string): Promise<Candidate[]> {
    // `~` alone goes on into the home folder; `~/…` lists it and stays written as `~/…`.
    if (prefix === '~') return [{ value: '~/', final: false }];
    const slash = prefix.lastIndexOf('/');
    const folder = prefix.slice(0, slash + 1);
    const base = prefix.slice(slash + 1);
    const entries = await this.list(resolve(this.cwd, expandHome(folder || '.', this.home)));
    const types = this.fileTypes();
    return entries
      .filter((e) => e.name.startsWith(base) && (base.startsWith('.') || !e.name.startsWith('.')))
      .filter((e) => e.directory || types.length === 0 || types.includes(extensionOf(e.name)))
      .map((e) => ({ value: `${folder}${e.name}${e.directory ? '/' : ''}`, display: `${e.name}${e.directory ? '/' : ''}`, final: !e.directory }));
  }

  private async list(folder: string): Promise<Listing['entries']> {
    const cached = this.cache.get(folder);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.entries;
    let dirents: Dirent[];
    try {
      dirents = await readdir(folder, { withFileTypes: true });
    } catch {
      return [];
    }
    const entries = await Promise.all(
      dirents.map(async (d) => ({ name: d.name, directory: d.isDirectory() || (d.isSymbolicLink() && (await isFolder(join(folder, d.name)))) })),
    );
    this.cache.set(folder, { at: this.now(), entries });
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value!);
    return entries;
  }
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
