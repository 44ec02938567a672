import type { ExecutionContext } from 'ava';
import { createServer, connect, type Socket } from 'node:net';

export interface Proxy {
  port: number;
  /** Destroys every connection through the proxy at once, without a word: a lost connection. */
  cut(): void;
  /** Cuts, and refuses new connections until `restore()`: a network partition of that link alone. */
  partition(): void;
  restore(): void;
}

/**
 * A TCP proxy on loopback in front of a server. With `upload`, bytes from the client to the
 * server pass at most `bytes` per `everyMs` (a slow uplink, so a transfer takes a while).
 */
export async function startProxy(t: ExecutionContext, target: number, upload?: { bytes: number; everyMs: number }): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let up = true;
  const server = createServer((client) => {
    if (!up) return void client.destroy();
    const upstream = connect({ host: '127.0.0.1', port: target });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    if (!upload) return void client.pipe(upstream);
    // A byte budget renewed every tick; the client is not read while bytes wait.
    const waiting: Buffer[] = [];
    let budget = 0;
    const drain = () => {
      while (budget > 0 && waiting.length > 0) {
        const head = waiting[0]!;
        const n = Math.min(budget, head.length);
        upstream.write(head.subarray(0, n));
        budget -= n;
        if (n === head.length) waiting.shift();
        else waiting[0] = head.subarray(n);
      }
      if (waiting.length === 0) client.resume();
    };
    const tick = setInterval(() => {
      budget = upload.bytes;
      drain();
    }, upload.everyMs);
    client.on('close', () => clearInterval(tick));
    client.on('data', (data: Buffer) => {
      waiting.push(data);
      client.pause();
      drain();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const address = server.address();
  const cut = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut,
    partition: () => {
      up = false;
      cut();
    },
    restore: () => {
      up = true;
    },
  };
}
