import 'reflect-metadata'; // must be evaluated before any decorated class
import { createServer, type AddressInfo, type Server } from 'node:net';
import { DEFAULTS, type ServerConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { VERSION } from '../version.js';
import { BUILTIN_PLUGINS } from '../plugins/host.js';
import { watchPlugins } from '../plugins/watch.js';
import { abortStart, compose, type Composition } from './compose.js';
import { Gateway, type Sniffer } from './gateway.js';
import { TlsIdentity } from './tls.js';

export interface ServerStats {
  connections: number;
  users: number;
  rooms: number;
  uploadsActive: number;
  uploadsWaiting: number;
  /** Bytes queued to clients, over all connections (bounded by --output-budget). */
  outputBytes: number;
}

/**
 * One chat server: composed, listening, and able to stop gracefully. Create with
 * `ChatServer.start(config)`; several can run in one process.
 */
export class ChatServer {
  private stopping: Promise<void> | undefined;
  private watcher: { close(): void } | undefined;

  private constructor(
    readonly config: ServerConfig,
    private readonly parts: Composition,
    private readonly gateway: Gateway,
    private readonly listener: Server,
    /** The TLS certificate served on the port, or null for plain only. */
    readonly tls: TlsIdentity | null,
  ) {}

  static async start(overrides: Partial<ServerConfig> = {}): Promise<ChatServer> {
    const config: ServerConfig = { ...DEFAULTS, ...overrides };
    const tls = await TlsIdentity.fromConfig(config);
    const parts = await compose(config);
    const gateway = new Gateway({ ...parts, config, serverName: `chatserver/${VERSION}` });
    parts.plugins.onReloaded = () => gateway.announceCommands();
    await gateway.refreshManifest();
    // With TLS the first byte tells a handshake from a chat frame, so one port serves both.
    const sniff: Sniffer | undefined = tls ? (socket, handOver, gone) => tls.sniff(socket, config.loginTimeoutMs, handOver, gone) : undefined;
    const listener = createServer({ noDelay: true }, (socket) => gateway.accept(socket, sniff));
    try {
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen({ port: config.port, host: config.host || undefined, backlog: 4096 }, resolve);
      });
    } catch (error) {
      const problem = new StartupError(listenProblem(error as NodeJS.ErrnoException, config), { cause: error });
      await abortStart(parts, problem);
      throw problem;
    }
    listener.on('error', (error) => parts.log.error('listener error', error));
    gateway.start();
    const server = new ChatServer(config, parts, gateway, listener, tls);
    parts.log.action('start', {
      version: VERSION,
      port: server.port,
      host: config.host || 'all',
      tls: tls ? (config.requireTls ? 'required' : 'on') : undefined,
      commands: parts.registry.list().map((c) => c.name).join(','),
    });
    parts.events.emit('started', {});
    if (config.watch) server.watcher = watchPlugins([BUILTIN_PLUGINS, ...config.pluginDirs], () => void server.reloadPlugins());
    return server;
  }

  get port(): number {
    return (this.listener.address() as AddressInfo).port;
  }

  get commands(): string[] {
    return this.parts.registry.list().map((c) => c.name);
  }

  stats(): ServerStats {
    const uploads = this.parts.uploads.stats();
    return {
      connections: this.gateway.connectionCount,
      users: this.parts.users.size,
      rooms: this.parts.roomDirectory.size,
      uploadsActive: uploads.active,
      uploadsWaiting: uploads.waiting,
      outputBytes: this.gateway.outputBytes,
    };
  }

  /**
   * Graceful stop: refuse new connections, tell every client, give in-flight work the grace
   * period, close every connection, flush the log. Safe to call more than once.
   */
  /**
   * Loads the plugins again and swaps them in; on success every client gets the new manifest.
   * Resolves false when they did not load (the old ones keep running; the log says why).
   */
  async reloadPlugins(): Promise<boolean> {
    return (await this.parts.plugins.reload()).ok;
  }

  /** SIGHUP: reads the TLS certificate and key again; connections already made keep theirs. */
  async reloadTls(): Promise<boolean> {
    if (!this.tls) return false;
    try {
      await this.tls.reload();
      this.parts.log.action('tls-reloaded', { certificate: this.tls.fingerprint });
      return true;
    } catch (error) {
      this.parts.log.action('tls-reload-failed', { reason: (error as Error).message });
      return false;
    }
  }

  stop(reason = 'stop'): Promise<void> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: string): Promise<void> {
    const { log, container } = this.parts;
    this.watcher?.close();
    log.action('shutdown', { reason, connections: this.gateway.connectionCount });
    this.parts.events.emit('stopping', {});
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    this.gateway.announceShutdown(this.config.shutdownGraceMs);
    await this.parts.uploads.drain(this.config.shutdownGraceMs);
    await this.gateway.closeAll(2_000);
    this.gateway.stop();
    await this.parts.backend.close();
    await closed;
    log.action('shutdown-complete', {});
    // Plugin services first (they may still log), then the server's own container.
    await this.parts.plugins.dispose();
    await this.parts.accounts.close();
    await this.parts.bans.close();
    await log.close();
    await container.dispose();
  }
}

function listenProblem(error: NodeJS.ErrnoException, config: ServerConfig): string {
  const where = `${config.host || 'all interfaces'} port ${config.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use (is another server running?)`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: that address does not belong to this machine`;
    default:
      return `cannot listen on ${where}: ${error.message}`;
  }
}
