import { freePort, start, stop, waitForPort } from '../processes.js';
import type { Row } from '../results.js';
import { startOurs, type Target } from '../targets.js';
import { fanout, type SteadyOptions } from './steady.js';

/** redis-server on a free loopback port, no persistence, pinned with the servers. */
async function startRedis(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const { child, output } = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 0);
  try {
    await waitForPort(port, child, output);
  } catch (error) {
    await stop(child);
    throw new Error(`redis-server did not start: ${(error as Error).message}`);
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid!, stop: () => stop(child) };
}

/** A node of ours on the network; a chatserver without --redis (an older checkout given with --server) says so. */
async function startNode(url: string): Promise<Target> {
  try {
    return await startOurs(['--redis', url]);
  } catch (error) {
    const message = (error as Error).message;
    if (/redis/i.test(message) && /unknown|unexpected/i.test(message)) {
      throw new Error(`this chatserver has no --redis flag (${message.split('\n').at(-1)}); network workload skipped`);
    }
    throw error;
  }
}

/**
 * (g) Network: the same room fan-out on one node (`single`, the runner's fresh server) and on
 * two nodes sharing a Redis, clients alternating between the nodes so every room spans both.
 * All servers and Redis share core 0, so the two cases have the same CPU to spend.
 */
export async function network(single: Target, options: SteadyOptions): Promise<Row> {
  // Two nodes need the Node generator (two addresses); one node gets the same, to compare.
  const o: SteadyOptions = { ...options, generator: 'node' };
  const one = await fanout(single, o);
  const redis = await startRedis();
  const nodes: Target[] = [];
  try {
    // One at a time, so a node that started is stopped below even when the second fails.
    nodes.push(await startNode(redis.url));
    nodes.push(await startNode(redis.url));
    const pair: Target = { ...nodes[0]!, addresses: nodes.flatMap((n) => n.addresses), pids: [...nodes.flatMap((n) => n.pids), redis.pid] };
    const two = await fanout(pair, o);
    const metrics: Row['metrics'] = {};
    for (const key of ['deliveries/s', 'delivered %', 'p50 ms', 'p99 ms', 'server CPU %', 'server RSS MB']) {
      metrics[`1 node ${key}`] = one.metrics[key]!;
      metrics[`2 nodes ${key}`] = two.metrics[key]!;
    }
    metrics['generator CPU % (2 nodes)'] = two.metrics['generator CPU %']!;
    return { workload: 'network', case: `${o.clients} clients × ${o.rate}/s`, server: 'ours', compare: ['2 nodes p99 ms', '1 node p99 ms'], metrics, note: 'server CPU and RSS of 2 nodes include Redis' };
  } finally {
    for (const n of nodes) await n.stop();
    await redis.stop();
  }
}
