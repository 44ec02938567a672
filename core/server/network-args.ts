import { readFileSync } from 'node:fs';
import type { ServerConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { redact } from '../services/redis/redact.js';

// Long enough that guessing it is hopeless, short enough for `openssl rand -hex 16`.
const SECRET_MIN = 16;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** A value from a flag, from a file another flag names, or from the environment (what ps does not show). */
interface Given {
  value: string;
  from: string;
  onCommandLine: boolean;
}

export function given(values: Record<string, unknown>, flag: string, fileFlag: string, envNames: string[], env: NodeJS.ProcessEnv): Given | undefined {
  const direct = values[flag] as string | undefined;
  const file = values[fileFlag] as string | undefined;
  if (direct !== undefined && file !== undefined) throw new StartupError(`give --${flag} or --${fileFlag}, not both`);
  if (direct !== undefined) return { value: direct, from: `--${flag}`, onCommandLine: true };
  if (file !== undefined) return { value: firstLine(file, fileFlag), from: `--${fileFlag}`, onCommandLine: false };
  const name = envNames.find((n) => env[n]);
  return name === undefined ? undefined : { value: env[name]!, from: `$${name}`, onCommandLine: false };
}

function firstLine(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8').split(/\r?\n/, 1)[0]!;
  } catch (error) {
    throw new StartupError(`--${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function redisUrl({ value, from }: Given): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    const flag = from === '--redis' ? '--redis' : `--redis (from ${from.replace(/^\$/, '')})`;
    throw new StartupError(`${flag} needs a URL such as redis://127.0.0.1:6379, not '${redact(value, value)}'`);
  }
  return value;
}

/**
 * Sets the network's part of the config (SPEC §8): the Redis URL from --redis, --redis-url-file
 * or $CHATSERVER_REDIS_URL (or $CHATSERVER_REDIS), the network secret likewise, and checks the
 * TLS files fit. Returns the warnings to print before starting, one line each.
 */
export function networkArgs(values: Record<string, unknown>, env: NodeJS.ProcessEnv, config: ServerConfig): string[] {
  const warnings: string[] = [];
  const url = given(values, 'redis', 'redis-url-file', ['CHATSERVER_REDIS_URL', 'CHATSERVER_REDIS'], env);
  if (url === undefined) {
    if (values['network-secret'] !== undefined || values['network-secret-file'] !== undefined) {
      throw new StartupError('--network-secret needs --redis: it signs what nodes send each other');
    }
    if (config.redisCa || config.redisCert || config.redisKey) throw new StartupError('--redis-ca, --redis-cert and --redis-key need --redis');
    return warnings;
  }
  config.redisUrl = redisUrl(url);
  const parsed = new URL(config.redisUrl);
  if (url.onCommandLine && parsed.password) {
    warnings.push('warning: ps shows the Redis password to every user of this machine; give the URL with --redis-url-file FILE or $CHATSERVER_REDIS_URL');
  }
  const secret = given(values, 'network-secret', 'network-secret-file', ['CHATSERVER_NETWORK_SECRET'], env);
  if (secret !== undefined) {
    if (secret.value.length < SECRET_MIN) {
      throw new StartupError(`the network secret needs at least ${SECRET_MIN} characters; make one with: openssl rand -hex 32`);
    }
    config.networkSecret = secret.value;
    if (secret.onCommandLine) {
      warnings.push('warning: ps shows the network secret to every user of this machine; give it with --network-secret-file FILE or $CHATSERVER_NETWORK_SECRET');
    }
  } else if (!LOOPBACK.test(parsed.hostname)) {
    warnings.push('warning: --redis without --network-secret: anyone who can reach this Redis can send lines as any user');
  }
  if ((config.redisCa || config.redisCert || config.redisKey) && parsed.protocol !== 'rediss:') {
    throw new StartupError('--redis-ca, --redis-cert and --redis-key need a rediss:// URL (Redis over TLS)');
  }
  if (!config.redisCert !== !config.redisKey) throw new StartupError('--redis-cert and --redis-key go together: a client certificate and its key');
  return warnings;
}
