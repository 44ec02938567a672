import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { Cohort, pool } from '../cohort.js';
import { ignore } from '../drivers/types.js';
import { start, stop, waitForOutput } from '../processes.js';
import { CpuMeter, rssOf } from '../proc.js';
import type { Row } from '../results.js';
import type { Target } from '../targets.js';

const SETTLE_MS = 2000;
const KB = 1024;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** (d) Idle: RSS each logged-in client in a room costs the server, (after − before) / N. */
export async function idle(target: Target, clients: number): Promise<Row> {
  const pid = target.pids[0];
  if (pid === undefined) throw new Error('idle needs a server the bench started (its RSS is read from /proc)');
  await pause(SETTLE_MS);
  const before = rssOf(pid);
  const cohort = await Cohort.open(target, clients, ignore);
  let after: number;
  let cpu: number[];
  try {
    await pause(SETTLE_MS);
    const meter = new CpuMeter([pid, process.pid]);
    await pause(SETTLE_MS);
    after = rssOf(pid);
    cpu = meter.read();
  } finally {
    cohort.close(); // before the bare server's sockets: both at once would pass this process's fd limit
  }
  const metrics: Row['metrics'] = {
    'KB per client': Number(((after - before) / clients / KB).toFixed(2)),
    'RSS before MB': Number((before / KB / KB).toFixed(1)),
    'RSS after MB': Number((after / KB / KB).toFixed(1)),
    'idle server CPU %': Math.round(cpu[0]! * 100),
    'generator CPU %': Math.round(cpu[1]! * 100),
  };
  if (target.kind === 'ours') metrics['bare Node net KB per socket'] = Number((await bareNode(clients)).toFixed(2));
  return { workload: 'idle', case: `${clients} clients in rooms`, server: target.kind, compare: ['KB per client'], metrics };
}

const BARE = `require('net').createServer((s) => s.on('error', () => {})).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`;

/** The floor for a Node server: RSS per idle socket of a net server that does nothing. */
async function bareNode(count: number): Promise<number> {
  const { child, output } = start(process.execPath, ['-e', BARE], 0);
  const sockets: Socket[] = [];
  try {
    const port = Number((await waitForOutput(child, output, /port (\d+)/))[1]);
    await pause(SETTLE_MS);
    const before = rssOf(child.pid!);
    await pool(count, 500, async (i) => {
      const socket = connect({ host: '127.0.0.1', port });
      sockets[i] = socket;
      await once(socket, 'connect');
      socket.on('error', () => {});
    });
    await pause(SETTLE_MS);
    return (rssOf(child.pid!) - before) / count / KB;
  } finally {
    for (const s of sockets) s?.destroy();
    await stop(child);
  }
}
