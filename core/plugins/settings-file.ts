import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { StartupError } from '../errors.js';
import type { SettingsFile } from './install.js';

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads `--config FILE` (`.toml` or `.json`): a `plugins` table with a section per plugin.
 * Every problem is one start-up line naming the file and, where there is one, the line or key.
 */
export async function readSettingsFile(path: string | null): Promise<SettingsFile> {
  if (path === null) return { path, sections: {} };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StartupError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { cause: error });
  }
  let data: unknown;
  const ext = extname(path).toLowerCase();
  if (ext !== '.toml' && ext !== '.json') throw new StartupError(`config file ${path} must end in .toml or .json`);
  // The TOML parser is loaded only for a TOML file.
  const toml = ext === '.toml' ? await import('smol-toml') : undefined;
  try {
    data = toml ? toml.parse(text) : JSON.parse(text);
  } catch (error) {
    const where = toml && error instanceof toml.TomlError ? `:${error.line}:${error.column}` : '';
    const message = (error as Error).message.split('\n')[0];
    throw new StartupError(`config file ${path}${where} is not valid ${ext === '.toml' ? 'TOML' : 'JSON'}: ${message}`, { cause: error });
  }
  if (!isTable(data)) throw new StartupError(`config file ${path} must hold a table of settings`);
  for (const key of Object.keys(data)) if (key !== 'plugins') throw new StartupError(`${path}: '${key}' is not known here; plugin settings go under [plugins.<name>]`);
  const plugins = data.plugins ?? {};
  if (!isTable(plugins)) throw new StartupError(`${path}: plugins must be a table of sections, one per plugin`);
  for (const [name, section] of Object.entries(plugins)) {
    if (!isTable(section)) throw new StartupError(`${path}: plugins.${name} must be a table of settings`);
  }
  return { path, sections: plugins as Record<string, Record<string, unknown>> };
}
