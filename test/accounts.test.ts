import test from 'ava';
import { SqliteAccounts } from '../core/services/accounts/accounts.js';
import { SqliteServerBans } from '../core/services/accounts/server-bans.js';
import { hashPassword, matches } from '../core/services/accounts/password-hash.js';
import { TestClient } from './helpers/client.js';
import { RawClient } from './helpers/raw-peer.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

async function withAccount(stateDir: string, name: string, password: string): Promise<void> {
  const accounts = new SqliteAccounts(stateDir);
  await accounts.add(name, password);
  accounts.close();
}

test('a registered name logs in only with its password, also after a restart on the same state folder', async (t) => {
  const stateDir = await tempDir(t);
  await withAccount(stateDir, 'alice', 'correct horse');
  for (let run = 0; run < 2; run++) {
    const server = await startServer(t, { stateDir });
    const client = await TestClient.connect(t, server.port);
    t.like(await client.connection.login('Alice'), { ok: false, needsPassword: true });
    t.like(await client.connection.login('alice', 'wrong'), { ok: false, reason: 'wrong password', needsPassword: true });
    t.deepEqual(await client.connection.login('alice', 'correct horse'), { ok: true, name: 'alice', registered: true });
    await server.stop();
  }
});

test('unregistered names stay guests, unless the server is accounts-only', async (t) => {
  const open = await startServer(t);
  t.deepEqual(await (await TestClient.connect(t, open.port)).connection.login('bob'), { ok: true, name: 'bob' });
  const closed = await startServer(t, { accountsOnly: true });
  const refused = await (await TestClient.connect(t, closed.port)).connection.login('bob');
  t.like(refused, { ok: false });
  t.regex(refused.ok ? '' : refused.reason, /ask an admin/);
});

test('wrong passwords are throttled per name: after five, even the right one waits', async (t) => {
  const stateDir = await tempDir(t);
  await withAccount(stateDir, 'carol', 'secret1');
  const server = await startServer(t, { stateDir, loginAttempts: 20 });
  const guesser = await TestClient.connect(t, server.port);
  for (let i = 0; i < 5; i++) t.like(await guesser.connection.login('carol', `guess${i}`), { ok: false, reason: 'wrong password' });
  const owner = await TestClient.connect(t, server.port);
  const later = await owner.connection.login('carol', 'secret1');
  t.regex(later.ok ? '' : later.reason, /too many wrong passwords/);
});

async function loginAnswer(client: RawClient, login: object) {
  client.send({ t: 'login', ...login });
  return client.waitForNew((m) => m.t === 'login-ok' || m.t === 'login-refused', 'login answer');
}

test('a server password gates every login, guests and accounts alike; a wrong one uses an attempt', async (t) => {
  const stateDir = await tempDir(t);
  await withAccount(stateDir, 'dave', 'dave-password');
  const server = await startServer(t, { stateDir, serverPassword: 'class of 2026', loginAttempts: 3 });
  const client = await RawClient.connect(t, server.port);
  t.like(await loginAnswer(client, { name: 'erin' }), { t: 'login-refused', needsServerPassword: true, attemptsLeft: 3 });
  t.like(await loginAnswer(client, { name: 'erin', serverPassword: 'class of 2025' }), { t: 'login-refused', reason: 'wrong server password', attemptsLeft: 2 });
  t.like(await loginAnswer(client, { name: 'dave', serverPassword: 'class of 2026' }), { t: 'login-refused', needsPassword: true, attemptsLeft: 2 });
  t.like(await loginAnswer(client, { name: 'dave', serverPassword: 'class of 2026', password: 'dave-password' }), { t: 'login-ok', name: 'dave', registered: true });
  const guest = await RawClient.connect(t, server.port);
  t.deepEqual(await loginAnswer(guest, { name: 'erin', serverPassword: 'class of 2026' }), { t: 'login-ok', name: 'erin' });
});

test('a one-time password logs in only with a new password, which then replaces it', async (t) => {
  const stateDir = await tempDir(t);
  const accounts = new SqliteAccounts(stateDir);
  await accounts.add('frank', 'one-time-1', { mustChange: true });
  accounts.close();
  const server = await startServer(t, { stateDir });
  const client = await RawClient.connect(t, server.port);
  t.like(await loginAnswer(client, { name: 'frank', password: 'one-time-1' }), { t: 'login-refused', needsPassword: true, needsNewPassword: true });
  const weak = await loginAnswer(client, { name: 'frank', password: 'one-time-1', newPassword: 'short' });
  t.like(weak, { t: 'login-refused', needsNewPassword: true });
  t.regex(weak.t === 'login-refused' ? weak.reason : '', /at least 8 characters/);
  t.like(await loginAnswer(client, { name: 'frank', password: 'one-time-1', newPassword: 'frank chose this' }), { t: 'login-ok', name: 'frank' });
  await server.stop();
  const again = await startServer(t, { stateDir });
  const next = await RawClient.connect(t, again.port);
  t.like(await loginAnswer(next, { name: 'frank', password: 'one-time-1' }), { t: 'login-refused', reason: 'wrong password' });
  t.like(await loginAnswer(next, { name: 'frank', password: 'frank chose this' }), { t: 'login-ok', registered: true });
});

test('an account logs in with its role, and sees the commands its role allows', async (t) => {
  const stateDir = await tempDir(t);
  const accounts = new SqliteAccounts(stateDir);
  await accounts.add('grace', 'grace-password', { role: 'admin' });
  accounts.close();
  const server = await startServer(t, { stateDir });
  const admin = await RawClient.connect(t, server.port);
  t.like(await loginAnswer(admin, { name: 'grace', password: 'grace-password' }), { t: 'login-ok', registered: true, role: 'admin' });
  const guest = await RawClient.connect(t, server.port);
  t.deepEqual(await loginAnswer(guest, { name: 'heidi' }), { t: 'login-ok', name: 'heidi' });
  // The welcome lists what a guest may run; the admin's login widens it, a guest's needs nothing more.
  const welcomed = guest.messages.find((m) => m.t === 'welcome');
  const names = welcomed?.t === 'welcome' ? welcomed.commands.map((c) => c.name) : [];
  t.false(names.includes('announce'));
  t.true(names.includes('join'));
  const widened = await admin.waitFor((m) => m.t === 'commands', "the admin's manifest");
  t.true(widened.t === 'commands' && widened.commands.some((c) => c.name === 'announce'), 'the admin is offered /announce');
  t.false(guest.messages.some((m) => m.t === 'commands'), 'a guest is sent no second list');
});

test('a server ban refuses the login of its name or address, with the reason and the time left', async (t) => {
  const stateDir = await tempDir(t);
  const bans = new SqliteServerBans(stateDir);
  await bans.add({ target: { name: 'mallory' }, by: 'root', reason: 'cheating', until: Date.now() + 3_600_000, created: Date.now() });
  bans.close();
  const server = await startServer(t, { stateDir });
  const client = await RawClient.connect(t, server.port);
  const refused = await loginAnswer(client, { name: 'Mallory' });
  t.like(refused, { t: 'login-refused' });
  t.regex(refused.t === 'login-refused' ? refused.reason : '', /^you are banned from this server for (60|59) more min: cheating$/);
  t.like(await loginAnswer(client, { name: 'trent' }), { t: 'login-ok' });
  await server.stop();
  const byAddress = new SqliteServerBans(stateDir);
  await byAddress.add({ target: { address: '127.0.0.0/8' }, by: 'root', created: Date.now() });
  byAddress.close();
  const again = await startServer(t, { stateDir });
  t.like(await loginAnswer(await RawClient.connect(t, again.port), { name: 'trent' }), { t: 'login-refused', reason: 'you are banned from this server' });
});

test('a stored hash whose scrypt parameters would make checking it expensive matches nothing', (t) => {
  const good = hashPassword('secret-pass');
  t.true(matches('secret-pass', good));
  const [kind, , , , salt, hash] = good.split('$');
  for (const [n, r, p] of [[1 << 21, 8, 1], [16384, 1000, 1], [16384, 8, 64]]) t.false(matches('secret-pass', [kind, n, r, p, salt, hash].join('$')), `N=${n} r=${r} p=${p}`);
  t.false(matches('secret-pass', 'scrypt$16384$8$1$x$'), 'malformed');
});
