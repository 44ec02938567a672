import type { ActionLog } from '../../tokens.js';
import type { Rejection } from './signer.js';

const INTERVAL_MS = 10_000;

/**
 * Messages dropped from the network, logged as `network-rejected bad-signature=12` at most once
 * per 10 s with the counts since the line before, so a flood of forgeries cannot flood the log.
 */
export class DropLog {
  private counts: Partial<Record<Rejection, number>> = {};
  private timer: NodeJS.Timeout | undefined;
  private lastAt = -Infinity;

  constructor(private readonly log: ActionLog) {}

  add(reason: Rejection): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
    if (this.timer) return;
    const wait = this.lastAt + INTERVAL_MS - Date.now();
    if (wait <= 0) return this.flush();
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private flush(): void {
    this.timer = undefined;
    this.lastAt = Date.now();
    this.log.action('network-rejected', this.counts);
    this.counts = {};
  }
}
