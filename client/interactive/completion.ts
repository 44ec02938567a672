import { classifyLine } from '../../core/protocol/command-line.js';
import type { CommandManifest } from '../../core/protocol/messages.js';

/** What a word completes to: command names, online users, rooms, local paths. */
export type CompletionKind = 'command' | 'user' | 'room' | 'file' | 'offer';

/** The word under the cursor and what kind of thing it names. */
export interface Target {
  kind: CompletionKind;
  /** Where the word starts in the line (at its opening quote, if any). */
  start: number;
  /** The word as typed up to the cursor, quotes and escapes removed. */
  prefix: string;
  /** A command argument: a value with blanks or quotes is written in double quotes. */
  quoting: boolean;
  /** The user already opened a double quote. */
  quoted: boolean;
  /** A name at the very start of a chat line, completed as "alice: " (IRC's nick completion). */
  addressing: boolean;
}

export type Analysis = { ok: true; target: Target } | { ok: false; reason?: string };

export interface Candidate {
  value: string;
  /** What the candidate list shows (e.g. a path's last part); `value` when absent. */
  display?: string;
  /** A whole word, followed by a space (a directory is not: completion goes on inside it). */
  final: boolean;
}

export interface Completed {
  line: string;
  cursor: number;
  /** The candidates, when there is more than one. */
  choices: Candidate[];
}

/**
 * Finds what Tab completes at `cursor`, from the server's manifest alone: the command name at
 * the start of a line, then each argument by its declared kind. The manifest has no kind for a
 * command name, so a `word` argument named `command` (/help's) is taken to be one, and one named
 * `offer` (/accept's) a file offered to us. A word in
 * chat text (a plain line or a `text` argument) completes to a username. Purely syntactic,
 * like the server's tokenizer (command-line.ts), whose quoting rules it follows.
 */
export function analyse(line: string, cursor: number, commands: readonly CommandManifest[]): Analysis {
  const head = line.slice(0, cursor);
  if (classifyLine(head).kind === 'text') {
    if (head.length === 0) return target('command', 0, '', false);
    return textWord(head, 0);
  }
  const name = /^\/[^ \t]*/.exec(head)![0];
  if (name.length === head.length) return target('command', 0, name, false);
  const command = findCommand(commands, name.slice(1));
  if (!command) return { ok: false, reason: `${name} is not a command here; /help lists them` };
  let pos = name.length;
  for (const spec of command.args) {
    if (spec.kind === 'secret') continue; // asked for apart from the line
    while (pos < head.length && (head[pos] === ' ' || head[pos] === '\t')) pos++;
    if (spec.kind === 'text') return textWord(head, pos);
    const token = readToken(head, pos);
    if (token.end === head.length) {
      if (spec.kind === 'word') return WORD_KINDS[spec.name] ? target(WORD_KINDS[spec.name]!, pos, token.value, true) : { ok: false };
      return target(spec.kind, pos, token.value, true, { quoted: token.quoted && !token.closed });
    }
    pos = token.end;
  }
  return { ok: false, reason: `/${command.name} takes no more arguments (${command.usage})` };
}

/** `word` arguments that name something completion knows: /help's command, /accept's offer. */
const WORD_KINDS: Record<string, CompletionKind | undefined> = { command: 'command', offer: 'offer' };

export function findCommand(commands: readonly CommandManifest[], name: string): CommandManifest | undefined {
  const key = name.toLowerCase();
  return commands.find((c) => c.name === key || c.aliases.includes(key));
}

/** Every command name and alias, as typed: `/join`, `/j` (`join`, `j` without the slash, as arguments). */
export function commandCandidates(commands: readonly CommandManifest[], slash = true): Candidate[] {
  return commands.flatMap((c) => [c.name, ...c.aliases]).map((n) => ({ value: slash ? `/${n}` : n, final: true }));
}

/**
 * Completes the target's word from the candidates: one match is written out in full; several
 * give their longest common prefix and are listed. Names of users, rooms and commands match
 * ignoring case (as the server does); paths do not.
 */
export function complete(line: string, cursor: number, t: Target, candidates: readonly Candidate[]): Completed | undefined {
  const caseless = t.kind !== 'file';
  const matches = sortCandidates(candidates.filter((c) => startsWith(c.value, t.prefix, caseless)));
  if (matches.length === 0) return undefined;
  if (matches.length === 1) return { ...substitute(line, cursor, t, matches[0]!), choices: [] };
  const common = commonPrefix(matches.map((c) => c.value), caseless);
  // Keep what was typed when the common part only differs from it in case.
  const value = common.length > t.prefix.length ? common : t.prefix;
  return { ...substitute(line, cursor, t, { value, final: false }), choices: matches };
}

/** Puts a candidate in place of the target's word, quoted as needed, keeping what follows. */
export function substitute(line: string, cursor: number, t: Target, c: Candidate): { line: string; cursor: number } {
  const after = line.slice(cursor);
  let word = c.value;
  if (t.quoting && (t.quoted || /[ \t]/.test(word) || word.startsWith('"'))) {
    word = `"${word.replace(/[\\"]/g, '\\$&')}${c.final ? '"' : ''}`;
  }
  if (c.final && !after.startsWith(' ')) word += t.addressing ? ': ' : ' ';
  const before = line.slice(0, t.start) + word;
  return { line: before + after, cursor: before.length };
}

function sortCandidates(list: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return [...list]
    .sort((a, b) => a.value.localeCompare(b.value, 'en', { sensitivity: 'base' }) || (a.value < b.value ? -1 : 1))
    .filter((c) => !seen.has(c.value) && seen.add(c.value));
}

function startsWith(value: string, prefix: string, caseless: boolean): boolean {
  return caseless ? value.toLowerCase().startsWith(prefix.toLowerCase()) : value.startsWith(prefix);
}

function commonPrefix(values: readonly string[], caseless: boolean): string {
  const first = values[0] ?? '';
  let n = first.length;
  for (const v of values) {
    let i = 0;
    while (i < n && i < v.length && (caseless ? v[i]!.toLowerCase() === first[i]!.toLowerCase() : v[i] === first[i])) i++;
    n = i;
  }
  return first.slice(0, n);
}

/** The word before the cursor in chat text (from `from` on) names a user, if anything. */
function textWord(head: string, from: number): Analysis {
  const start = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), from - 1) + 1;
  if (start === head.length) return { ok: false };
  return target('user', start, head.slice(start), false, { addressing: start === 0 });
}

function target(kind: CompletionKind, start: number, prefix: string, quoting: boolean, extra: Partial<Target> = {}): Analysis {
  return { ok: true, target: { kind, start, prefix, quoting, quoted: false, addressing: false, ...extra } };
}

/** One token the way command-line.ts reads it: a bare run of non-blanks or a quoted string. */
function readToken(text: string, pos: number): { value: string; end: number; quoted: boolean; closed: boolean } {
  if (text[pos] !== '"') {
    let end = pos;
    while (end < text.length && text[end] !== ' ' && text[end] !== '\t') end++;
    return { value: text.slice(pos, end), end, quoted: false, closed: false };
  }
  let value = '';
  for (let i = pos + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') return { value, end: i + 1, quoted: true, closed: true };
    if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) value += text[++i];
    else value += ch;
  }
  return { value, end: text.length, quoted: true, closed: false };
}
