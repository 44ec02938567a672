import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ExecutionContext } from 'ava';

const START_MS = 15_000;

/** A free loopback port, found by letting the system pick one and giving it back. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * A real redis-server of the test's own, on a free loopback port, with no persistence. It can be
 * stopped and started again on the same port (a Redis outage), and is killed by its PID at the
 * end of the test.
 */
export class TestRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(t: ExecutionContext): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    t.teardown(() => redis.kill());
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (again) and resolves once it accepts connections. */
  async resume(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), START_MS);
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        output += text;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${output}`));
      });
    });
    child.stdout!.resume();
  }

  /** Kills redis-server by its PID and resolves once it has exited (its data is gone). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  kill(): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * A TCP link between one node and Redis that the test can cut and restore: while down, every
 * connection through it is dropped and new ones are closed at once (a network partition of
 * that node alone, while Redis and the other nodes carry on).
 */
export class RedisLink {
  private readonly sockets = new Set<Socket>();
  private up = true;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(t: ExecutionContext, target: number): Promise<RedisLink> {
    let link: RedisLink | undefined;
    const server = createServer((client) => {
      if (!link!.up) return void client.destroy();
      const upstream = connect({ host: '127.0.0.1', port: target });
      for (const s of [client, upstream]) {
        link!.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          link!.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    link = new RedisLink(server, (server.address() as AddressInfo).port);
    t.teardown(() => link!.close());
    return link;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  close(): void {
    this.cut();
    this.server.close();
  }
}
