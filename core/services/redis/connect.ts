import { Redis, type RedisOptions } from 'ioredis';
import { StartupError } from '../../errors.js';
import { redact } from './redact.js';
import { tlsHint, tlsOptions, type TlsFiles } from './redis-tls.js';

// Give up on a command after this long, so a hung Redis cannot hold a command past its own limit.
const COMMAND_TIMEOUT_MS = 3_000;
const CONNECT_TIMEOUT_MS = 5_000;

/** A connection for commands: they fail at once while Redis is away (no offline queue), so a user gets a clear error instead of a long wait. */
export const COMMANDS: RedisOptions = { enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS };

/**
 * Connections to `url`, one per entry of `kinds` (options on top of the common ones), connected
 * before this resolves; a failure is a StartupError naming the URL with its password masked.
 * `onError` gets each new kind of trouble, its message already redacted; ioredis reconnects for ever.
 */
export async function openConnections(url: string, files: TlsFiles, kinds: RedisOptions[], onError: (message: string) => void): Promise<Redis[]> {
  const tls = await tlsOptions(files);
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Reconnect for ever, soon: service resumes by itself within about a second of Redis returning.
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
    maxRetriesPerRequest: 0,
    ...(tls ? { tls } : {}),
  };
  const connections = kinds.map((kind) => new Redis(url, { ...options, ...kind }));
  let lastError = '';
  let hint = '';
  const report = (error: Error) => {
    // OpenSSL's messages end in a newline; a log field or an error line must not.
    const message = redact(error.message.trim(), url);
    hint ||= tlsHint(url, files, (error as NodeJS.ErrnoException).code);
    // One line per kind of trouble, not one per reconnect attempt.
    if (message !== lastError) onError(message);
    lastError = message;
  };
  for (const redis of connections) redis.on('error', report);
  connections[0]!.on('ready', () => (lastError = ''));
  try {
    await Promise.all(connections.map((redis) => redis.connect()));
  } catch (error) {
    for (const redis of connections) redis.disconnect();
    // ioredis rejects with "Connection is closed."; the error event before it says why.
    const why = lastError || redact((error as Error).message, url);
    throw new StartupError(`cannot reach Redis at ${redact(url, url)}: ${why}${hint}`, { cause: error });
  }
  return connections;
}
