import 'reflect-metadata';
import type { ExecutionContext } from 'ava';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { ChatServer } from '../../core/server/chat-server.js';
import { DEFAULTS, type ServerConfig } from '../../core/config.js';
import { tempDir } from './temp.js';

/** A real server on an ephemeral loopback port, stopped when the test ends. No log output. */
export async function startServer(t: ExecutionContext, overrides: Partial<ServerConfig> = {}): Promise<ChatServer> {
  // Every test client comes from 127.0.0.1, so the per-network limit is raised to the total
  // and new connections are not throttled; tests of those limits set them.
  const server = await ChatServer.start({
    port: 0,
    host: '127.0.0.1',
    logFile: null,
    logToStdout: false,
    maxConnectionsPerAddress: DEFAULTS.maxConnections,
    connectRate: 0,
    stateDir: overrides.stateDir ?? (await tempDir(t)),
    ...overrides,
  });
  t.teardown(() => server.stop());
  return server;
}

/** A free loopback port, found by letting the system pick one and giving it back. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
