import test, { type ExecutionContext } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConfig } from '../core/config.js';
import type { Role } from '../core/protocol/messages.js';
import { SqliteAccounts } from '../core/services/accounts/accounts.js';
import { Child } from './helpers/process.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

/** No secret comes from the environment the tests run in, only from what a test gives. */
const NO_SECRETS = { CHATCLIENT_PASSWORD: undefined, CHATCLIENT_NEW_PASSWORD: undefined, CHATCLIENT_SERVER_PASSWORD: undefined };

const client = (t: ExecutionContext, port: number, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  Child.spawn(t, 'chatclient', ['127.0.0.1', String(port), ...args], { ...NO_SECRETS, ...env });

async function secretFile(t: ExecutionContext, text: string): Promise<string> {
  const path = join(await tempDir(t), 'secret');
  await writeFile(path, text);
  return path;
}

/** A server whose accounts hold `name` with `password` (a one-time one with `mustChange`). */
async function accountServer(t: ExecutionContext, name: string, password: string, account: { role?: Role; mustChange?: boolean } = {}, config: Partial<ServerConfig> = {}) {
  const stateDir = await tempDir(t);
  const accounts = new SqliteAccounts(stateDir);
  await accounts.add(name, password, account);
  accounts.close();
  return startServer(t, { stateDir, ...config });
}

/** Runs a scripted client to its end: lines in, then end of input. */
async function run(t: ExecutionContext, port: number, args: string[], env: NodeJS.ProcessEnv, lines: string[] = []) {
  const child = client(t, port, args, env);
  for (const line of lines) child.writeLine(line);
  child.process.stdin.end();
  const exit = await child.exit();
  return { code: exit.code, stdout: child.stdout, stderr: child.stderr };
}

test('a registered name logs in with the first line of --password-file, or with $CHATCLIENT_PASSWORD', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const fromFile = await run(t, port, ['--user', 'alice', '--password-file', await secretFile(t, 'correct horse\r\nnot this line\n')], {});
  t.deepEqual(fromFile, { code: 0, stdout: '* logged in as alice (registered)\n', stderr: '' });
  const fromEnv = await run(t, port, ['--user', 'alice'], { CHATCLIENT_PASSWORD: 'correct horse' });
  t.deepEqual(fromEnv, { code: 0, stdout: '* logged in as alice (registered)\n', stderr: '' });
});

test("login-ok's role is shown beside the name", async (t) => {
  const { port } = await accountServer(t, 'root', 'correct horse', { role: 'admin' });
  t.is((await run(t, port, ['--user', 'root'], { CHATCLIENT_PASSWORD: 'correct horse' })).stdout, '* logged in as root (registered, admin)\n');
});

test('a registered name without a password given: the refusal, which flag or variable gives it, exit code 1', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  t.deepEqual(await run(t, port, [], {}, ['alice']), {
    code: 1,
    stdout: "! login refused: 'alice' is registered; give its password\n! the account's password is needed: give it with --password-file FILE or $CHATCLIENT_PASSWORD\n",
    stderr: '',
  });
});

test('a wrong password is tried once: the refusal, exit code 1', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  t.deepEqual(await run(t, port, ['--user', 'alice'], { CHATCLIENT_PASSWORD: 'battery staple' }), { code: 1, stdout: '! login refused: wrong password\n', stderr: '' });
});

test("a server with a password: --server-password-file or $CHATCLIENT_SERVER_PASSWORD gives it, and the account's comes after", async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse', {}, { serverPassword: 'open sesame' });
  t.deepEqual(await run(t, port, ['--user', 'bob'], {}), {
    code: 1,
    stdout: "! login refused: this server has a password; give it\n! the server's password is needed: give it with --server-password-file FILE or $CHATCLIENT_SERVER_PASSWORD\n",
    stderr: '',
  });
  t.is((await run(t, port, ['--user', 'bob', '--server-password-file', await secretFile(t, 'open sesame\n')], {})).stdout, '* logged in as bob\n');
  const both = await run(t, port, ['--user', 'alice'], { CHATCLIENT_SERVER_PASSWORD: 'open sesame', CHATCLIENT_PASSWORD: 'correct horse' });
  t.is(both.stdout, '* logged in as alice (registered)\n');
  t.is((await run(t, port, ['--user', 'bob'], { CHATCLIENT_SERVER_PASSWORD: 'open says me' })).stdout, '! login refused: wrong server password\n');
});

test('a one-time password is replaced with the new password given; without one, which flag gives it', async (t) => {
  const { port } = await accountServer(t, 'dave', 'from the roster', { mustChange: true });
  t.deepEqual(await run(t, port, ['--user', 'dave'], { CHATCLIENT_PASSWORD: 'from the roster' }), {
    code: 1,
    stdout: [
      '! login refused: your password was a one-time password: choose a new one',
      '! a new password (the account has a one-time password) is needed: give it with --new-password-file FILE or $CHATCLIENT_NEW_PASSWORD',
      '',
    ].join('\n'),
    stderr: '',
  });
  const changed = await run(t, port, ['--user', 'dave', '--new-password-file', await secretFile(t, 'mine at last\n')], { CHATCLIENT_PASSWORD: 'from the roster' });
  t.is(changed.stdout, '* logged in as dave (registered)\n');
  t.is((await run(t, port, ['--user', 'dave'], { CHATCLIENT_PASSWORD: 'mine at last' })).stdout, '* logged in as dave (registered)\n');
  t.is((await run(t, port, ['--user', 'dave'], { CHATCLIENT_PASSWORD: 'from the roster' })).stdout, '! login refused: wrong password\n');
});

test("a command's secret arguments come from the sources, beside the line: /register, then /password", async (t) => {
  const { port } = await startServer(t);
  const registered = await run(t, port, ['--user', 'erin'], { CHATCLIENT_NEW_PASSWORD: 'first secret' }, ['/register']);
  t.deepEqual(registered, { code: 0, stdout: "* logged in as erin\n'erin' is registered: next time, log in with your password\n", stderr: '' });
  // /password: the current one from the password's source, the new one (asked twice) from the new password's.
  const changed = await run(t, port, ['--user', 'erin', '--new-password-file', await secretFile(t, 'second secret')], { CHATCLIENT_PASSWORD: 'first secret' }, ['/password']);
  t.deepEqual(changed, { code: 0, stdout: '* logged in as erin (registered)\nyour password is changed\n', stderr: '' });
  t.is((await run(t, port, ['--user', 'erin'], { CHATCLIENT_PASSWORD: 'second secret' })).stdout, '* logged in as erin (registered)\n');
});

test('a secret argument with nothing to give it: that command is skipped with which flag to use, the rest go on', async (t) => {
  const { port } = await startServer(t);
  const skipped = await run(t, port, ['--user', 'frank'], {}, ['/register', '/join lobby']);
  t.deepEqual(skipped, {
    code: 0,
    stdout: [
      '* logged in as frank',
      '! /register needs <password>, a secret given apart from the line: give it with --new-password-file FILE or $CHATCLIENT_NEW_PASSWORD; not sent',
      '* you joined lobby',
      '',
    ].join('\n'),
    stderr: '',
  });
});

test('a password file that cannot be read: one line on stderr, exit code 2, before connecting', async (t) => {
  const missing = join(await tempDir(t), 'nowhere');
  // Port 1 has no listener: had the client tried to connect, it would say so instead.
  t.deepEqual(await run(t, 1, ['--password-file', missing], {}), { code: 2, stdout: '', stderr: `chatclient: cannot read --password-file ${missing}: no such file\n` });
  const empty = await run(t, 1, ['--server-password-file', await secretFile(t, '\nsecond line')], {});
  t.is(empty.code, 2);
  t.regex(empty.stderr, /^chatclient: --server-password-file \S+ has an empty first line; the secret goes there\n$/);
});
