/**
 * Submitted lines for Up/Down recall, newest last, capped. While browsing, the line that was
 * being typed is kept as a draft and comes back after the newest entry. Ctrl+R searches back
 * for a line holding what was typed.
 */
export class History {
  private readonly entries: string[] = [];
  /** Index into entries while browsing; entries.length means "at the draft". */
  private index = 0;
  private draft = '';
  /** What Ctrl+R looks for, until another key ends the search. */
  private query: string | undefined;

  /** Told of every line kept (the file that outlives this run). */
  kept: (line: string) => void = () => {};

  constructor(readonly limit = 500) {}

  get size(): number {
    return this.entries.length;
  }

  /** Lines of an earlier run, oldest first, below anything typed in this one. */
  load(lines: readonly string[]): void {
    this.entries.unshift(...lines.filter((l) => l.trim().length > 0).slice(-this.limit));
    this.entries.splice(0, Math.max(0, this.entries.length - this.limit));
    this.index = this.entries.length;
  }

  push(line: string): void {
    if (line.trim().length > 0 && this.entries.at(-1) !== line) {
      this.entries.push(line);
      if (this.entries.length > this.limit) this.entries.shift();
      this.kept(line);
    }
    this.index = this.entries.length;
    this.draft = '';
    this.query = undefined;
  }

  /** The older entry, or undefined at the oldest. `current` is what the input holds now. */
  older(current: string): string | undefined {
    this.query = undefined;
    if (this.index === 0) return undefined;
    if (this.index === this.entries.length) this.draft = current;
    return this.entries[--this.index];
  }

  /** The newer entry, the draft after the newest, or undefined when already at the draft. */
  newer(): string | undefined {
    this.query = undefined;
    if (this.index >= this.entries.length) return undefined;
    this.index++;
    return this.index === this.entries.length ? this.draft : this.entries[this.index];
  }

  /**
   * Ctrl+R: the next older line holding what was typed when the search began (`current`, the
   * first time; case ignored), or undefined when there is none further back.
   */
  search(current: string): string | undefined {
    if (this.query === undefined) {
      // A new search starts from the newest line, whatever was being browsed.
      this.query = current.toLowerCase();
      this.draft = current;
      this.index = this.entries.length;
    }
    for (let i = this.index - 1; i >= 0; i--) {
      if (this.entries[i]!.toLowerCase().includes(this.query)) {
        this.index = i;
        return this.entries[i];
      }
    }
    return undefined;
  }

  /** Any other key: what is on the line is just a line again. */
  endSearch(): void {
    this.query = undefined;
  }
}
