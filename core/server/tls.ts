import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { ServerConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { encodeJsonFrame } from '../protocol/frame.js';
import { END_TIMEOUT_MS } from '../session/session.js';

/** The first byte of every TLS record that starts a handshake; a chat frame never starts with it. */
const TLS_HANDSHAKE = 0x16;

export const REQUIRE_TLS_MESSAGE = 'this server requires TLS: connect with chatclient --tls';

/** `SHA256:AB:CD:...`, the form chatclient shows and pins. */
export function fingerprintOf(certPem: string | Buffer): string {
  return `SHA256:${new X509Certificate(certPem).fingerprint256}`;
}

/** The server's certificate and key, loaded again on SIGHUP; connections made before keep theirs. */
export class TlsIdentity {
  private constructor(
    private readonly certFile: string,
    private readonly keyFile: string,
    private readonly requireTls: boolean,
    private context: SecureContext,
    public fingerprint: string,
  ) {}

  /** From --tls-cert/--tls-key, or the --tls auto certificate (made on first start); null without TLS. */
  static async fromConfig(config: ServerConfig): Promise<TlsIdentity | null> {
    let certFile = config.tlsCert;
    let keyFile = config.tlsKey;
    if (config.tlsAuto) ({ certFile, keyFile } = await ensureSelfSigned(config.stateDir));
    if (!certFile || !keyFile) return null;
    try {
      const { context, fingerprint } = await load(certFile, keyFile);
      return new TlsIdentity(certFile, keyFile, config.requireTls, context, fingerprint);
    } catch (error) {
      throw new StartupError(`cannot use the TLS certificate ${certFile} with key ${keyFile}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** What the server prints at start, so users can compare the fingerprint. */
  get banner(): string {
    return `tls ${this.requireTls ? 'required' : 'on'}; certificate ${this.fingerprint}`;
  }

  /** Reads the files again; on failure the old certificate stays in use and this rejects saying why. */
  async reload(): Promise<void> {
    const { context, fingerprint } = await load(this.certFile, this.keyFile);
    this.context = context;
    this.fingerprint = fingerprint;
  }

  /**
   * Waits for the first byte, then hands over the socket: wrapped in TLS when it starts a
   * handshake, as it is when not. Otherwise `gone` is called once it has closed: a peer that
   * sends nothing is dropped after `silentMs` (the login timeout), and a plain one under
   * --require-tls is told why and closed.
   */
  sniff(socket: Socket, silentMs: number, handOver: (socket: Socket) => void, gone: () => void): void {
    const timer = setTimeout(() => socket.destroy(), silentMs).unref();
    const onClose = () => {
      clearTimeout(timer);
      gone();
    };
    socket.on('error', () => {}); // a reset before a byte came: 'close' follows
    socket.once('close', onClose);
    socket.once('readable', () => {
      clearTimeout(timer);
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) return void socket.destroy(); // ended without a byte
      socket.unshift(chunk);
      if (chunk[0] !== TLS_HANDSHAKE && this.requireTls) return refusePlain(socket);
      socket.off('close', onClose);
      handOver(chunk[0] === TLS_HANDSHAKE ? new TLSSocket(socket, { isServer: true, secureContext: this.context }) : socket);
    });
  }
}

function refusePlain(socket: Socket): void {
  socket.resume(); // drop what it sends
  socket.end(encodeJsonFrame({ t: 'error', code: 'CONNECTION_REFUSED', message: REQUIRE_TLS_MESSAGE }));
  setTimeout(() => socket.destroy(), END_TIMEOUT_MS).unref();
}

async function load(certFile: string, keyFile: string): Promise<{ context: SecureContext; fingerprint: string }> {
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  return { context: createSecureContext({ cert, key }), fingerprint: fingerprintOf(cert) };
}

/** The --tls auto certificate: made once in the state folder, then reused, so its fingerprint stays the same. */
async function ensureSelfSigned(stateDir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(stateDir, 'cert.pem');
  const keyFile = join(stateDir, 'key.pem');
  const exists = await readFile(certFile).then(
    () => true,
    () => false,
  );
  if (exists) return { certFile, keyFile };
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const { generate } = await import('selfsigned');
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 10);
  const pems = await generate([{ name: 'commonName', value: 'chatserver' }], { keyType: 'ec', algorithm: 'sha256', notAfterDate: notAfter });
  // The key first, so a cert.pem (which says "done") never exists without its key.
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  await writeFile(certFile, pems.cert);
  return { certFile, keyFile };
}
