import test, { type ExecutionContext } from 'ava';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprintOf } from '../core/server/tls.js';
import { privatePki } from './helpers/pki.js';
import { Child } from './helpers/process.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';
import { Terminal } from './helpers/terminal.js';
import { eventually } from './helpers/hostile.js';

/** A server with a --tls auto certificate (self-signed) in its own state folder. */
async function selfSignedServer(t: ExecutionContext) {
  const server = await startServer(t, { tlsAuto: true, stateDir: join(await tempDir(t), 'state') });
  return { port: server.port, fingerprint: server.tls!.fingerprint };
}

/** chatclient in scripted mode with its own config folder (never the real ~/.config). */
async function client(t: ExecutionContext, config: string, port: number, args: string[], name = 'alice'): Promise<Child> {
  const child = Child.spawn(t, 'chatclient', ['127.0.0.1', String(port), '--user', name, ...args], { XDG_CONFIG_HOME: config, HOME: config });
  child.process.stdin.end('/exit\n');
  await child.exit();
  return child;
}

const knownServers = (config: string) => readFile(join(config, 'chatclient', 'known_servers'), 'utf8');

test('scripted: a self-signed certificate with no --fingerprint is refused with its fingerprint and how to pass it', async (t) => {
  const { port, fingerprint } = await selfSignedServer(t);
  const config = await tempDir(t);
  const child = await client(t, config, port, ['--tls']);
  t.is(child.process.exitCode, 1);
  t.true(child.stderr.includes(`its fingerprint is ${fingerprint}. If that is the one the server printed at start, pass --fingerprint ${fingerprint}`), child.stderr);
  t.notRegex(child.stdout, /logged in/);
  await t.throwsAsync(knownServers(config), { code: 'ENOENT' });
});

test('scripted: --fingerprint that matches logs in over TLS and pins it; later connections need no flag', async (t) => {
  const { port, fingerprint } = await selfSignedServer(t);
  const config = await tempDir(t);
  const first = await client(t, config, port, ['--fingerprint', fingerprint.toLowerCase()]);
  t.regex(first.stdout, /\* logged in as alice/);
  t.is(await knownServers(config), `127.0.0.1:${port} ${fingerprint}\n`);
  const again = await client(t, config, port, ['--tls'], 'bob');
  t.regex(again.stdout, /\* logged in as bob/);
  t.is(again.process.exitCode, 0);
});

test('scripted: a wrong --fingerprint is refused and nothing is pinned', async (t) => {
  const { port, fingerprint } = await selfSignedServer(t);
  const config = await tempDir(t);
  const wrong = `SHA256:${'00:'.repeat(31)}00`;
  const child = await client(t, config, port, ['--tls', '--fingerprint', wrong]);
  t.is(child.process.exitCode, 1);
  t.true(child.stderr.includes(`the server's certificate is ${fingerprint}, not the --fingerprint ${wrong}`), child.stderr);
  await t.throwsAsync(knownServers(config), { code: 'ENOENT' });
});

test('a changed certificate for a pinned server is refused loudly with both fingerprints, even with --fingerprint', async (t) => {
  const { port, fingerprint } = await selfSignedServer(t);
  const config = await tempDir(t);
  const old = `SHA256:${'AB:'.repeat(31)}AB`;
  await mkdir(join(config, 'chatclient'));
  await writeFile(join(config, 'chatclient', 'known_servers'), `127.0.0.1:${port} ${old}\n`);
  for (const args of [['--tls'], ['--fingerprint', fingerprint]]) {
    const child = await client(t, config, port, args);
    t.is(child.process.exitCode, 1);
    t.regex(child.stderr, /THE CERTIFICATE OF 127\.0\.0\.1:\d+ HAS CHANGED: refusing to connect/);
    t.true(child.stderr.includes(`pinned: ${old}`) && child.stderr.includes(`now:    ${fingerprint}`), child.stderr);
    t.notRegex(child.stdout, /logged in/);
  }
  t.is(await knownServers(config), `127.0.0.1:${port} ${old}\n`);
});

test('--ca with a private CA: the certificate it signed is accepted without pinning; without --ca it is not', async (t) => {
  const dir = await tempDir(t);
  const pki = await privatePki(dir);
  const server = await startServer(t, { tlsCert: pki.serverCert, tlsKey: pki.serverKey });
  const config = await tempDir(t);
  const trusted = await client(t, config, server.port, ['--tls', '--ca', pki.ca]);
  t.regex(trusted.stdout, /\* logged in as alice/, trusted.stderr);
  await t.throwsAsync(knownServers(config), { code: 'ENOENT' });
  const untrusted = await client(t, config, server.port, ['--tls'], 'bob');
  t.is(untrusted.process.exitCode, 1);
  t.true(untrusted.stderr.includes(fingerprintOf(await readFile(pki.serverCert))), untrusted.stderr);
});

test('--tls against a plain-only server says it does not speak TLS', async (t) => {
  const server = await startServer(t);
  const child = await client(t, await tempDir(t), server.port, ['--tls']);
  t.is(child.process.exitCode, 1);
  t.regex(child.stderr, /does not speak TLS on that port \(leave out --tls\)/);
});

test('interactive: the fingerprint is shown and asked about; yes logs in and pins it, no refuses', async (t) => {
  const { port, fingerprint } = await selfSignedServer(t);
  const config = await tempDir(t);
  const env = { XDG_CONFIG_HOME: config, HOME: config };
  const no = await Terminal.run(t, ['127.0.0.1', String(port), '--tls', '--user', 'bob'], { env, columns: 200 });
  await no.waitFor((rows) => rows.join('').includes(fingerprint));
  await no.type('n');
  await no.press('Enter');
  t.is((await no.exited()).code, 1);
  await t.throwsAsync(knownServers(config), { code: 'ENOENT' });

  const yes = await Terminal.run(t, ['127.0.0.1', String(port), '--tls', '--user', 'alice'], { env, columns: 200 });
  await yes.waitFor(/Trust it and remember it\?/);
  await yes.type('y');
  await yes.press('Enter');
  await yes.waitFor('* logged in as alice');
  t.is(await knownServers(config), `127.0.0.1:${port} ${fingerprint}\n`);
});

test('interactive: a user who takes longer to trust the certificate than the server waits for a login is connected again, not dropped', async (t) => {
  const server = await startServer(t, { tlsAuto: true, stateDir: join(await tempDir(t), 'state'), loginTimeoutMs: 2_000 });
  const config = await tempDir(t);
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--tls', '--user', 'alice'], { env: { XDG_CONFIG_HOME: config, HOME: config }, columns: 200 });
  await term.waitFor(/Trust it and remember it\?/);
  // The server has given up on the silent connection by now: wait until it has.
  await eventually(async () => server.stats().connections === 0, 'the server to close the waiting connection');
  await term.type('y');
  await term.press('Enter');
  await term.waitFor('* logged in as alice');
  t.false((await term.screen({ joined: true })).join('\n').includes('closed the connection'));
});
