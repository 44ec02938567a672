import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { ExecutionContext } from 'ava';
import { freePort } from './server.js';

const START_MS = 15_000;

export interface TestRedisOptions {
  /** Clients must AUTH with this (requirepass). */
  password?: string;
  /** Serve TLS only (rediss://), with these PEM files; `clientCerts` asks clients for a certificate from `ca`. */
  tls?: { cert: string; key: string; ca: string; clientCerts: boolean };
  /** Persist to an append-only file in this folder, synced at every write, so even a SIGKILL loses nothing. */
  aofDir?: string;
}

/**
 * A real redis-server of the test's own, on a free loopback port, with no persistence unless
 * `aofDir` is given. It can be stopped and started again on the same port (a Redis outage), and
 * is killed by its PID at the end of the test.
 */
export class TestRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly options: TestRedisOptions,
  ) {}

  static async start(t: ExecutionContext, options: TestRedisOptions = {}): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), options);
    t.teardown(() => redis.kill());
    await redis.resume();
    return redis;
  }

  get url(): string {
    const { password, tls } = this.options;
    return `${tls ? 'rediss' : 'redis'}://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (again) and resolves once it accepts connections. */
  async resume(): Promise<void> {
    const { password, tls, aofDir } = this.options;
    const args = tls
      ? ['--port', '0', '--tls-port', String(this.port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca]
      : ['--port', String(this.port)];
    if (tls) args.push('--tls-auth-clients', tls.clientCerts ? 'yes' : 'no');
    if (password) args.push('--requirepass', password);
    args.push('--save', '', ...(aofDir ? ['--appendonly', 'yes', '--dir', aofDir, '--appendfsync', 'always'] : ['--appendonly', 'no']));
    const child = spawn('redis-server', [...args, '--bind', '127.0.0.1'], {
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

  /** Kills redis-server by its PID and resolves once it has exited (its data is gone, unless in `aofDir`). */
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
