import { VERSION } from '../core/version.js';
import { CLIENT_USAGE, parseClientArgs, UsageError } from './cli.js';
import { runInteractive } from './interactive/session.js';
import { runScripted } from './scripted.js';

/** The chatclient executable. */
async function main(): Promise<number> {
  const parsed = parseClientArgs(process.argv.slice(2));
  if (parsed.kind === 'help') return void console.log(CLIENT_USAGE), 0;
  if (parsed.kind === 'version') return void console.log(VERSION), 0;
  const { options } = parsed;
  if (process.env.NO_COLOR) options.color = false;
  if (process.stdin.isTTY) return runInteractive(options, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  return runScripted(options, { input: process.stdin, output: process.stdout, errors: process.stderr });
}

main().then(
  (code) => {
    process.exitCode = code;
    // stdin may still hold the process open; nothing more is to be read.
    process.stdin.destroy();
  },
  (error: unknown) => {
    process.stderr.write(`chatclient: ${error instanceof UsageError ? error.message : ((error as Error)?.stack ?? error)}\n`);
    process.exit(2);
  },
);
