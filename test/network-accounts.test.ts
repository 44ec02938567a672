import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULTS } from '../core/config.js';
import { StartupError, UserError } from '../core/errors.js';
import { openAccounts } from '../core/services/accounts/open.js';
import type { Accounts, ActionLog } from '../core/tokens.js';
import { TestClient } from './helpers/client.js';
import { Child } from './helpers/process.js';
import { RawClient } from './helpers/raw-peer.js';
import { eventually } from './helpers/hostile.js';
import { TestRedis } from './helpers/redis.js';
import { freePort, startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

const SECRET = 'a network secret of the test';

/** What a CLI has: the configuration's fields, no running server. */
async function accountsOn(t: Parameters<typeof startServer>[0], redisUrl: string, networkSecret: string | null = SECRET, log?: ActionLog): Promise<Accounts> {
  const accounts = await openAccounts({ ...DEFAULTS, stateDir: await tempDir(t), redisUrl, networkSecret }, log);
  t.teardown(() => accounts.close());
  return accounts;
}

function raw(t: Parameters<typeof startServer>[0], redis: TestRedis): Redis {
  const client = new Redis(redis.url);
  t.teardown(() => client.disconnect());
  return client;
}

test('an account added on one node protects the name on every node, and its password works on each', async (t) => {
  const redis = await TestRedis.start(t);
  const [a, b] = await Promise.all([startServer(t, { redisUrl: redis.url, networkSecret: SECRET }), startServer(t, { redisUrl: redis.url, networkSecret: SECRET })]);
  const accounts = await accountsOn(t, redis.url);
  t.true(await accounts.add('Alice', 'correct horse'));
  t.false(await accounts.add('ALICE', 'another one'), 'names are unique ignoring case');

  for (const server of [b, a]) {
    const client = await TestClient.connect(t, server.port);
    t.like(await client.connection.login('alice'), { ok: false, needsPassword: true });
    t.like(await client.connection.login('alice', 'wrong password'), { ok: false, reason: 'wrong password' });
    t.deepEqual(await client.connection.login('alice', 'correct horse'), { ok: true, name: 'alice', registered: true });
    client.connection.close();
    await client.closed;
  }
});

test('the same semantics as the SQLite accounts: roles, one-time passwords, removal, a sorted list', async (t) => {
  const redis = await TestRedis.start(t);
  const accounts = await accountsOn(t, redis.url);
  const before = Date.now();
  t.true(await accounts.add('bob', 'password1', { role: 'admin' }));
  t.true(await accounts.add('Carol', 'password2', { mustChange: true }));
  t.like(await accounts.find('BOB'), { name: 'bob', role: 'admin', mustChange: false });
  t.true((await accounts.find('bob'))!.created >= before);
  t.like(await accounts.find('carol'), { name: 'Carol', role: undefined, mustChange: true });
  t.is(await accounts.find('dave'), undefined);

  t.true(await accounts.setPassword('carol', 'password3'));
  t.like(await accounts.find('carol'), { mustChange: false }, 'a new password clears mustChange');
  t.true(await accounts.verify('CAROL', 'password3'));
  t.false(await accounts.verify('carol', 'password2'));
  t.true(await accounts.setPassword('carol', 'password4', { mustChange: true }));
  t.like(await accounts.find('carol'), { mustChange: true });
  t.false(await accounts.setPassword('dave', 'password5'));

  t.true(await accounts.setRole('carol', 'moderator'));
  t.true(await accounts.setRole('bob', undefined));
  t.false(await accounts.setRole('dave', 'admin'));
  t.deepEqual(
    (await accounts.list()).map(({ name, role }) => ({ name, role })),
    [
      { name: 'bob', role: undefined },
      { name: 'Carol', role: 'moderator' },
    ],
  );
  t.true(await accounts.remove('BOB'));
  t.false(await accounts.remove('bob'));
  t.is(await accounts.find('bob'), undefined);
  t.deepEqual((await accounts.list()).map((a) => a.name), ['Carol']);
  t.true(await accounts.add('bob', 'password6'), 'a removed name can be registered again');
});

test('a Redis restart with persistence (AOF) keeps every account, and a login with its password works again', async (t) => {
  const redis = await TestRedis.start(t, { aofDir: await tempDir(t) });
  const [a, b] = await Promise.all([startServer(t, { redisUrl: redis.url, networkSecret: SECRET }), startServer(t, { redisUrl: redis.url, networkSecret: SECRET })]);
  const accounts = await accountsOn(t, redis.url);
  for (let i = 0; i < 20; i++) t.true(await accounts.add(`user${i}`, `password${i}`, i % 5 === 0 ? { role: 'moderator' } : { mustChange: i % 2 === 1 }));
  t.true(await accounts.setPassword('user3', 'changed password'));
  const saved = await accounts.list();
  t.is(saved.length, 20);
  const watcher = await TestClient.login(t, a.port, 'watcher');

  await redis.stop(); // SIGKILL: only what the AOF holds survives
  await eventually(async () => (await watcher.request('/who')).t === 'error', 'node a to notice that Redis is gone');
  await redis.resume();

  await eventually(async () => (await accounts.list().catch(() => [])).length === 20, 'the accounts to be readable again');
  t.deepEqual(await accounts.list(), saved);
  t.true(await accounts.verify('user3', 'changed password'));
  const client = await TestClient.connect(t, b.port);
  t.like(await client.connection.login('user7'), { ok: false, needsPassword: true });
  let result = await client.connection.login('user3', 'changed password');
  await eventually(async () => result.ok || (result = await client.connection.login('user3', 'changed password')).ok, 'a login with the password to work again');
  t.deepEqual(result, { ok: true, name: 'user3', registered: true });
});

test('while Redis is away, accounts reject with a UserError and a login is refused without using an attempt', async (t) => {
  const redis = await TestRedis.start(t);
  const server = await startServer(t, { redisUrl: redis.url, networkSecret: SECRET, loginAttempts: 3 });
  const accounts = await accountsOn(t, redis.url);
  t.true(await accounts.add('alice', 'correct horse'));
  const client = await TestClient.connect(t, server.port);

  await redis.stop();
  await eventually(async () => (await accounts.find('alice').catch((error: unknown) => error)) instanceof UserError, 'the accounts to notice');
  const error = await t.throwsAsync(accounts.verify('alice', 'correct horse'), { instanceOf: UserError });
  t.is(error?.code, 'ACCOUNTS_UNAVAILABLE');
  await eventually(async () => {
    const refused = await client.connection.login('alice', 'correct horse');
    return !refused.ok && /accounts cannot be checked right now/.test(refused.reason) && refused.attemptsLeft === 3;
  }, 'the login to be refused, with every attempt left');
});

test('with a network secret, a record changed or planted in Redis directly counts as absent, and is logged once', async (t) => {
  const redis = await TestRedis.start(t);
  const rejected: unknown[] = [];
  const log = { action: (name: string, fields?: unknown) => name === 'account-rejected' && rejected.push(fields) } as unknown as ActionLog;
  const accounts = await accountsOn(t, redis.url, SECRET, log);
  const other = await accountsOn(t, redis.url, 'another secret');
  t.true(await accounts.add('mallory', 'password1'));
  t.true(await accounts.add('alice', 'password2', { role: 'admin' }));
  t.true(await other.add('eve', 'password3', { role: 'admin' }), 'sealed with a secret that is not the network’s');
  t.like(await accounts.find('mallory'), { role: undefined });

  const direct = raw(t, redis);
  await direct.hset('chat:account:mallory', 'role', 'admin');
  t.is(await accounts.find('mallory'), undefined, 'a role set without the secret');
  t.false(await accounts.verify('mallory', 'password1'));
  t.false(await accounts.setPassword('mallory', 'password4'), 'an update does not re-seal a changed record');
  t.is(await direct.hget('chat:account:mallory', 'role'), 'admin');
  await direct.hset('chat:account:alice', 'hash', await direct.hget('chat:account:mallory', 'hash') as string);
  t.false(await accounts.verify('alice', 'password1'), 'a password planted from another record');
  t.is(await accounts.find('eve'), undefined);
  await direct.hset('chat:account:huge', { name: 'huge', hash: 'x'.repeat(100_000), role: '', mustChange: '0', created: '1', v: '1' });
  await direct.sadd('chat:accounts', 'huge');
  t.is(await accounts.find('huge'), undefined);
  t.deepEqual(await accounts.list(), []);

  t.deepEqual(rejected, [
    { account: 'mallory', why: 'bad MAC' },
    { account: 'alice', why: 'bad MAC' },
    { account: 'eve', why: 'bad MAC' },
    { account: 'huge', why: 'too big' },
  ]);
  const server = await startServer(t, { redisUrl: redis.url, networkSecret: SECRET });
  t.deepEqual(await (await TestClient.connect(t, server.port)).connection.login('Mallory'), { ok: true, name: 'Mallory' }, 'a guest, with no role');
  t.true(await accounts.remove('mallory'), 'an admin can clear a record that does not verify');
  t.true(await accounts.add('mallory', 'password5'));
  t.like(await accounts.find('mallory'), { role: undefined });
});

test('without a network secret, records carry no MAC and are taken as they are', async (t) => {
  const redis = await TestRedis.start(t);
  const accounts = await accountsOn(t, redis.url, null);
  t.true(await accounts.add('alice', 'password1'));
  const direct = raw(t, redis);
  t.is(await direct.hexists('chat:account:alice', 'mac'), 0);
  t.true(await accounts.verify('alice', 'password1'));
  await direct.hset('chat:account:alice', 'role', 'moderator');
  t.like(await accounts.find('alice'), { role: 'moderator' }, 'whoever can write Redis is trusted: that is what the secret is for');
  await direct.hset('chat:account:alice', 'role', 'root');
  t.is(await accounts.find('alice'), undefined, 'but a record must still be well formed');
});

test('openAccounts with a Redis it cannot reach fails to start, naming the URL with its password masked', async (t) => {
  const url = `redis://:hunter2-secret@127.0.0.1:${await freePort()}`;
  const error = await t.throwsAsync(openAccounts({ ...DEFAULTS, stateDir: await tempDir(t), redisUrl: url }), { instanceOf: StartupError });
  t.regex(error!.message, /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: /);
  t.notRegex(error!.message, /hunter2/);
});

test('a server ban made on one node refuses logins on the other; an admin account is admin on both', async (t) => {
  const redis = await TestRedis.start(t);
  const [a, b] = await Promise.all([0, 1].map(() => startServer(t, { redisUrl: redis.url, networkSecret: SECRET })));
  const accounts = await accountsOn(t, redis.url);
  await accounts.add('root', 'root-password', { role: 'admin' });
  const root = await RawClient.connect(t, a!.port);
  root.send({ t: 'login', name: 'root', password: 'root-password' });
  t.like(await root.waitFor((m) => m.t === 'login-ok', 'root logs in'), { role: 'admin', registered: true });
  const id = root.command('/serverban troll 1h spam');
  t.like(await root.waitFor((m) => (m.t === 'reply' || m.t === 'error') && m.re === id, 'the ban'), { t: 'reply', text: 'troll is banned from the server for 60 min' });
  const troll = await RawClient.connect(t, b!.port);
  troll.send({ t: 'login', name: 'Troll' });
  const refused = await troll.waitFor((m) => m.t === 'login-refused', 'troll refused');
  t.regex(refused.t === 'login-refused' ? refused.reason : '', /^you are banned from this server for (60|59) more min: spam$/);
  const guest = await TestClient.login(t, b!.port, 'guest');
  t.like(await guest.request('/whois root'), { t: 'reply', text: 'root: registered, admin; in no room; idle time unknown' });
});

test("chatserver accounts works on a network's accounts in Redis, given the nodes' URL and secret", async (t) => {
  const redis = await TestRedis.start(t);
  const dir = await tempDir(t);
  const env = { CHATSERVER_REDIS_URL: redis.url, CHATSERVER_NETWORK_SECRET: SECRET, CHATSERVER_ACCOUNT_PASSWORD: 'teacher-password' };
  const add = Child.spawn(t, 'chatserver', ['accounts', 'add', 'teacher', '--role', 'admin', '--state-dir', dir], env);
  add.process.stdin.end();
  t.is((await add.exit()).code, 0, add.stderr);
  t.is(existsSync(join(dir, 'accounts.sqlite')), false, 'not in the state folder');
  const server = await startServer(t, { redisUrl: redis.url, networkSecret: SECRET });
  const client = await RawClient.connect(t, server.port);
  client.send({ t: 'login', name: 'teacher', password: 'teacher-password' });
  t.like(await client.waitFor((m) => m.t === 'login-ok' || m.t === 'login-refused', 'login'), { t: 'login-ok', role: 'admin' });
  const wrongSecret = Child.spawn(t, 'chatserver', ['accounts', 'list', '--state-dir', dir], { ...env, CHATSERVER_NETWORK_SECRET: 'not the secret of this network' });
  wrongSecret.process.stdin.end();
  await wrongSecret.exit();
  t.false(wrongSecret.stdout.includes('teacher'), 'a record signed with another secret is nobody');
});

test('/kill from one node ends a connection on the other, signed like everything nodes send', async (t) => {
  const redis = await TestRedis.start(t);
  const [a, b] = await Promise.all([0, 1].map(() => startServer(t, { redisUrl: redis.url, networkSecret: SECRET })));
  const accounts = await accountsOn(t, redis.url);
  await accounts.add('root', 'root-password', { role: 'admin' });
  const root = await RawClient.connect(t, a!.port);
  root.send({ t: 'login', name: 'root', password: 'root-password' });
  await root.waitFor((m) => m.t === 'login-ok', 'root logs in');
  const pest = await TestClient.login(t, b!.port, 'pest');
  const watcher = await TestClient.login(t, b!.port, 'watcher');
  await pest.join('den');
  await watcher.join('den');
  const id = root.command('/kill pest enough');
  t.like(await root.waitFor((m) => (m.t === 'reply' || m.t === 'error') && m.re === id, 'the kill'), { t: 'reply', text: 'pest is disconnected by root: enough' });
  t.like(await pest.waitFor((e) => e.t === 'bye'), { reason: 'disconnected by root: enough' });
  await pest.closed;
  t.like(await watcher.waitFor((e) => e.t === 'left' && e.user === 'pest'), { reason: 'killed' });
});
