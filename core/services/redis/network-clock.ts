import type { RedisNetwork } from './network.js';

const REFRESH_MS = 60_000;

/**
 * Redis's clock, as seen from this node: local time plus an offset measured with TIME (half
 * the round trip counted as the way back). Signed messages are stamped with it, so the nodes'
 * own clocks need not agree; it is measured again every minute, in case this machine's clock
 * is stepped.
 */
export class NetworkClock {
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly net: RedisNetwork) {}

  async start(): Promise<void> {
    await this.measure();
    this.timer = setInterval(() => void this.measure().catch(() => {}), REFRESH_MS);
    this.timer.unref();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async measure(): Promise<void> {
    const sent = Date.now();
    const [seconds, micros] = await this.net.run((redis) => redis.time());
    const received = Date.now();
    this.offset = Number(seconds) * 1000 + Number(micros) / 1000 - (sent + received) / 2;
  }
}
