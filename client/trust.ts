import { readFileSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError, type ClientOptions } from './cli.js';

/** What the TLS handshake says about the server's certificate. */
export interface PeerCertificate {
  /** `SHA256:AB:CD:...`, as chatserver prints it at start. */
  fingerprint: string;
  /** Signed by a CA we trust (the system's, or --ca) and issued for this host. */
  authorized: boolean;
  /** Why not, when not authorized. */
  reason?: string;
}

/** Asks the user a yes/no question (interactive mode only). */
export type Ask = (question: string) => Promise<boolean>;

export interface TrustOptions {
  /** `host:port`, the key in known_servers. */
  server: string;
  /** --fingerprint: the one certificate the user expects. */
  fingerprint?: string;
  /** Interactive mode asks; scripted mode has no one to ask and refuses unless --fingerprint matches. */
  ask?: Ask;
  file?: string;
}

/** `$XDG_CONFIG_HOME/chatclient/known_servers`, by default `~/.config/chatclient/known_servers`. */
export function knownServersFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'chatclient', 'known_servers');
}

/** The fingerprint pinned for `server`, if any. Lines are `host:port SHA256:...`. */
export async function pinned(file: string, server: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  for (const line of text.split('\n')) {
    const [name, fingerprint] = line.trim().split(/\s+/);
    if (name === server && fingerprint) return fingerprint;
  }
  return undefined;
}


/**
 * Decides whether to go on with a server, as SSH does with host keys: a certificate from a
 * trusted CA passes; otherwise the one pinned for this server must be the one shown, and a
 * server not seen before is trusted on first use once the user says so (or passed
 * --fingerprint), then pinned. Rejects with the one line to show when not.
 */
export async function checkTrust(peer: PeerCertificate, options: TrustOptions): Promise<void> {
  const { server } = options;
  const fingerprint = options.fingerprint?.trim().toUpperCase(); // as typed or pasted: sha256:ab:... too
  const seen = peer.fingerprint;
  if (fingerprint !== undefined && fingerprint !== seen) {
    throw new Error(`the server's certificate is ${seen}, not the --fingerprint ${fingerprint} you passed: refusing (someone may be in between)`);
  }
  if (peer.authorized) return;
  const file = options.file ?? knownServersFile();
  const known = await pinned(file, server);
  if (known === seen) return;
  if (known !== undefined) {
    throw new Error(
      [
        `THE CERTIFICATE OF ${server} HAS CHANGED: refusing to connect.`,
        `  pinned: ${known}`,
        `  now:    ${seen}`,
        'Someone may be in between (a man-in-the-middle attack), or the server got a new certificate.',
        `If the server's operator confirms the new fingerprint, remove the line for ${server} from ${file}.`,
      ].join('\n'),
    );
  }
  const why = `its certificate is not from a trusted CA (${peer.reason ?? 'unknown issuer'})`;
  if (fingerprint === undefined) {
    const yes = options.ask ? await options.ask(`${server}: ${why}. Its fingerprint is ${seen}. Trust it and remember it?`) : false;
    if (!yes) {
      throw new Error(
        options.ask
          ? `not trusted: ${seen} (compare it with the one the server printed at start)`
          : `${why}; its fingerprint is ${seen}. If that is the one the server printed at start, pass --fingerprint ${seen} (or --ca FILE)`,
      );
    }
  }
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${server} ${seen}\n`);
}

/** The `tls` connect options for chatclient's flags (undefined without --tls). */
export function secureWith(options: ClientOptions, ask?: Ask): { ca?: Buffer; verify: (peer: PeerCertificate) => Promise<void> } | undefined {
  const { tls } = options;
  if (!tls) return undefined;
  const trust: TrustOptions = { server: `${options.host}:${options.port}`, ...(tls.fingerprint !== undefined ? { fingerprint: tls.fingerprint } : {}), ...(ask ? { ask } : {}) };
  const verify = (peer: PeerCertificate) => checkTrust(peer, trust);
  if (tls.ca === undefined) return { verify };
  try {
    return { ca: readFileSync(tls.ca), verify };
  } catch (error) {
    throw new UsageError(`cannot read --ca ${tls.ca}: ${(error as Error).message}`);
  }
}
