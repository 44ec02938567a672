import test from 'ava';
import { SqliteAccounts } from '../core/services/accounts/accounts.js';
import { TestClient } from './helpers/client.js';
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
    t.deepEqual(await client.connection.login('alice', 'correct horse'), { ok: true, name: 'alice' });
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
