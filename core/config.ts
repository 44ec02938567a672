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
  usernameMax: number;
  roomNameMax: number;
  roomCapacity: number;
  messageMax: number;
  fileMaxBytes: number;
  fileTypes: string[];
  uploadSlots: number;
  uploadQueue: number;
  loginAttempts: number;
  loginTimeoutMs: number;
  heartbeatMs: number;
  shutdownGraceMs: number;
  maxFrameBytes: number;
  floodRate: number;
  floodBurst: number;
  outBufferBytes: number;
  commandTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
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
  usernameMax: 16,
  roomNameMax: 32,
  roomCapacity: 15,
  messageMax: 2000,
  fileMaxBytes: 3 * 1024 * 1024,
  fileTypes: ['.txt', '.pdf', '.jpg', '.png'],
  uploadSlots: 5,
  uploadQueue: 50,
  loginAttempts: 5,
  loginTimeoutMs: 30_000,
  heartbeatMs: 45_000,
  shutdownGraceMs: 5_000,
  maxFrameBytes: 128 * 1024,
  floodRate: 20,
  floodBurst: 40,
  outBufferBytes: 4 * 1024 * 1024,
  commandTimeoutMs: 10_000,
  maxConnections: 20_000,
  // Room for a classroom or an office behind one NAT address, while one host cannot take the
  // whole server. Load tests and benchmarks from 127.0.0.1 raise it (--max-per-address).
  maxConnectionsPerAddress: 64,
  redisUrl: null,
  networkSecret: null,
  redisCa: null,
  redisCert: null,
  redisKey: null,
  workers: 0,
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
  };
}
