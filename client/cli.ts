import { resolve } from 'node:path';
import { parseArgv } from '../core/argv.js';

export interface ClientOptions {
  host: string;
  port: number;
  user: string | undefined;
  downloads: string;
  color: boolean | undefined;
  /** Interactive mode rings the terminal bell for a line naming us or a whisper; --no-bell stops it. */
  bell: boolean;
  /** --tls: a CA file to trust (--ca) and the certificate fingerprint expected (--fingerprint). */
  tls: { ca?: string; fingerprint?: string } | undefined;
  /** Scripted mode: wait out a lost connection or a restart instead of exiting (interactive mode always does). */
  reconnect: boolean;
  /** Whether a file offered is taken (`all`), refused (`none`) or asked about (`ask`); unset: ask on a terminal, all in a script. */
  acceptFiles: AcceptFiles | undefined;
  /** Files whose first line is a secret, for scripted mode (the environment may give them instead). */
  secretFiles: SecretFiles;
}

export interface SecretFiles {
  password?: string;
  newPassword?: string;
  serverPassword?: string;
}

export const ACCEPT_FILES = ['ask', 'all', 'none'] as const;
export type AcceptFiles = (typeof ACCEPT_FILES)[number];

export type ClientArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: ClientOptions };

export const CLIENT_USAGE = `usage: chatclient [server_ip] [port] [options]

Connects to a chat server (default 127.0.0.1 5000). On a terminal it is interactive; with
stdin from a pipe or file the first line is the username and every further line a command.
Interactive mode asks for passwords, hidden; scripted mode reads them as the options below say.

options:
  --user NAME       log in as NAME without asking
  --tls             connect with TLS; the certificate must be from a CA the system trusts,
                    or one you trusted before (pinned in ~/.config/chatclient/known_servers)
  --ca FILE         trust this CA (PEM) for the server's certificate (implies --tls)
  --fingerprint SHA256:...
                    trust the server's self-signed certificate with this fingerprint, as
                    the server printed it at start (implies --tls; for scripts)
  --password-file FILE
                    scripted mode: the account's password is the first line of FILE
                    (or $CHATCLIENT_PASSWORD); also a secret a command asks for once
  --new-password-file FILE
                    scripted mode: a new password, to replace a one-time one or for a
                    command that asks twice, such as /register (or $CHATCLIENT_NEW_PASSWORD)
  --server-password-file FILE
                    scripted mode: the server's password, when it has one
                    (or $CHATCLIENT_SERVER_PASSWORD)
  --downloads DIR   where received files are saved (default ./downloads)
  --accept-files ask|all|none
                    files others send you: ask first (/accept, /decline), take them all,
                    or refuse them all (default: ask on a terminal, all in a script)
  --no-color        no colours (NO_COLOR=1 does the same)
  --color           colours even when stdout is not a terminal
  --no-bell         interactive mode: no terminal bell for lines that name you or whispers
  --reconnect       scripted mode: when the connection is lost or the server restarts,
                    reconnect with backoff and log in again (interactive mode always does)
  -h, --help        show this help
  -v, --version     show the version`;

export class UsageError extends Error {}

export function parseClientArgs(argv: string[]): ClientArgs {
  const parsed = parseArgv(
    argv,
    {
      user: { type: 'string' },
      tls: { type: 'boolean' },
      ca: { type: 'string' },
      fingerprint: { type: 'string' },
      'password-file': { type: 'string' },
      'new-password-file': { type: 'string' },
      'server-password-file': { type: 'string' },
      downloads: { type: 'string' },
      'accept-files': { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      'no-bell': { type: 'boolean' },
      reconnect: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    'chatclient',
    (message) => new UsageError(message),
  );
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length > 2) throw new UsageError(`unexpected argument '${positionals[2]}' (see chatclient --help)`);
  const port = Number(positionals[1] ?? 5000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`'${positionals[1]}' is not a port number (1-65535)`);
  return {
    kind: 'run',
    options: {
      host: positionals[0] ?? '127.0.0.1',
      port,
      user: values.user,
      downloads: resolve(values.downloads ?? 'downloads'),
      color: values['no-color'] ? false : values.color ? true : undefined,
      bell: !values['no-bell'],
      reconnect: values.reconnect === true,
      acceptFiles: acceptFiles(values['accept-files']),
      tls: tlsOptions(values),
      secretFiles: secretFiles(values),
    },
  };
}

function acceptFiles(value: string | undefined): AcceptFiles | undefined {
  if (value === undefined) return undefined;
  const policy = ACCEPT_FILES.find((p) => p === value.trim().toLowerCase());
  if (!policy) throw new UsageError(`--accept-files takes ask, all or none, not '${value}'`);
  return policy;
}

function tlsOptions(values: { tls?: boolean; ca?: string; fingerprint?: string }): ClientOptions['tls'] {
  if (!values.tls && values.ca === undefined && values.fingerprint === undefined) return undefined;
  if (values.fingerprint !== undefined && !/^SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}$/i.test(values.fingerprint.trim())) {
    throw new UsageError(`--fingerprint needs the form the server prints, SHA256:AB:CD:... (32 pairs), not '${values.fingerprint}'`);
  }
  return { ...(values.ca !== undefined ? { ca: resolve(values.ca) } : {}), ...(values.fingerprint !== undefined ? { fingerprint: values.fingerprint } : {}) };
}

function secretFiles(values: { 'password-file'?: string; 'new-password-file'?: string; 'server-password-file'?: string }): SecretFiles {
  const files: SecretFiles = {};
  if (values['password-file'] !== undefined) files.password = resolve(values['password-file']);
  if (values['new-password-file'] !== undefined) files.newPassword = resolve(values['new-password-file']);
  if (values['server-password-file'] !== undefined) files.serverPassword = resolve(values['server-password-file']);
  return files;
}
