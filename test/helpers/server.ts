import 'reflect-metadata';
import type { ExecutionContext } from 'ava';
import { ChatServer } from '../../core/server/chat-server.js';
import { DEFAULTS, type ServerConfig } from '../../core/config.js';

/** A real server on an ephemeral loopback port, stopped when the test ends. No log output. */
export async function startServer(t: ExecutionContext, overrides: Partial<ServerConfig> = {}): Promise<ChatServer> {
  // Every test client comes from 127.0.0.1, so the per-address limit is raised to the total.
  const server = await ChatServer.start({
    port: 0,
    host: '127.0.0.1',
    logFile: null,
    logToStdout: false,
    maxConnectionsPerAddress: DEFAULTS.maxConnections,
    ...overrides,
  });
  t.teardown(() => server.stop());
  return server;
}
