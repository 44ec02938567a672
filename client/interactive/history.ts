/**
 * Submitted lines for Up/Down recall, newest last, capped. While browsing, the line that was
 * being typed is kept as a draft and comes back after the newest entry.
 */
export class History {
  private readonly entries: string[] = [];
  /** Index into entries while browsing; entries.length means "at the draft". */
  private index = 0;
  private draft = '';

  constructor(private readonly limit = 500) {}

  get size(): number {
    return this.entries.length;
  }

  push(line: string): void {
    if (line.trim().length > 0 && this.entries.at(-1) !== line) {
      this.entries.push(line);
      if (this.entries.length > this.limit) this.entries.shift();
    }
    this.index = this.entries.length;
    this.draft = '';
  }

  /** The older entry, or undefined at the oldest. `current` is what the input holds now. */
  older(current: string): string | undefined {
    if (this.index === 0) return undefined;
    if (this.index === this.entries.length) this.draft = current;
    return this.entries[--this.index];
  }

  /** The newer entry, the draft after the newest, or undefined when already at the draft. */
  newer(): string | undefined {
    if (this.index >= this.entries.length) return undefined;
    this.index++;
    return this.index === this.entries.length ? this.draft : this.entries[this.index];
  }
}
