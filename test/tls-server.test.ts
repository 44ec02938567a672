import test from 'ava';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseServerArgs } from '../core/server/cli.js';
import { privatePki, type PrivatePki } from './helpers/pki.js';
import { Child, spawnServer } from './helpers/process.js';
import { RawClient } from './helpers/raw-client.js';
import { TestRedis } from './helpers/redis.js';
import { tempDir } from './helpers/temp.js';

const run = promisify(execFile);

const fingerprint = async (file: string) => `SHA256:${new X509Certificate(await readFile(file)).fingerprint256}`;

async function tlsServer(t: Parameters<typeof tempDir>[0], extra: string[] = []): Promise<{ port: number; child: Child; pki: PrivatePki; dir: string }> {
  const dir = await tempDir(t);
  const pki = await privatePki(dir);
  const { child, port } = await spawnServer(t, ['--no-log-file', '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, ...extra]);
  return { port, child, pki, dir };
}

test('TLS and plain clients use the same port at once and hear each other', async (t) => {
  const { port, pki } = await tlsServer(t);
  const ca = await readFile(pki.ca, 'utf8');
  const secure = await RawClient.login(t, port, 'secure', { ca });
  const plain = await RawClient.login(t, port, 'plain');
  secure.send({ t: 'cmd', id: 1, line: '/whisper plain over tls' });
  await plain.waitFor((m) => m.t === 'whisper' && m.text === 'over tls');
  plain.send({ t: 'cmd', id: 1, line: '/whisper secure in clear' });
  await secure.waitFor((m) => m.t === 'whisper' && m.text === 'in clear');
  t.is(secure.fingerprint, await fingerprint(pki.serverCert));
});

test('openssl s_client, an independent TLS peer, completes a verified handshake', async (t) => {
  const { port, pki } = await tlsServer(t);
  const openssl = run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.ca, '-verify_return_error'], { timeout: 20_000 });
  openssl.child.stdin!.end(); // nothing to send: s_client handshakes, prints and quits
  const { stdout } = await openssl;
  t.regex(stdout, /Verify return code: 0 \(ok\)/);
  t.regex(stdout, /TLSv1\.3/);
});

test('--require-tls: the plain chatclient shows why it was refused; TLS logs in', async (t) => {
  const { port, pki } = await tlsServer(t, ['--require-tls']);
  const client = Child.spawn(t, 'chatclient', ['127.0.0.1', String(port), '--user', 'plain']);
  const exit = await client.exit();
  t.is(exit.code, 1);
  t.regex(client.stderr, /this server requires TLS: connect with chatclient --tls/);
  await t.notThrowsAsync(RawClient.login(t, port, 'secure', { ca: await readFile(pki.ca) }));
});

test('a peer that sends nothing is still dropped at the login timeout', async (t) => {
  const { port } = await tlsServer(t, ['--login-timeout', '1']);
  const silent = await RawClient.connect(t, port);
  await silent.closedWithin();
  t.true(silent.socket.destroyed);
});

test('--tls auto makes a self-signed certificate once and reuses it: the same fingerprint', async (t) => {
  const state = join(await tempDir(t), 'state');
  const start = async () => {
    const { child, port } = await spawnServer(t, ['--no-log-file', '--tls', 'auto', '--state-dir', state]);
    const [, shown] = await child.waitFor(/tls on; certificate (SHA256:[0-9A-F:]+)/, 'stderr');
    const client = await RawClient.login(t, port, 'auto', { rejectUnauthorized: false });
    t.is(client.fingerprint, shown);
    client.socket.destroy();
    child.process.kill('SIGTERM');
    await child.exit();
    return shown!;
  };
  const first = await start();
  t.is((await stat(join(state, 'key.pem'))).mode & 0o777, 0o600);
  t.is(await start(), first);
  t.is(await fingerprint(join(state, 'cert.pem')), first);
});

test('SIGHUP loads a new certificate: a TLS connection made before keeps working, a new one gets the new certificate', async (t) => {
  const dir = await tempDir(t);
  const [oldPki, newPki] = await Promise.all([mkdir(join(dir, 'a')).then(() => privatePki(join(dir, 'a'))), mkdir(join(dir, 'b')).then(() => privatePki(join(dir, 'b')))]);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await copyFile(oldPki.serverCert, cert);
  await copyFile(oldPki.serverKey, key);
  const { child, port } = await spawnServer(t, ['--no-log-file', '--tls-cert', cert, '--tls-key', key]);
  const before = await RawClient.login(t, port, 'before', { ca: await readFile(oldPki.ca) });
  await copyFile(newPki.serverCert, cert);
  await copyFile(newPki.serverKey, key);
  child.process.kill('SIGHUP');
  await child.waitFor(/tls-reloaded/);
  const after = await RawClient.login(t, port, 'after', { ca: await readFile(newPki.ca) });
  t.is(after.fingerprint, await fingerprint(newPki.serverCert));
  after.send({ t: 'cmd', id: 1, line: '/whisper before still here?' });
  await before.waitFor((m) => m.t === 'whisper' && m.text === 'still here?');
  t.is(before.fingerprint, await fingerprint(oldPki.serverCert));
});

test('SIGHUP with a broken key keeps the old certificate and says why', async (t) => {
  const dir = await tempDir(t);
  const pki = await privatePki(dir);
  const key = join(dir, 'key.pem');
  await copyFile(pki.serverKey, key);
  const { child, port } = await spawnServer(t, ['--no-log-file', '--tls-cert', pki.serverCert, '--tls-key', key]);
  await copyFile(pki.clientKey, key); // not the certificate's key
  child.process.kill('SIGHUP');
  await child.waitFor(/tls-reload-failed reason=/);
  const client = await RawClient.login(t, port, 'still', { ca: await readFile(pki.ca) });
  t.is(client.fingerprint, await fingerprint(pki.serverCert));
});

test('a connection that has not yet said whether it speaks TLS counts against --max-connections', async (t) => {
  const { port } = await tlsServer(t, ['--max-connections', '1']);
  const silent = await RawClient.connect(t, port);
  const second = await RawClient.connect(t, port);
  const refused = await second.waitFor((m) => m.t === 'error');
  t.like(refused, { code: 'CONNECTION_REFUSED', message: 'server is full' });
  t.false(silent.socket.destroyed);
});

test('TLS flags that do not fit together stop start-up with one line saying what to pass', (t) => {
  t.throws(() => parseServerArgs(['--tls-cert', 'c.pem']), { message: /--tls-cert and --tls-key go together/ });
  t.throws(() => parseServerArgs(['--require-tls']), { message: /--require-tls needs TLS: add --tls auto/ });
  t.throws(() => parseServerArgs(['--tls', 'yes']), { message: /--tls takes 'auto'/ });
  t.throws(() => parseServerArgs(['--tls', 'auto', '--tls-cert', 'c', '--tls-key', 'k']), { message: /--tls auto makes its own certificate/ });
});

test('--workers 2 with --tls auto: every worker serves the one certificate; SIGHUP to the primary reloads it in each worker', async (t) => {
  const redis = await TestRedis.start(t);
  const state = join(await tempDir(t), 'state');
  const child = Child.spawn(t, 'chatserver', ['0', '--host', '127.0.0.1', '--workers', '2', '--redis', redis.url, '--no-log-file', '--tls', 'auto', '--state-dir', state]);
  const [, port] = await child.waitFor(/listening on port (\d+) with 2 workers/, 'stderr');
  const [, shown] = await child.waitFor(/tls on; certificate (SHA256:[0-9A-F:]+)/, 'stderr');
  // Connections go to the workers in turn: four reach both.
  for (const name of ['a', 'b', 'c', 'd']) t.is((await RawClient.login(t, Number(port), name, { rejectUnauthorized: false })).fingerprint, shown);
  child.process.kill('SIGHUP');
  await child.waitFor(/tls-reloaded[^\n]*\n[^]*tls-reloaded/);
  t.is(child.process.exitCode, null, 'the primary is still running');
});
