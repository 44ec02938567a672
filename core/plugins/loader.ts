import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StartupError } from '../errors.js';
import type { CommandMeta } from '../commands/decorator.js';
import { EVENT_NAMES, HOOK_NAMES } from '../events/events.js';
import type { GuardMeta } from '../guards/guard.js';
import type { HookMeta, ListenerMeta } from '../pieces/listener.js';
import { pieceOf, type PieceKind } from '../pieces/piece.js';
import { resolveSettings, type SettingDecls } from '../pieces/settings.js';
import type { ServiceMeta } from '../pieces/service.js';

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
// Keys that look like integers would be reordered by JavaScript, so a name starts with a letter.
const ARG_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,31}$/;
const KINDS = new Set(['word', 'user', 'room', 'text', 'file', 'secret']);

/** Plugin files: compiled JavaScript, not declarations, maps, tests or `_helpers`. */
function isPluginFile(name: string): boolean {
  if (name.startsWith('_') || name.startsWith('.')) return false;
  if (name.endsWith('.d.ts') || name.includes('.test.')) return false;
  return name.endsWith('.js') || name.endsWith('.mjs');
}

/**
 * `file:line:column` of a syntax error. Node 20 gives an ES module's syntax error no location,
 * but `node --check` prints one; this runs only when a start-up is failing anyway.
 */
function syntaxErrorAt(file: string, shown: string): string {
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  const [where, , caret] = (check.stderr ?? '').split('\n');
  const line = /:(\d+)$/.exec(where ?? '')?.[1];
  if (!line) return shown;
  const column = caret?.includes('^') ? `:${caret.indexOf('^') + 1}` : '';
  return `${shown}:${line}${column}`;
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new StartupError(`cannot read plugin folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) files.push(...(await walk(path)));
    else if (entry.isFile() && isPluginFile(entry.name)) files.push(path);
  }
  return files;
}

function validate(meta: CommandMeta, file: string): void {
  const fail = (why: string) => {
    throw new StartupError(`plugin ${file}: ${why}`);
  };
  if (!NAME.test(meta.name)) fail(`command name '${meta.name}' must be lower-case letters, digits or '-', starting with a letter`);
  meta.aliases.forEach((alias, i) => {
    if (!NAME.test(alias)) fail(`alias '${alias}' of /${meta.name} is not a valid command name`);
    if (alias === meta.name) fail(`alias '${alias}' of /${meta.name} is the command's own name; remove it from aliases`);
    if (meta.aliases.indexOf(alias) !== i) fail(`alias '${alias}' of /${meta.name} is listed twice`);
  });
  if (typeof meta.summary !== 'string' || meta.summary.length === 0) fail(`/${meta.name} needs a summary`);
  // Secrets are not typed on the line: the order rules are about the others.
  const typed = meta.args.filter((a) => a.kind !== 'secret');
  meta.args.forEach((a) => {
    if (!KINDS.has(a.kind)) fail(`argument '${a.name}' of /${meta.name} must be declared with arg.word(), arg.user(), arg.room(), arg.text(), arg.file() or arg.secret()`);
    if (!ARG_NAME.test(a.name)) fail(`argument name '${a.name}' of /${meta.name} must be letters, digits or '-', starting with a letter`);
    const i = typed.indexOf(a);
    if (i < 0) return;
    if (a.kind === 'text' && i !== typed.length - 1) fail(`/${meta.name}: a text argument must be the last one`);
    if (!a.optional && typed.slice(0, i).some((b) => b.optional)) {
      fail(`/${meta.name}: required argument '${a.name}' follows an optional one`);
    }
  });
}

export interface Piece {
  readonly kind: PieceKind;
  readonly meta: unknown;
  /** The exported class (a constructor for the container). */
  readonly cls: new (...deps: never[]) => unknown;
  /** Its export name, which orders hooks of one file. */
  readonly exportName: string;
}

/** One plugin: a file of pieces, named after the file. */
export interface Plugin {
  readonly name: string;
  /** The path shown in messages. */
  readonly file: string;
  readonly pieces: readonly Piece[];
  /** The plugins it needs loaded too (their named services): installed before it. */
  readonly requires: readonly string[];
}

export interface Discovered {
  readonly plugins: readonly Plugin[];
  /** Files that export no piece (helper modules): skipped, and logged. */
  readonly skipped: readonly string[];
}

const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const pluginName = (file: string) => basename(file).replace(/\.(m?js)$/, '');

function validatePiece(piece: Piece, file: string): void {
  const fail = (why: string) => {
    throw new StartupError(`plugin ${file}: ${why}`);
  };
  switch (piece.kind) {
    case 'command':
      return validate(piece.meta as CommandMeta, file);
    case 'listener':
      if (!EVENT_NAMES.includes((piece.meta as ListenerMeta).event)) fail(`listener ${piece.exportName} is for unknown event '${(piece.meta as ListenerMeta).event}'; the events are ${EVENT_NAMES.join(', ')}`);
      return;
    case 'hook':
      if (!HOOK_NAMES.includes((piece.meta as HookMeta).event)) fail(`hook ${piece.exportName} is for unknown event '${(piece.meta as HookMeta).event}'; hooks exist for ${HOOK_NAMES.join(', ')}`);
      if (!Number.isFinite((piece.meta as HookMeta).order)) fail(`hook ${piece.exportName} needs a finite order`);
      return;
    case 'guard':
      if (!/^[a-zA-Z][a-zA-Z0-9-]{0,31}$/.test((piece.meta as GuardMeta).name)) fail(`guard name '${(piece.meta as GuardMeta).name}' must be letters, digits or '-', starting with a letter`);
      return;
    case 'service': {
      const { name } = piece.meta as ServiceMeta;
      if (name !== undefined && !/^[a-zA-Z][a-zA-Z0-9-]{0,31}$/.test(name)) fail(`service name '${name}' must be letters, digits or '-', starting with a letter`);
      return;
    }
    case 'settings': {
      const decls = piece.meta as SettingDecls;
      for (const [key, decl] of Object.entries(decls)) {
        if (!ARG_NAME.test(key)) fail(`setting name '${key}' must be letters, digits or '-', starting with a letter`);
        const wrong = resolveSettings({ [key]: decl }, {}, 'the default of');
        if (typeof wrong === 'string') fail(wrong.replace(`the default of.${key}`, `the default of setting '${key}'`));
      }
      return;
    }
  }
}

/** Where plugins come from: folders of files (a plugin a file), and installed packages (a plugin a package). */
export interface PluginSources {
  readonly dirs: readonly string[];
  /** Package names (resolved from the working directory) or paths to package folders. */
  readonly packages: readonly string[];
  /** Above 0, every file is imported afresh (a reload): modules are cached by their URL. */
  readonly generation?: number;
}

/** A file's pieces, and the plugins it says it needs (`export const requires = ['away']`). */
interface Imported {
  pieces: Piece[];
  requires: string[];
}

async function importPieces(file: string, shown: string, generation = 0): Promise<Imported> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(file).href + (generation > 0 ? `?v=${generation}` : ''));
  } catch (error) {
    const where = error instanceof SyntaxError ? syntaxErrorAt(file, shown) : shown;
    throw new StartupError(`plugin ${where} failed to load: ${(error as Error)?.message ?? error}`, { cause: error });
  }
  const pieces: Piece[] = [];
  for (const [exportName, value] of Object.entries(exports).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const piece = pieceOf(value);
    if (!piece || pieces.some((p) => p.cls === value)) continue;
    pieces.push({ kind: piece.kind, meta: piece.meta, cls: value as Piece['cls'], exportName });
  }
  const { requires = [] } = exports as { requires?: unknown };
  if (!Array.isArray(requires) || !requires.every((r) => typeof r === 'string' && PLUGIN_NAME.test(r))) {
    throw new StartupError(`plugin ${shown}: 'requires' must list plugin names, such as export const requires = ['away']`);
  }
  return { pieces, requires };
}

/**
 * Imports every plugin file in the given folders (sorted, through file URLs) and every listed
 * package, and returns their pieces. Fails loudly, with the file's path, for a file that does not
 * import, declares an invalid piece, or reuses a plugin, command or guard name of another file
 * (naming both). Files in folders that export no piece are helper modules: skipped.
 */
export async function discoverPlugins(sources: PluginSources, guardNames: readonly string[]): Promise<Discovered> {
  const plugins: Plugin[] = [];
  const skipped: string[] = [];
  const owner = new Map<string, string>();
  const claim = (what: string, key: string, file: string) => {
    const other = owner.get(`${what}\u0000${key}`);
    if (other) throw new StartupError(`${what} '${key}' is declared by both ${other} and ${file}`);
    owner.set(`${what}\u0000${key}`, file);
  };
  const add = (name: string, shown: string, { pieces, requires }: Imported) => {
    claim('plugin name', name, shown);
    if (pieces.filter((p) => p.kind === 'settings').length > 1) throw new StartupError(`plugin ${shown}: declares Settings more than once; one declaration holds every setting`);
    for (const piece of pieces) {
      validatePiece(piece, shown);
      if (piece.kind === 'command') {
        const meta = piece.meta as CommandMeta;
        for (const key of [meta.name, ...meta.aliases]) claim('command name', key, shown);
        if (meta.plainText) claim('plain-text command', 'plain text', shown);
      }
      if (piece.kind === 'guard') claim('guard name', (piece.meta as GuardMeta).name, shown);
      if (piece.kind === 'service' && (piece.meta as ServiceMeta).name !== undefined) claim('service name', (piece.meta as ServiceMeta).name!, shown);
    }
    plugins.push({ name, file: shown, pieces, requires });
  };
  for (const name of guardNames) claim('guard name', name, 'the core');
  for (const dir of sources.dirs) {
    for (const file of (await walk(dir)).sort()) {
      const shown = relative(process.cwd(), file) || file;
      const imported = await importPieces(file, shown, sources.generation);
      if (imported.pieces.length === 0) {
        skipped.push(shown);
        continue;
      }
      if (!PLUGIN_NAME.test(pluginName(file))) throw new StartupError(`plugin ${shown}: its file name must be letters, digits, '.', '_' or '-' (it names the plugin)`);
      add(pluginName(file), shown, imported);
    }
  }
  for (const spec of sources.packages) {
    const pkg = await readPluginPackage(spec);
    const all: Imported = { pieces: [], requires: [] };
    for (const file of pkg.files) {
      const found = await importPieces(file, relative(process.cwd(), file) || file, sources.generation);
      if (found.pieces.length === 0) throw new StartupError(`plugin package ${pkg.name}: ${relative(pkg.dir, file)} is listed in chatserver.pieces but exports no piece`);
      all.pieces.push(...found.pieces);
      all.requires.push(...found.requires);
    }
    add(pkg.name, `package ${pkg.name}`, all);
  }
  checkGuardRefs(plugins, guardNames);
  return { plugins: plugins.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), skipped };
}

interface PluginPackage {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
}

/**
 * An installed plugin package: `package.json` names its piece files in `chatserver.pieces`.
 * A name is resolved from the working directory, as `node` would; a path is a package folder.
 */
async function readPluginPackage(spec: string): Promise<PluginPackage> {
  let manifestPath: string;
  if (spec.startsWith('.') || isAbsolute(spec)) manifestPath = join(resolvePath(spec), 'package.json');
  else {
    try {
      manifestPath = createRequire(join(process.cwd(), 'index.js')).resolve(`${spec}/package.json`);
    } catch {
      throw new StartupError(`--plugin ${spec}: no such package is installed here (npm install ${spec}), and it is not a path`);
    }
  }
  let manifest: { name?: unknown; chatserver?: { pieces?: unknown } };
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    throw new StartupError(`--plugin ${spec}: cannot read ${manifestPath}: ${(error as Error).message}`, { cause: error });
  }
  const pieces = manifest.chatserver?.pieces;
  if (!Array.isArray(pieces) || pieces.length === 0 || !pieces.every((p) => typeof p === 'string')) {
    throw new StartupError(`--plugin ${spec}: its package.json needs "chatserver": { "pieces": ["file.js", …] }, the files that export its pieces`);
  }
  const dir = dirname(manifestPath);
  const name = typeof manifest.name === 'string' ? manifest.name : basename(dir);
  return {
    name,
    dir,
    files: pieces.map((p: string) => {
      const file = resolvePath(dir, p);
      if (relative(dir, file).startsWith('..')) throw new StartupError(`plugin package ${name}: piece file ${p} is outside the package`);
      return file;
    }),
  };
}

function checkGuardRefs(plugins: readonly Plugin[], builtin: readonly string[]): void {
  const known = new Set([...builtin, ...plugins.flatMap((p) => p.pieces.filter((x) => x.kind === 'guard').map((x) => (x.meta as GuardMeta).name))]);
  for (const plugin of plugins) {
    for (const piece of plugin.pieces) {
      if (piece.kind !== 'command') continue;
      const meta = piece.meta as CommandMeta;
      const unknown = meta.guards.find((g) => !known.has(g.name));
      if (unknown) throw new StartupError(`plugin ${plugin.file}: /${meta.name} uses guard '${unknown.name}', which no plugin declares; the guards are ${[...known].join(', ')}`);
    }
  }
}

/** Applies `--plugins a,b`: unknown names stop start-up with the list of what exists. */
export function selectPlugins(all: readonly Plugin[], names: readonly string[] | null): Plugin[] {
  if (names === null) return [...all];
  const known = new Set(all.map((p) => p.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new StartupError(`unknown plugin${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; available: ${[...known].join(', ')}`);
  }
  // Keep the sorted order, so /help reads the same however the operator listed the names.
  return all.filter((p) => names.includes(p.name));
}

/**
 * Orders the plugins so that each comes after those it requires (otherwise by name); a plugin
 * whose requirement is not loaded, or a circle of them, stops start-up with the fix.
 */
export function orderByRequires(plugins: readonly Plugin[]): Plugin[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const ordered: Plugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (plugin: Plugin, path: string[]) => {
    if (state.get(plugin.name) === 'done') return;
    if (state.get(plugin.name) === 'visiting') throw new StartupError(`plugins require each other in a circle: ${[...path, plugin.name].join(' -> ')}`);
    state.set(plugin.name, 'visiting');
    for (const name of plugin.requires) {
      const needed = byName.get(name);
      if (!needed) throw new StartupError(`plugin ${plugin.file} requires plugin '${name}', which is not loaded: add it to --plugins, or leave ${plugin.name} out`);
      visit(needed, [...path, plugin.name]);
    }
    state.set(plugin.name, 'done');
    ordered.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);
  return ordered;
}
