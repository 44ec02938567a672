import { formatBytes } from '../../core/protocol/file-rules.js';
import { sanitize } from '../sanitize.js';
import type { TransferProgress } from '../transfers.js';
import { displayWidth, truncate } from './layout.js';

interface Running {
  progress: TransferProgress;
  started: number;
}

const BAR = 10;

/**
 * The live progress lines of running uploads and downloads. A transfer gets a line only once
 * it has run for `showAfterMs` (a quick one would just flicker); the line goes when the
 * transfer ends, and the session prints the outcome in its place.
 */
export class ProgressBoard {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly showAfterMs = 500,
  ) {}

  get active(): boolean {
    return this.running.size > 0;
  }

  update(progress: TransferProgress): void {
    const key = `${progress.direction}:${progress.transfer}`;
    switch (progress.state) {
      case 'started':
        this.running.set(key, { progress, started: this.now() });
        return;
      case 'progress': {
        const running = this.running.get(key);
        if (running) running.progress = progress;
        else this.running.set(key, { progress, started: this.now() });
        return;
      }
      case 'done':
      case 'failed':
        this.running.delete(key);
        return;
      case 'queued':
        return;
    }
  }

  /** One line per transfer that has been running long enough, oldest first, fitted to `width`. */
  lines(width = Infinity): string[] {
    const now = this.now();
    return [...this.running.values()].filter((r) => now - r.started >= this.showAfterMs).map((r) => progressLine(r.progress, now - r.started, width));
  }
}

/**
 * `receiving photo.jpg from bob  42% [####------] 1.3 MiB of 3 MiB, 850 KiB/s`, or a shorter
 * form when that does not fit in `width` columns.
 */
export function progressLine(p: TransferProgress, elapsedMs: number, width = Infinity): string {
  const share = p.total > 0 ? Math.min(p.bytes / p.total, 1) : 1;
  const filled = Math.round(share * BAR);
  const rate = `${formatBytes(Math.round(elapsedMs > 0 ? (p.bytes * 1000) / elapsedMs : 0))}/s`;
  const name = truncate(sanitize(p.name), 32);
  const peer = sanitize(p.peer);
  const what = p.direction === 'down' ? `receiving ${name} from ${peer}` : `sending ${name} to ${peer}`;
  const pct = `${Math.floor(share * 100)}%`;
  const short = p.direction === 'down' ? 'recv' : 'send';
  const forms = [
    `${what} ${pct.padStart(4)} [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${formatBytes(p.bytes)} of ${formatBytes(p.total)}, ${rate}`,
    `${short} ${name} ${pct} ${formatBytes(p.bytes)}/${formatBytes(p.total)} ${rate}`,
    `${short} ${pct} ${rate} ${name}`,
  ];
  return forms.find((f) => displayWidth(f) <= width) ?? truncate(forms.at(-1)!, width);
}
