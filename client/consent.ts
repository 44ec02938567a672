import { classifyLine, parseCommandArgs } from '../core/protocol/command-line.js';
import type { CommandManifest } from '../core/protocol/messages.js';

/**
 * The client's own commands for files offered to it: they answer the offers this client holds,
 * so they run here, not on the server. A `word` argument named `offer` completes to the names
 * of the files waiting (and their senders).
 */
export const CONSENT_COMMANDS: readonly CommandManifest[] = [
  {
    name: 'accept',
    aliases: [],
    usage: '/accept [file|user|all]',
    summary: 'Take a file someone offered you: the only one waiting, or the one named (client)',
    args: [{ name: 'offer', kind: 'word', optional: true }],
  },
  {
    name: 'decline',
    aliases: [],
    usage: '/decline [file|user|all]',
    summary: 'Refuse a file someone offered you (client)',
    args: [{ name: 'offer', kind: 'word', optional: true }],
  },
];

/** `/accept report.pdf` as what it answers: undefined for any other line; throws CommandLineError for a bad one. */
export function consentLine(line: string): { accept: boolean; which: string } | undefined {
  const kind = classifyLine(line);
  if (kind.kind !== 'command') return undefined;
  const manifest = CONSENT_COMMANDS.find((c) => c.name === kind.name);
  if (!manifest) return undefined;
  const args = parseCommandArgs(manifest, kind.rest);
  return { accept: manifest.name === 'accept', which: args.offer ?? '' };
}
