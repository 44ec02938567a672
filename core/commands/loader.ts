import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StartupError } from '../errors.js';
import { commandMetaOf, type CommandClass, type CommandMeta } from './decorator.js';

export interface DiscoveredCommand {
  readonly meta: CommandMeta;
  readonly cls: CommandClass;
  readonly file: string;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
// Keys that look like integers would be reordered by JavaScript, so a name starts with a letter.
const ARG_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,31}$/;
const KINDS = new Set(['word', 'user', 'room', 'text', 'file']);

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
  meta.args.forEach((a, i) => {
    if (!KINDS.has(a.kind)) fail(`argument '${a.name}' of /${meta.name} must be declared with arg.word(), arg.user(), arg.room(), arg.text() or arg.file()`);
    if (!ARG_NAME.test(a.name)) fail(`argument name '${a.name}' of /${meta.name} must be letters, digits or '-', starting with a letter`);
    if (a.kind === 'text' && i !== meta.args.length - 1) fail(`/${meta.name}: a text argument must be the last one`);
    if (!a.optional && meta.args.slice(0, i).some((b) => b.optional)) {
      fail(`/${meta.name}: required argument '${a.name}' follows an optional one`);
    }
  });
}

/**
 * Imports every plugin file in the given folders (sorted, through file URLs) and returns every
 * exported command class. Fails loudly — with the file's path — for a file that does not import,
 * exports no command, declares an invalid command, or reuses a name or alias of another file.
 */
export async function discoverCommands(dirs: readonly string[]): Promise<DiscoveredCommand[]> {
  const found: DiscoveredCommand[] = [];
  const owner = new Map<string, string>();
  for (const dir of dirs) {
    for (const file of (await walk(dir)).sort()) {
      const shown = relative(process.cwd(), file) || file;
      let exports: Record<string, unknown>;
      try {
        exports = await import(pathToFileURL(file).href);
      } catch (error) {
        const where = error instanceof SyntaxError ? syntaxErrorAt(file, shown) : shown;
        throw new StartupError(`plugin ${where} failed to load: ${(error as Error)?.message ?? error}`, { cause: error });
      }
      const classes = Object.values(exports).filter((v, i, all) => commandMetaOf(v) && all.indexOf(v) === i) as CommandClass[];
      if (classes.length === 0) throw new StartupError(`plugin ${shown} exports no command (is the class decorated with @Command and exported?)`);
      for (const cls of classes) {
        const meta = commandMetaOf(cls)!;
        validate(meta, shown);
        for (const key of [meta.name, ...meta.aliases]) {
          const other = owner.get(key);
          if (other) throw new StartupError(`command name '${key}' is declared by both ${other} and ${shown}`);
          owner.set(key, shown);
        }
        found.push({ meta, cls, file: shown });
      }
    }
  }
  return found.sort((a, b) => a.meta.name.localeCompare(b.meta.name));
}

/** Applies `--plugins a,b`: unknown names stop start-up with the list of what exists. */
export function selectCommands(all: readonly DiscoveredCommand[], names: readonly string[] | null): DiscoveredCommand[] {
  if (names === null) return [...all];
  const byName = new Map(all.map((c) => [c.meta.name, c]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new StartupError(
      `unknown plugin${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; available: ${[...byName.keys()].join(', ')}`,
    );
  }
  // Keep the sorted order, so /help reads the same however the operator listed the names.
  return all.filter((c) => names.includes(c.meta.name));
}
