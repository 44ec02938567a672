import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redact } from '../core/services/redis/redact.js';
import { ChildServer } from './helpers/child-server.js';
import { TestClient } from './helpers/client.js';
import { eventually } from './helpers/hostile.js';
import { privatePki } from './helpers/pki.js';
import { Child } from './helpers/process.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

// With characters a URL must percent-encode, so both spellings are looked for.
const PASSWORD = 'Sup3r@Secret/42';
const WRONG = 'Wr0ng-Passw0rd';

function noSecret(t: ExecutionContext, text: string, what: string, secret = PASSWORD): void {
  for (const form of [secret, encodeURIComponent(secret)]) t.false(text.includes(form), `${what} holds the password: ${text}`);
}

/** What `ps` shows of a process: its command line. */
const commandLine = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');

test('the Redis password is in no log line and not in ps when the URL comes from a file or the environment', async (t) => {
  const redis = await TestRedis.start(t, { password: PASSWORD });
  const file = join(await tempDir(t), 'redis-url');
  await writeFile(file, `${redis.url}\n`, { mode: 0o600 });
  const [a, b] = await Promise.all([
    ChildServer.start(['--redis-url-file', file]),
    ChildServer.start([], { env: { CHATSERVER_REDIS_URL: redis.url } }),
  ]);
  t.teardown(() => a.kill());
  t.teardown(() => b.kill());
  const alice = await TestClient.login(t, a.port, 'alice');
  await TestClient.login(t, b.port, 'bob');
  t.like(await alice.request('/who'), { text: 'online (2): alice, bob' });
  await redis.stop();
  await eventually(() => a.log().includes('network-error') && b.log().includes('network-error'), 'the outage in both logs');
  await redis.resume();
  for (const node of [a, b]) {
    t.regex(node.log(), new RegExp(`network-joined node=\\w+ redis="redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}"`));
    noSecret(t, node.log(), 'server.log');
    noSecret(t, node.stderr, 'stderr');
    noSecret(t, commandLine(node.child.pid!), 'the command line');
  }
});

test('a failed start says why without the password, on stderr and in server.log, and warns that ps shows a password given as --redis', async (t) => {
  const redis = await TestRedis.start(t, { password: PASSWORD });
  const logFile = join(await tempDir(t), 'server.log');
  const url = `redis://:${WRONG}@127.0.0.1:${redis.port}`;
  const failed = Child.spawn(t, 'chatserver', ['0', '--host', '127.0.0.1', '--log', logFile, '--quiet', '--redis', url]);
  t.like(await failed.exit(), { code: 1 });
  t.is(
    failed.stderr,
    'chatserver: warning: ps shows the Redis password to every user of this machine; give the URL with --redis-url-file FILE or $CHATSERVER_REDIS_URL\n' +
      `chatserver: cannot reach Redis at redis://:***@127.0.0.1:${redis.port}: WRONGPASS invalid username-password pair or user is disabled.\n`,
  );
  const log = readFileSync(logFile, 'utf8');
  t.regex(log, /start-failed reason="cannot reach Redis at redis:\/\/:\*\*\*@/);
  noSecret(t, log, 'server.log', WRONG);
  const torn = Child.spawn(t, 'chatserver', ['0', '--no-log-file'], { CHATSERVER_REDIS_URL: `redis://:${WRONG}@127.0.0.1:${redis.port}:6379` });
  t.like(await torn.exit(), { code: 1 });
  t.is(torn.stderr, `chatserver: --redis (from CHATSERVER_REDIS_URL) needs a URL such as redis://127.0.0.1:6379, not 'redis://:***@127.0.0.1:${redis.port}:6379'\n`);
});

test('rediss:// with a private CA: --redis-ca makes a working node, and without it start-up fails saying what is missing', async (t) => {
  const pki = await privatePki(await tempDir(t));
  const redis = await TestRedis.start(t, { tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, clientCerts: false } });
  const untrusted = Child.spawn(t, 'chatserver', ['0', '--no-log-file', '--redis', redis.url]);
  t.like(await untrusted.exit(), { code: 1 });
  t.regex(
    untrusted.stderr,
    new RegExp(`^chatserver: cannot reach Redis at rediss://127\\.0\\.0\\.1:${redis.port}: .*certificate.* \\(a certificate from a private CA needs --redis-ca FILE\\)\n$`),
  );
  const a = await ChildServer.start(['--redis', redis.url, '--redis-ca', pki.ca]);
  t.teardown(() => a.kill());
  const b = await startServer(t, { redisUrl: redis.url, redisCa: pki.ca });
  const alice = await TestClient.login(t, a.port, 'alice');
  const bob = await TestClient.login(t, b.port, 'bob');
  alice.send('/whisper bob over TLS');
  t.like(await bob.waitFor((e) => e.t === 'whisper'), { from: 'alice', text: 'over TLS' });
});

test('a rediss:// Redis that asks for client certificates gets them from --redis-cert and --redis-key', async (t) => {
  const pki = await privatePki(await tempDir(t));
  const redis = await TestRedis.start(t, { tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, clientCerts: true } });
  const anonymous = Child.spawn(t, 'chatserver', ['0', '--no-log-file', '--redis', redis.url, '--redis-ca', pki.ca]);
  t.like(await anonymous.exit(), { code: 1 });
  t.regex(anonymous.stderr, new RegExp(`^chatserver: cannot reach Redis at rediss://127\\.0\\.0\\.1:${redis.port}: .*--redis-cert FILE --redis-key FILE\\)\n$`));
  const node = await ChildServer.start(['--redis', redis.url, '--redis-ca', pki.ca, '--redis-cert', pki.clientCert, '--redis-key', pki.clientKey]);
  t.teardown(() => node.kill());
  const alice = await TestClient.login(t, node.port, 'alice');
  t.like(await alice.request('/who'), { text: 'online (1): alice' });
});

test('the Redis flags that do not fit together are refused with one clear line', async (t) => {
  const refused = async (args: string[]) => {
    const child = Child.spawn(t, 'chatserver', ['0', '--no-log-file', ...args]);
    t.like(await child.exit(), { code: 1 }, args.join(' '));
    return child.stderr;
  };
  t.is(await refused(['--redis', 'redis://127.0.0.1:1', '--redis-url-file', '/tmp/x']), 'chatserver: give --redis or --redis-url-file, not both\n');
  t.is(await refused(['--redis-url-file', '/nonexistent/url']), 'chatserver: --redis-url-file: cannot read /nonexistent/url: ENOENT\n');
  t.is(await refused(['--redis', 'redis://127.0.0.1:1', '--redis-ca', '/tmp/ca.pem']), 'chatserver: --redis-ca, --redis-cert and --redis-key need a rediss:// URL (Redis over TLS)\n');
  t.is(await refused(['--redis', 'rediss://127.0.0.1:1', '--redis-cert', '/tmp/c.pem']), 'chatserver: --redis-cert and --redis-key go together: a client certificate and its key\n');
});

test('redact masks a password as written in the URL and percent-decoded, and leaves other words alone', (t) => {
  const url = 'redis://app:p%40ss@10.0.0.5:6379';
  t.is(redact(url, url), 'redis://app:***@10.0.0.5:6379');
  t.is(redact('ERR AUTH p@ss called without any password configured', url), 'ERR AUTH *** called without any password configured');
  t.is(redact('WRONGPASS invalid username-password pair', 'redis://:a@h'), 'WRONGPASS invalid username-password pair');
  t.is(redact('redis://:x@y:1:z', 'redis://:x@y:1:z'), 'redis://:***@y:1:z', 'a URL that does not parse');
  t.is(redact('no password here', 'redis://10.0.0.5'), 'no password here');
});
