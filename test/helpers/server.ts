import 'reflect-metadata';
import type { ExecutionContext } from 'ava';
import { ChatServer } from '../../core/server/chat-server.js';
import type { ServerConfig } from '../../core/config.js';

/** A real server on an ephemeral loopback port, stopped when the test ends. No log output. */
export async function startServer(t: ExecutionContext, overrides: Partial<ServerConfig> = {}): Promise<ChatServer> {
  const server = await ChatServer.start({ port: 0, host: '127.0.0.1', logFile: null, logToStdout: false, ...overrides });
  t.teardown(() => server.stop());
  return server;
}
