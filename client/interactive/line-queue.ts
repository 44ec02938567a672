/**
 * Submitted lines waiting for the session loop, in order: a line typed while the previous
 * one is still being handled (a file being read, a login being answered) waits its turn.
 */
export class LineQueue {
  private readonly lines: string[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private closed = false;

  push(line: string): void {
    if (this.closed) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(line);
    else this.lines.push(line);
  }

  /** The next line, or undefined once the queue is closed and empty. */
  next(): Promise<string | undefined> {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  close(): void {
    this.closed = true;
    this.lines.length = 0;
    this.waiter?.(undefined);
    this.waiter = undefined;
  }
}
