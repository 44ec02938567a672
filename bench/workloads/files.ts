import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { encodeChunkFrame } from '../../core/protocol/frame.js';
import type { ServerMessage } from '../../core/protocol/messages.js';
import { Cohort, freshPrefix, withTimeout } from '../cohort.js';
import { OursClient } from '../drivers/ours.js';
import { deferred, ignore } from '../drivers/types.js';
import { stepMetrics, type Row } from '../results.js';
import type { Target } from '../targets.js';
import { Traffic } from '../traffic.js';

const FILE_BYTES = 3 * 1024 * 1024;
const CHUNK = 64 * 1024;
const TRANSFER_TIMEOUT_MS = 60_000;

/** A 3 MiB text file (a .txt may hold no NUL byte) and its digest, made once. */
const content = Buffer.alloc(FILE_BYTES, 'benchmark file line\n');
const sha256 = createHash('sha256').update(content).digest('hex');

/**
 * Sends the file from `sender` to `to` by the protocol's upload flow: offer, wait for upload-go,
 * stream chunks within the credit window, upload-end, wait for upload-done.
 */
async function upload(sender: OursClient, to: string, name: string): Promise<void> {
  let transfer = -1;
  let credit = 0;
  let wake = () => {};
  const done = deferred();
  const go = deferred();
  let re = -1;
  let failed: Error | undefined;
  sender.extra = (m: ServerMessage) => {
    if (m.t === 'upload-go' && m.re === re) {
      transfer = m.transfer;
      credit = m.window;
      go.resolve();
    } else if (m.t === 'error' && m.re === re) {
      go.reject(new Error(`${m.code}: ${m.message}`));
    } else if (m.t === 'upload-credit' && m.transfer === transfer) {
      credit += m.bytes;
      wake();
    } else if (m.t === 'upload-done' && m.transfer === transfer) {
      done.resolve();
    } else if (m.t === 'upload-failed' && m.transfer === transfer) {
      failed = new Error(`upload failed: ${m.reason}`);
      go.reject(failed);
      done.reject(failed);
      wake();
    }
  };
  re = sender.command(`/sendfile ${name} ${to}`, [{ arg: 'filename', name, size: FILE_BYTES, sha256 }]);
  await withTimeout(go.promise, TRANSFER_TIMEOUT_MS, `${name} upload-go`);
  for (let sent = 0; sent < FILE_BYTES; ) {
    if (failed) throw failed;
    if (credit <= 0) {
      await withTimeout(new Promise<void>((resolve) => (wake = resolve)), TRANSFER_TIMEOUT_MS, `${name} credit`);
      continue;
    }
    const n = Math.min(CHUNK, credit, FILE_BYTES - sent);
    credit -= n;
    const flushed = sender.socket.write(encodeChunkFrame(transfer, content.subarray(sent, sent + n)));
    sent += n;
    if (!flushed) await withTimeout(once(sender.socket, 'drain'), TRANSFER_TIMEOUT_MS, `${name} drain`);
  }
  sender.send({ t: 'upload-end', transfer });
  await withTimeout(done.promise, TRANSFER_TIMEOUT_MS, `${name} upload-done`);
}

/**
 * (f) Files: chat in rooms at 1 msg/s per client, measured once alone and once while `pairs`
 * senders keep sending 3 MiB files to their receivers. Ours only (IRC has no file transfer).
 */
export async function files(target: Target, chatClients: number, pairs: number, seconds: number): Promise<Row> {
  const traffic = new Traffic();
  const cohort = await Cohort.open(target, chatClients, traffic);
  const senders: OursClient[] = [];
  const receivers: OursClient[] = [];
  let received = 0;
  try {
    const prefix = freshPrefix('f');
    for (let k = 0; k < pairs; k++) {
      senders.push(new OursClient(target.addresses[0]!, `${prefix}s${k}`, ignore));
      const receiver = new OursClient(target.addresses[0]!, `${prefix}r${k}`, ignore);
      receiver.chunk = (_, bytes) => (received += bytes);
      receivers.push(receiver);
    }
    await Promise.all([...senders, ...receivers].map((c) => withTimeout(c.ready, TRANSFER_TIMEOUT_MS, `${c.name} login`)));
    await traffic.step(chatClients, 1, 1, cohort.say, target.pids);
    const alone = stepMetrics(await traffic.step(chatClients, 1, seconds, cohort.say, target.pids));

    let sending = true;
    let completed = 0;
    const t0 = performance.now();
    const loops = Promise.all(
      senders.map(async (sender, k) => {
        for (let n = 0; sending; n++) {
          await upload(sender, receivers[k]!.name, `bench${k}-${n}.txt`);
          completed++;
        }
      }),
    );
    loops.catch(() => {}); // a failed upload is reported below, once the chat step is done
    const during = stepMetrics(await traffic.step(chatClients, 1, seconds, cohort.say, target.pids));
    sending = false;
    await loops;
    const mbps = received / 2 ** 20 / ((performance.now() - t0) / 1000);
    return {
      workload: 'files',
      case: `${pairs} × 3 MiB + ${chatClients} chatting${target.addresses[0]!.tls ? ', TLS' : ''}`,
      server: target.kind,
      compare: ['MB/s'],
      metrics: {
        'MB/s': Number(mbps.toFixed(1)),
        transfers: completed,
        'chat p50 ms alone': alone['p50 ms']!,
        'chat p99 ms alone': alone['p99 ms']!,
        'chat p50 ms during': during['p50 ms']!,
        'chat p99 ms during': during['p99 ms']!,
        'chat delivered % during': during['delivered %']!,
        'server CPU % during': during['server CPU %']!,
        'server RSS MB during': during['server RSS MB']!,
        'generator CPU % during': during['generator CPU %']!,
        'core 0 busy % during': during['core 0 busy %']!,
        'core 1 busy % during': during['core 1 busy %']!,
      },
    };
  } finally {
    cohort.close();
    for (const c of [...senders, ...receivers]) c.close();
  }
}
