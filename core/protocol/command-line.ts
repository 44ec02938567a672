import type { ArgManifest } from './messages.js';

/** The command-line syntax both sides share: `/name arg "quoted arg" rest of the text`. */
export type RawArgs = Record<string, string | undefined>;

/** A line that does not fit the declared arguments; `argument` names the one at fault, if any. */
export class CommandLineError extends Error {
  constructor(
    message: string,
    readonly argument?: string,
  ) {
    super(message);
    this.name = 'CommandLineError';
  }
}

interface Declared {
  name: string;
  args: readonly Pick<ArgManifest, 'name' | 'kind' | 'optional'>[];
}

const SPACE = /[ \t]/;

export type LineKind = { readonly kind: 'command'; readonly name: string; readonly rest: string } | { readonly kind: 'text'; readonly text: string };

/**
 * What a typed line is, the same on server and client: `/name rest` runs a command; anything
 * else is plain text for the command the manifest marks `plainText`, where `//text` stands for
 * the text `/text`.
 */
export function classifyLine(line: string): LineKind {
  if (line.startsWith('//')) return { kind: 'text', text: line.slice(1) };
  if (line.startsWith('/')) return { kind: 'command', ...splitCommandLine(line) };
  return { kind: 'text', text: line };
}

/** Splits `/name rest` into the command name (lower-cased) and the unparsed rest. */
export function splitCommandLine(line: string): { name: string; rest: string } {
  const body = line.slice(1);
  const match = /^[^ \t]*/.exec(body)!;
  return { name: match[0].toLowerCase(), rest: body.slice(match[0].length) };
}

/**
 * Reads one token at `pos`: a run of non-blank characters, or a double-quoted string in which
 * `\"` and `\\` stand for themselves (so file names with spaces can be typed).
 */
function readToken(text: string, pos: number): { value: string; next: number } {
  if (text[pos] !== '"') {
    let end = pos;
    while (end < text.length && !SPACE.test(text[end]!)) end++;
    return { value: text.slice(pos, end), next: end };
  }
  let value = '';
  for (let i = pos + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') return { value, next: i + 1 };
    if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[++i];
    } else {
      value += ch;
    }
  }
  throw new CommandLineError('unterminated quote');
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && SPACE.test(text[pos]!)) pos++;
  return pos;
}

/**
 * Matches the rest of a command line against the declared arguments: one token per argument,
 * a `text` argument takes the rest of the line as typed. Purely syntactic; kinds are checked
 * afterwards. Throws CommandLineError for missing or surplus arguments.
 */
export function parseCommandArgs(command: Declared, rest: string): RawArgs {
  const values: RawArgs = {};
  let pos = skipSpace(rest, 0);
  for (const spec of command.args) {
    if (spec.kind === 'secret') continue; // never on the line
    if (pos >= rest.length) {
      if (!spec.optional) throw new CommandLineError(`missing <${spec.name}>`, spec.name);
      values[spec.name] = undefined;
      continue;
    }
    if (spec.kind === 'text') {
      values[spec.name] = rest.slice(pos);
      pos = rest.length;
      continue;
    }
    const token = readToken(rest, pos);
    values[spec.name] = token.value;
    pos = skipSpace(rest, token.next);
  }
  if (pos < rest.length) throw new CommandLineError(`too many arguments for /${command.name}`);
  return values;
}
