import { format } from 'node:util';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * Sends console output through `print` while the prompt owns the terminal: a stray write
 * straight to stdout would land in the middle of the prompt. Returns the undo.
 */
export function routeConsole(print: (lines: string[]) => void): () => void {
  const saved = METHODS.map((m) => [m, console[m]] as const);
  for (const m of METHODS) console[m] = (...args: unknown[]) => print(format(...args).split('\n'));
  return () => {
    for (const [m, fn] of saved) console[m] = fn;
  };
}
