/**
 * How the interactive client waits between attempts to reconnect: 1, 2, 4, 8, 16, then every
 * 30 s, each up to a fifth shorter at random, so the clients of a restarted server do not all
 * come back in the same instant.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - 0.2 * random()));
}

/** "reconnecting in 4 s… (attempt 3)": the line above the prompt while the client waits. */
export function countdownText(leftMs: number, attempt: number): string {
  return `reconnecting in ${Math.max(1, Math.ceil(leftMs / 1000))} s… (attempt ${attempt}); any key retries now, Ctrl+C gives up`;
}

/**
 * Waits `ms`, calling `show` with the time left once a second; `skip()` ends the wait at once
 * (a key pressed). Resolves when the wait is over either way.
 */
export class Countdown {
  private done: (() => void) | undefined;

  wait(ms: number, show: (leftMs: number) => void): Promise<void> {
    const until = Date.now() + ms;
    show(ms);
    return new Promise<void>((resolve) => {
      const tick = setInterval(() => show(until - Date.now()), 1000);
      const timer = setTimeout(() => this.skip(), ms);
      this.done = () => {
        clearInterval(tick);
        clearTimeout(timer);
        resolve();
      };
    });
  }

  get waiting(): boolean {
    return this.done !== undefined;
  }

  skip(): void {
    const done = this.done;
    this.done = undefined;
    done?.();
  }
}
