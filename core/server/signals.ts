/**
 * Ctrl+C and SIGTERM as every chatserver process handles them: the first stops gracefully, a
 * second exits at once. `announce` is what the first prints (nothing when empty: a worker's
 * primary has said it already).
 */
export class StopSignals {
  private signalled = false;

  constructor(
    private readonly announce: string,
    private readonly stop: (signal: NodeJS.Signals) => void,
    private readonly force: () => void = () => {},
  ) {
    process.on('SIGINT', this.handle);
    process.on('SIGTERM', this.handle);
  }

  /** Whether a stop has begun; takes the first stop for the caller when not. */
  claim(): boolean {
    if (this.signalled) return false;
    this.signalled = true;
    return true;
  }

  readonly handle = (signal: NodeJS.Signals): void => {
    if (!this.claim()) {
      process.stderr.write(`\n${signal} again: exiting at once\n`);
      this.force();
      process.exit(130);
    }
    if (this.announce) process.stderr.write(`\n${signal}: ${this.announce} (press Ctrl+C again to force)\n`);
    this.stop(signal);
  };
}
