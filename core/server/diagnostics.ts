import { readdirSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import type { ChatServer, ServerStats } from './chat-server.js';

/** What a leak check compares before and after a load: the server's counters and the process's. */
export interface Diagnostics extends ServerStats {
  /** `process.getActiveResourcesInfo()` counted by type (sockets, timers, file requests...). */
  resources: Record<string, number>;
  /** Open file descriptors (`/proc/self/fd`), or -1 where there is no such folder. */
  fds: number;
  /** `process.memoryUsage().heapUsed`, after a full GC when node runs with --expose-gc. */
  heapUsed: number;
  gc: boolean;
}

export async function diagnostics(server: ChatServer): Promise<Diagnostics> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // A few rounds, so that objects freed by finalizers and closures run in between go too.
  for (let i = 0; i < 3 && gc; i++) {
    gc();
    await turn();
  }
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  let fds = -1;
  try {
    fds = readdirSync('/proc/self/fd').length - 1; // less the descriptor of the listing itself
  } catch {
    // not Linux
  }
  return { ...server.stats(), resources, fds, heapUsed: process.memoryUsage().heapUsed, gc: gc !== undefined };
}

/**
 * Test hook, on only when CHATSERVER_STATS_IPC=1 and the process has an IPC channel (spawned
 * with 'ipc' in its stdio): answers the message `{ t: 'stats' }` with `{ t: 'stats', ...Diagnostics }`.
 * The leak tests and `npm run soak` use it (see docs/reliability.md). When the parent goes away
 * the server stops as on SIGTERM, so a crashed test run leaves no server behind.
 */
export function serveDiagnostics(server: ChatServer): void {
  if (process.env.CHATSERVER_STATS_IPC !== '1' || !process.send) return;
  process.on('message', (message: { t?: string }) => {
    if (message?.t !== 'stats') return;
    void diagnostics(server).then((stats) => process.send?.({ t: 'stats', ...stats }));
  });
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
