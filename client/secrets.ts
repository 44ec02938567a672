import { readFile } from 'node:fs/promises';
import { classifyLine } from '../core/protocol/command-line.js';
import type { ArgManifest } from '../core/protocol/messages.js';
import type { SecretFiles } from './cli.js';
import type { ChatConnection } from './connection.js';

/** The secrets scripted mode was given: each from its file, else from the environment. */
export type SecretSources = SecretFiles;
export type SecretName = keyof SecretSources;

const FLAGS: Record<SecretName, string> = { password: '--password-file', newPassword: '--new-password-file', serverPassword: '--server-password-file' };
const ENV: Record<SecretName, string> = { password: 'CHATCLIENT_PASSWORD', newPassword: 'CHATCLIENT_NEW_PASSWORD', serverPassword: 'CHATCLIENT_SERVER_PASSWORD' };

/** How to give a secret scripted mode lacks, for the `! ...` line that says so. */
export function howToGive(name: SecretName): string {
  return `${FLAGS[name]} FILE or $${ENV[name]}`;
}

/** Reads the secrets given: the first line of each file, else the environment. Throws when a file cannot be read. */
export async function readSecrets(files: SecretFiles, env: NodeJS.ProcessEnv): Promise<SecretSources> {
  const sources: SecretSources = {};
  for (const name of Object.keys(FLAGS) as SecretName[]) {
    const value = files[name] === undefined ? env[ENV[name]] : await firstLine(files[name], FLAGS[name]);
    if (value) sources[name] = value;
  }
  return sources;
}

async function firstLine(path: string, flag: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  const line = text.split(/\r?\n/, 1)[0]!;
  if (line.length === 0) throw new Error(`${flag} ${path} has an empty first line; the secret goes there`);
  return line;
}

/** The command a line runs and its `secret` arguments: the client asks for them, and they never go on the line. */
export function secretArgs(connection: ChatConnection, line: string): { command: string; args: ArgManifest[] } {
  const kind = classifyLine(line);
  const manifest = kind.kind === 'command' ? connection.command(kind.name) : undefined;
  return { command: `/${manifest?.name ?? ''}`, args: manifest?.args.filter((a) => a.kind === 'secret') ?? [] };
}

/**
 * Gets each secret argument from `ask`: its value, '' to leave an optional one out, or undefined
 * to give up. Resolves to the secrets for `cmd.secrets` (undefined if none), or 'cancelled'.
 */
export async function askSecrets(specs: ArgManifest[], ask: (spec: ArgManifest) => Promise<string | undefined>): Promise<Record<string, string> | undefined | 'cancelled'> {
  const secrets: Record<string, string> = {};
  for (const spec of specs) {
    const value = await ask(spec);
    if (value === undefined) return 'cancelled';
    if (value !== '') secrets[spec.name] = value;
  }
  return Object.keys(secrets).length > 0 ? secrets : undefined;
}
