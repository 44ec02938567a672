import cluster, { type Worker } from 'node:cluster';
import type { ServerConfig } from '../config.js';
import { redact } from '../services/redis/redact.js';
import { VERSION } from '../version.js';
import { StopSignals } from './signals.js';

/** What a worker tells the primary once it listens. */
export interface ListeningMessage {
  t: 'listening';
  port: number;
  commands: string[];
}

/**
 * `--workers N`: this process becomes a primary that runs N chatserver workers on one port
 * (node:cluster hands each new connection to a worker in turn). Each worker is a node of the
 * network behind --redis, so users on different workers see one server. Signals go to the
 * primary, which stops the workers gracefully; a worker that dies is replaced (its users are
 * reaped like those of any dead node).
 */
export function runPrimary(config: ServerConfig): void {
  const listening = new Set<Worker>();
  let stopping = false;
  let announced = false;
  const fork = () => cluster.fork();
  const killAll = (signal: NodeJS.Signals) => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };

  cluster.on('message', (worker, message: ListeningMessage) => {
    if (message?.t !== 'listening') return;
    listening.add(worker);
    if (announced || listening.size < config.workers) return;
    announced = true;
    process.stderr.write(
      `chatserver ${VERSION} listening on port ${message.port} with ${config.workers} workers (network ${redact(config.redisUrl!, config.redisUrl)}) with /${message.commands.join(' /')}\n`,
    );
  });
  cluster.on('exit', (worker, code, signal) => {
    const wasListening = listening.delete(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!announced && !wasListening) {
      // A worker failed to start (it printed why): the server as a whole has not started.
      stopping = true;
      killAll('SIGKILL');
      process.exit(code || 1);
    }
    process.stderr.write(`chatserver: worker ${worker.process.pid} ended (${signal ?? `code ${code}`}); starting another\n`);
    // A replacement that could not start (Redis away, say) is retried every second, not in a tight loop.
    setTimeout(() => stopping || fork(), wasListening ? 0 : 1000);
  });

  new StopSignals(
    `shutting down ${config.workers} workers`,
    () => {
      stopping = true;
      killAll('SIGTERM');
    },
    () => killAll('SIGKILL'),
  );
  // SIGHUP (a renewed TLS certificate) is for the workers, which serve it; it must not end the primary.
  if (config.tlsCert || config.tlsAuto) process.on('SIGHUP', () => killAll('SIGHUP'));
  for (let i = 0; i < config.workers; i++) fork();
}

/** In a worker: tell the primary we listen; stop with it (SIGTERM from it, or its disappearance). */
export function serveAsWorker(port: number, commands: string[], stop: (signal: NodeJS.Signals) => void): void {
  process.send!({ t: 'listening', port, commands } satisfies ListeningMessage);
  // Ctrl+C reaches the whole process group; the primary decides, and sends SIGTERM.
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', () => {});
  process.on('disconnect', () => stop('SIGTERM'));
}

export const isWorker = (): boolean => cluster.isWorker;

/** What tells the workers' lines apart in the one log they share: `worker=2`, none without workers. */
export const workerTag = (): Record<string, number> => (cluster.isWorker ? { worker: cluster.worker!.id } : {});
