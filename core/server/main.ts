import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { StartupError } from '../errors.js';
import { VERSION } from '../version.js';
import { ChatServer } from './chat-server.js';
import { parseServerArgs, serverUsage } from './cli.js';
import { serveDiagnostics } from './diagnostics.js';
import { StopSignals } from './signals.js';
import { TlsIdentity } from './tls.js';
import { isWorker, runPrimary, serveAsWorker } from './workers.js';

/** The chatserver executable: parse flags, start, stop gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  // A terminal that has gone (EPIPE) must not turn every log line into a crash, and the crash's
  // own message into another: the server carries on, and its log file still has everything.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  // An admin tool, not a server: its words would be taken for a port and flags.
  if (process.argv[2] === 'accounts') {
    const { runAccountsCli } = await import('./accounts-cli.js');
    process.exitCode = await runAccountsCli(process.argv.slice(3));
    return;
  }
  const parsed = parseServerArgs(process.argv.slice(2));
  if (parsed.kind === 'help') return void console.log(serverUsage());
  if (parsed.kind === 'version') return void console.log(VERSION);
  if (!isWorker()) for (const warning of parsed.warnings) process.stderr.write(`chatserver: ${warning}\n`);
  if (parsed.config.workers > 0 && !isWorker()) {
    // Made here, once, so that every worker serves the same --tls auto certificate.
    const tls = await TlsIdentity.fromConfig(parsed.config);
    if (tls) process.stderr.write(`${tls.banner}\n`);
    return runPrimary(parsed.config);
  }
  // V8 doubles its young generation, up to 32 MiB, each time much survives a collection, as when
  // thousands of clients log in at once, and keeps it while they idle: at 10,000 idle clients that
  // was about a third of the server's memory. Kept at its initial size, GC costs a little more CPU
  // under full load. (Only the executable: it is process-wide.)
  setFlagsFromString('--semi-space-growth-factor=1');
  const server = await ChatServer.start(parsed.config);
  // As nginx does: SIGHUP takes a renewed certificate without dropping anyone. Set before
  // "listening" is printed, so that no SIGHUP can come in between and end the process.
  if (server.tls) process.on('SIGHUP', () => void server.reloadTls());
  if (!isWorker()) {
    if (server.tls) process.stderr.write(`${server.tls.banner}\n`);
    process.stderr.write(`chatserver ${VERSION} listening on port ${server.port} with /${server.commands.join(' /')}\n`);
    serveDiagnostics(server);
  }

  const signals = new StopSignals(isWorker() ? '' : 'shutting down', (signal) =>
    server.stop(signal).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`shutdown failed: ${error?.stack ?? error}\n`);
        process.exit(1);
      },
    ),
  );
  if (isWorker()) serveAsWorker(server.port, server.commands, signals.handle);
  // Every known path catches its own errors; these are the last resort, so say what happened
  // and shut down cleanly rather than die mid-write.
  const crash = (error: unknown) => {
    process.stderr.write(`chatserver: internal error: ${(error as Error)?.stack ?? error}\n`);
    if (signals.claim()) server.stop('internal error').finally(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`chatserver: ${error.message}\n`);
  } else {
    process.stderr.write(`chatserver: unexpected error: ${(error as Error)?.stack ?? error}\n`);
  }
  process.exit(1);
});
