import type { Limits } from './protocol/messages.js';

/** Everything an operator can set (SPEC §9); each field has a chatserver flag. */
export interface ServerConfig {
  port: number;
  host: string;
  logFile: string | null;
  logToStdout: boolean;
  logMessages: boolean;
  pluginNames: string[] | null;
  pluginDirs: string[];
  /** Installed plugin packages (--plugin), by name or folder. */
  pluginPackages: string[];
  /** Development: reload the plugins when their files change. */
  watch: boolean;
  /** The --config file with the plugins' settings, or null. */
  configFile: string | null;
  usernameMax: number;
  roomNameMax: number;
  roomCapacity: number;
  messageMax: number;
  fileMaxBytes: number;
  fileTypes: string[];
  uploadSlots: number;
  uploadQueue: number;
  /** One sender's share: uploads running at once, and places in the wait queue. */
  uploadsPerUser: number;
  queuePerUser: number;
  /** A running upload that moves no file bytes for this long fails; also the floor of its deadline. */
  uploadStallMs: number;
  /** Bytes per second an upload must average: its deadline is its size at this rate plus uploadStallMs. */
  uploadMinRate: number;
  /** A file offered to a client that asks first (hello feature `file-consent`) is withdrawn when not answered within this. */
  offerTimeoutMs: number;
  /** Offers waiting for an answer, at most, to one recipient and from one sender (on this server). */
  offersPerUser: number;
  loginAttempts: number;
  loginTimeoutMs: number;
  heartbeatMs: number;
  shutdownGraceMs: number;
  maxFrameBytes: number;
  floodRate: number;
  floodBurst: number;
  /** Every frame a connection sends, logged in or not, counts against these; past the burst it is dropped. */
  frameRate: number;
  frameBurst: number;
  /** Bytes of JSON frames (file chunks count as frames only: the upload credit bounds their bytes). */
  byteRate: number;
  byteBurst: number;
  /** A frame, once begun, must arrive whole within this: bytes that never make a frame are no sign of life. */
  frameTimeoutMs: number;
  outBufferBytes: number;
  outputBudgetBytes: number;
  commandTimeoutMs: number;
  maxConnections: number;
  /** Connections open at once from one client network (see prefixV4, prefixV6). */
  maxConnectionsPerAddress: number;
  /** Leading bits of a client address that make its network: IPv4, and IPv6. */
  prefixV4: number;
  prefixV6: number;
  /** New connections a second per client network (0: no limit), and how many may come at once. */
  connectRate: number;
  connectBurst: number;
  /** Redis URL of the network this server is a node of (SPEC §8); null for the embedded default. */
  redisUrl: string | null;
  /** Shared by the nodes of a network: they sign what they send each other and drop what fails. */
  networkSecret: string | null;
  /** PEM files for a rediss:// Redis: a private CA to trust, and a client certificate and its key. */
  redisCa: string | null;
  redisCert: string | null;
  redisKey: string | null;
  /** Worker processes sharing the port (node:cluster); needs redisUrl. 0 runs in this process. */
  workers: number;
  /** A node that has not renewed its lease for this long is dead (its users are dropped) or, if alive, fenced. */
  nodeLeaseMs: number;
  /** PEM files of the server's TLS certificate and key (reloaded on SIGHUP), or null. */
  tlsCert: string | null;
  tlsKey: string | null;
  /** --tls auto: a self-signed certificate, made on first start in stateDir. */
  tlsAuto: boolean;
  /** Refuse connections that do not start TLS. */
  requireTls: boolean;
  /** Where the server keeps what outlives a run: accounts.sqlite, the --tls auto certificate. */
  stateDir: string;
  /** Only registered names may log in. */
  accountsOnly: boolean;
  /** --password-file / $CHATSERVER_PASSWORD: every login must give it (IRC's PASS). */
  serverPassword: string | null;
}

export const CHUNK_BYTES = 64 * 1024;

export const DEFAULTS: ServerConfig = {
  port: 5000,
  host: '',
  logFile: 'server.log',
  logToStdout: true,
  logMessages: false,
  pluginNames: null,
  pluginDirs: [],
  pluginPackages: [],
  watch: false,
  configFile: null,
  usernameMax: 16,
  roomNameMax: 32,
  roomCapacity: 15,
  messageMax: 2000,
  fileMaxBytes: 3 * 1024 * 1024,
  fileTypes: ['.txt', '.pdf', '.jpg', '.png'],
  uploadSlots: 5,
  uploadQueue: 50,
  uploadsPerUser: 2,
  queuePerUser: 5,
  uploadStallMs: 30_000,
  // A 3 MiB file gets 192 s + 30 s: slow links pass, a slot cannot be held for long.
  uploadMinRate: 16 * 1024,
  offerTimeoutMs: 120_000,
  offersPerUser: 10,
  loginAttempts: 5,
  loginTimeoutMs: 30_000,
  heartbeatMs: 45_000,
  shutdownGraceMs: 5_000,
  maxFrameBytes: 128 * 1024,
  floodRate: 20,
  floodBurst: 40,
  // Far above what chatclient sends (commands at 20/s; 64 KiB file chunks paced to the rate, some
  // 28 MiB/s), while a connection dropped for flooding has cost the others little.
  frameRate: 500,
  frameBurst: 250,
  byteRate: 256 * 1024,
  byteBurst: 1024 * 1024,
  // A whole 128 KiB frame at 4.4 KiB/s: a slow link gets through, a trickle does not.
  frameTimeoutMs: 30_000,
  outBufferBytes: 4 * 1024 * 1024,
  // All clients' unsent bytes together. What readers hold is small (uploads go in 256 KiB
  // windows, chat is flood-limited), so this is 32 clients at --out-buffer: enough for the
  // slow readers a server has, while 20,000 clients that do not read cannot take 80 GiB.
  outputBudgetBytes: 128 * 1024 * 1024,
  commandTimeoutMs: 10_000,
  maxConnections: 20_000,
  // Room for a classroom or an office behind one NAT address, while one host cannot take the
  // whole server. Counted per network: one host usually has a whole IPv6 /64, and may have
  // several addresses of an IPv4 /24. Load tests and benchmarks from 127.0.0.1 raise it.
  maxConnectionsPerAddress: 64,
  prefixV4: 24,
  prefixV6: 64,
  // The burst lets a whole classroom reconnect at once after a restart; the rate bounds what
  // connect/disconnect churn from one network costs the server (and its log).
  connectRate: 10,
  connectBurst: 64,
  redisUrl: null,
  networkSecret: null,
  redisCa: null,
  redisCert: null,
  redisKey: null,
  workers: 0,
  nodeLeaseMs: 5_000,
  tlsCert: null,
  tlsKey: null,
  tlsAuto: false,
  requireTls: false,
  stateDir: './chatserver-state',
  accountsOnly: false,
  serverPassword: null,
};

export function limitsOf(c: ServerConfig): Limits {
  return {
    maxFrameBytes: c.maxFrameBytes,
    usernameMax: c.usernameMax,
    roomNameMax: c.roomNameMax,
    roomCapacity: c.roomCapacity,
    messageMax: c.messageMax,
    fileMaxBytes: c.fileMaxBytes,
    fileTypes: c.fileTypes,
    chunkBytes: CHUNK_BYTES,
    uploadSlots: c.uploadSlots,
    uploadQueue: c.uploadQueue,
    loginAttempts: c.loginAttempts,
    loginTimeoutMs: c.loginTimeoutMs,
    heartbeatMs: c.heartbeatMs,
    floodRate: c.floodRate,
    floodBurst: c.floodBurst,
    frameRate: c.frameRate,
    frameBurst: c.frameBurst,
    byteRate: c.byteRate,
    byteBurst: c.byteBurst,
  };
}
