import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { StartupError } from '../../errors.js';

/** PEM files for Redis over TLS (rediss://); without a CA, the system's trusted CAs apply. */
export interface TlsFiles {
  redisCa: string | null;
  redisCert: string | null;
  redisKey: string | null;
}

// What Node says when a certificate chains to no CA it trusts.
const UNTRUSTED = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/** What a TLS failure at start-up probably lacks, as a hint after the error. */
export function tlsHint(url: string, files: TlsFiles, code: string | undefined): string {
  if (new URL(url).protocol !== 'rediss:') return '';
  if (!files.redisCa && UNTRUSTED.has(code ?? '')) return ' (a certificate from a private CA needs --redis-ca FILE)';
  // TLS 1.3: a server that wants a client certificate and got none says so, or just closes the connection.
  if (!files.redisCert && (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || code === 'ECONNRESET')) {
    return ' (if this Redis asks for client certificates: --redis-cert FILE --redis-key FILE)';
  }
  return '';
}

/** The TLS options for ioredis, from the PEM files; undefined to keep its defaults. */
export async function tlsOptions(files: TlsFiles): Promise<ConnectionOptions | undefined> {
  const read = async (path: string | null, flag: string) => {
    if (path === null) return undefined;
    try {
      return await readFile(path);
    } catch (error) {
      throw new StartupError(`--${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const [ca, cert, key] = await Promise.all([read(files.redisCa, 'redis-ca'), read(files.redisCert, 'redis-cert'), read(files.redisKey, 'redis-key')]);
  if (!ca && !cert) return undefined;
  return { ...(ca ? { ca } : {}), ...(cert ? { cert, key } : {}) };
}
