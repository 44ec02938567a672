import type { ArgKind } from '../protocol/messages.js';

/** One declared argument: plain data, sent to clients in the manifest. */
export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional: boolean;
  readonly description?: string;
}

interface ArgOptions {
  optional?: boolean;
  description?: string;
}

const make =
  (kind: ArgKind) =>
  (name: string, options: ArgOptions = {}): ArgSpec =>
    Object.freeze({ name, kind, optional: options.optional ?? false, description: options.description });

/**
 * Argument builders, one per kind. The core parses and checks each kind before the plugin runs:
 * `word` one token; `user` an online user (case-insensitive, given to the plugin in its canonical
 * spelling); `room` a valid room name; `text` the rest of the line (must be last); `file` a file
 * the client uploads (the plugin receives its offer: name, size, digest).
 *
 * @example
 * args: [arg.user('username'), arg.text('message')]
 */
export const arg = {
  word: make('word'),
  user: make('user'),
  room: make('room'),
  text: make('text'),
  file: make('file'),
};

/** `/whisper <username> <message...>` from the declaration. */
export function usageOf(name: string, args: readonly ArgSpec[]): string {
  const parts = args.map((a) => {
    const label = a.kind === 'text' ? `${a.name}...` : a.name;
    return a.optional ? `[${label}]` : `<${label}>`;
  });
  return [`/${name}`, ...parts].join(' ');
}
