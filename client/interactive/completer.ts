import type { CommandManifest } from '../../core/protocol/messages.js';
import { analyse, commandCandidates, complete, substitute, type Candidate, type Target } from './completion.js';
import { sanitize } from '../sanitize.js';
import { displayWidth } from './layout.js';

/** Where candidates come from: the manifest, the server's presence lists, the local disk. */
export interface CompletionSources {
  commands(): readonly CommandManifest[];
  users(): Promise<string[]>;
  rooms(): Promise<string[]>;
  files(prefix: string): Promise<Candidate[]>;
  /** Names of the files offered to us and waiting for an answer, and of their senders. */
  offers(): string[];
  /** Our own name, left out of user candidates. */
  self(): string;
}

export type TabResult =
  | { ok: true; line: string; cursor: number; choices: Candidate[]; current?: number }
  | { ok: false; reason?: string };

interface Cycle {
  /** The line as the completion left it; another Tab on exactly this line cycles. */
  line: string;
  cursor: number;
  /** The line with the common prefix, which each choice replaces. */
  origin: { line: string; cursor: number };
  target: Target;
  choices: Candidate[];
  index: number;
}

const NOUNS = { command: 'command', user: 'user', room: 'room', file: 'file', offer: 'file offer' } as const;

/**
 * Tab completion with shell manners: the first Tab completes as far as all candidates agree
 * and lists them; each further Tab on the unchanged line puts in the next one (Shift+Tab the
 * previous one). Any edit starts afresh.
 */
export class Completer {
  private cycle: Cycle | undefined;

  constructor(private readonly sources: CompletionSources) {}

  reset(): void {
    this.cycle = undefined;
  }

  async tab(line: string, cursor: number, reverse = false): Promise<TabResult> {
    const cycle = this.cycle;
    if (cycle && cycle.line === line && cycle.cursor === cursor) return this.step(cycle, reverse);
    this.cycle = undefined;
    const analysis = analyse(line, cursor, this.sources.commands());
    if (!analysis.ok) return analysis;
    const { target } = analysis;
    // A name that would put control characters into the input line is never offered.
    const candidates = (await this.candidates(target)).filter((c) => sanitize(c.value) === c.value);
    const done = complete(line, cursor, target, candidates);
    if (!done) {
      const what = target.prefix ? `no ${NOUNS[target.kind]} starting with '${target.prefix}'` : `no ${NOUNS[target.kind]}s to complete`;
      return { ok: false, reason: what };
    }
    if (done.choices.length > 1) {
      this.cycle = { line: done.line, cursor: done.cursor, origin: { line: done.line, cursor: done.cursor }, target, choices: done.choices, index: -1 };
    }
    return { ok: true, ...done };
  }

  private step(cycle: Cycle, reverse: boolean): TabResult {
    const n = cycle.choices.length;
    cycle.index = reverse ? (cycle.index <= 0 ? n - 1 : cycle.index - 1) : (cycle.index + 1) % n;
    const next = substitute(cycle.origin.line, cycle.origin.cursor, cycle.target, cycle.choices[cycle.index]!);
    cycle.line = next.line;
    cycle.cursor = next.cursor;
    return { ok: true, ...next, choices: cycle.choices, current: cycle.index };
  }

  private async candidates(target: Target): Promise<Candidate[]> {
    const names = (list: string[]) => list.map((value) => ({ value, final: true }));
    switch (target.kind) {
      case 'command':
        // Only the command being run starts the line (with its slash); one named as an argument does not.
        return commandCandidates(this.sources.commands(), target.start === 0);
      case 'user': {
        const self = this.sources.self().toLowerCase();
        return names((await this.sources.users()).filter((u) => u.toLowerCase() !== self));
      }
      case 'room':
        return names(await this.sources.rooms());
      case 'file':
        return this.sources.files(target.prefix);
      case 'offer':
        return names([...new Set(this.sources.offers()), 'all']);
    }
  }
}

/**
 * The candidate list in at most `maxRows` rows of `width` columns, the current one in
 * brackets, with a count of those that did not fit. When the current one would not fit, the
 * list starts from it.
 */
export function choiceRows(choices: readonly Candidate[], current: number | undefined, width: number, maxRows = 3): string[] {
  const fitted = pack(choices, 0, current, width, maxRows);
  if (current === undefined || current < fitted.shown) return fitted.rows;
  return pack(choices, current, current, width, maxRows).rows;
}

function pack(choices: readonly Candidate[], from: number, current: number | undefined, width: number, maxRows: number): { rows: string[]; shown: number } {
  const rows: string[] = [];
  let row = from > 0 ? `… ${from} more` : '';
  for (let i = from; i < choices.length; i++) {
    const name = choices[i]!.display ?? choices[i]!.value;
    const item = i === current ? `[${name}]` : name;
    const next = row ? `${row}  ${item}` : item;
    const last = rows.length === maxRows - 1;
    // On the last row, leave room for the count of what did not fit.
    const room = last && i < choices.length - 1 ? width - `  … ${choices.length - i - 1} more`.length : width;
    if (displayWidth(next) <= room || !row) {
      row = next;
      continue;
    }
    if (last) {
      rows.push(`${row}  … ${choices.length - i} more`);
      return { rows, shown: i };
    }
    rows.push(row);
    row = item;
  }
  rows.push(row);
  return { rows, shown: choices.length };
}
