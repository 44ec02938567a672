import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export interface HiddenPrompt {
  /** Shows `question` on stderr and reads a line that is not echoed: a string, or why there is none. */
  ask(question: string): Promise<{ answer: string } | { ended: 'cancelled' | 'closed' }>;
  close(): void;
}

/** Questions on the terminal whose answers (passwords) are typed unseen. Needs stdin to be a TTY. */
export function hiddenPrompt(): HiddenPrompt {
  // Readline edits the line as usual (raw mode, so Ctrl+C is a key), but draws it on an output that discards everything.
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  let end: (why: 'cancelled' | 'closed') => void = () => {};
  rl.on('close', () => end('closed'));
  rl.on('SIGINT', () => end('cancelled'));
  return {
    ask: (question) =>
      new Promise((resolve) => {
        end = (why) => resolve({ ended: why });
        process.stderr.write(question);
        rl.question('', (answer) => {
          process.stderr.write('\n');
          resolve({ answer });
        });
      }),
    close: () => rl.close(),
  };
}
