import type { Client, Sink } from './drivers/types.js';
import { Histogram } from './histogram.js';
import { CpuMeter, rssOf } from './proc.js';

/** Wall clock with sub-millisecond precision, the same in every part of this process. */
export const now = (): number => performance.timeOrigin + performance.now();

const TEXT_BYTES = 100;
const TS_CHARS = 17; // 13-digit milliseconds, a dot and 3 decimals
const TAG_AT = TS_CHARS + 1;

/** A message text: send time, step tag, padding to TEXT_BYTES. The receiver gets latency from it. */
export function stamp(tag: number): string {
  return `${now().toFixed(3)} ${String(tag).padStart(3, '0')} `.padEnd(TEXT_BYTES, 'x');
}

export interface StepResult {
  clients: number;
  /** Messages per second each client was asked to send. */
  ratePerClient: number;
  seconds: number;
  sentPerSec: number;
  /** Deliveries per second the sends ask for (messages × recipients). */
  offeredPerSec: number;
  /** Deliveries that arrived during the send window, per second (any step's messages). */
  deliveriesPerSec: number;
  expected: number;
  delivered: number;
  /** Delivered / expected for this step's messages, counted after a drain. */
  deliveredRatio: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** Server CPU over the window, in cores (summed over its processes). */
  serverCpu: number;
  serverRss: number;
  /** This process's CPU over the window, in cores: near 1 means the generator was the limit. */
  generatorCpu: number;
  /** How busy each core of the machine was over the window, by anyone (0..1). */
  coreBusy: number[];
}

/** Room lines to the sender's room of 15, or whispers to a random other client. */
export type Mode = 'room' | 'whisper';

/** Logged-in clients in their rooms, sending open-loop traffic one step at a time (either generator). */
export interface Load {
  step(ratePerClient: number, seconds: number): Promise<StepResult>;
  close(): void;
}

/** Sends one message from client i; returns how many deliveries it should make. */
export type Send = (i: number, text: string) => number;

const DRAIN_IDLE_MS = 1000;
const DRAIN_MAX_MS = 15_000;

/**
 * Open-loop traffic: sends at a fixed schedule whatever the server's answers, round-robin over
 * the clients so each sends exactly its rate, and counts what arrives by step tag.
 */
export class Traffic implements Sink {
  private tag = 0;
  private hist = new Histogram();
  private delivered = 0;
  private arrived = 0;
  private errors = 0;
  /** Extra observer of every delivery, for workloads that check who got what. */
  observe?: (client: Client, text: string, whisper: boolean) => void;

  onText(client: Client, text: string, whisper: boolean): void {
    this.arrived++;
    this.observe?.(client, text, whisper);
    if (Number(text.slice(TAG_AT, TAG_AT + 3)) !== this.tag) return;
    this.delivered++;
    this.hist.record(now() - Number(text.slice(0, TS_CHARS)));
  }

  onError(): void {
    this.errors++;
  }

  /** One step: `seconds` of sending at `ratePerClient` from each of `clients` clients, then a drain. */
  async step(clients: number, ratePerClient: number, seconds: number, send: Send, pids: number[]): Promise<StepResult> {
    this.tag = (this.tag % 999) + 1;
    this.hist = new Histogram();
    this.delivered = 0;
    this.errors = 0;
    const tag = this.tag;
    const total = clients * ratePerClient;
    const quota = Math.round(total * seconds);
    const meter = new CpuMeter([...pids, process.pid]);
    const arrivedBefore = this.arrived;
    let sent = 0;
    let expected = 0;
    let cursor = Math.floor(Math.random() * clients);
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = (performance.now() - t0) / 1000;
        const due = Math.min(quota, Math.floor(elapsed * total));
        for (; sent < due; sent++) {
          expected += send(cursor, stamp(tag));
          cursor = cursor + 1 === clients ? 0 : cursor + 1;
        }
        if (sent >= quota) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const windowSeconds = (performance.now() - t0) / 1000;
    const cpu = meter.read();
    const coreBusy = meter.coreBusy();
    const arrived = this.arrived - arrivedBefore;
    const serverRss = pids.reduce((sum, pid) => sum + rssOf(pid), 0);
    await this.drain(expected);
    return {
      clients,
      ratePerClient,
      seconds: windowSeconds,
      sentPerSec: sent / windowSeconds,
      offeredPerSec: expected / windowSeconds,
      deliveriesPerSec: arrived / windowSeconds,
      expected,
      delivered: this.delivered,
      deliveredRatio: expected > 0 ? this.delivered / expected : 1,
      p50: this.hist.quantile(0.5),
      p99: this.hist.quantile(0.99),
      max: this.hist.max,
      errors: this.errors,
      serverCpu: cpu.slice(0, -1).reduce((a, b) => a + b, 0),
      serverRss,
      generatorCpu: cpu.at(-1)!,
      coreBusy,
    };
  }

  /** Waits until every expected delivery has arrived, or none for a second, or 15 s. */
  private async drain(expected: number): Promise<void> {
    const start = performance.now();
    let last = this.delivered;
    let lastChange = start;
    while (this.delivered < expected && performance.now() - lastChange < DRAIN_IDLE_MS && performance.now() - start < DRAIN_MAX_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (this.delivered !== last) {
        last = this.delivered;
        lastChange = performance.now();
      }
    }
  }
}
