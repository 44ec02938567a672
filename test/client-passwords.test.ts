import test, { type ExecutionContext } from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pinPlugins, withAccount } from './helpers/accounts.js';
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

async function accountServer(t: ExecutionContext, name: string, password: string) {
  const stateDir = await tempDir(t);
  await withAccount(stateDir, name, password);
  return startServer(t, { stateDir, pluginDirs: [pinPlugins(t)] });
}

test('a registered name logs in with the first line of --password-file, or with $CHATCLIENT_PASSWORD', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const fromFile = client(t, port, ['--user', 'alice', '--password-file', await secretFile(t, 'correct horse\r\nnot this line\n')]);
  await fromFile.waitFor(/^\* logged in as alice/m);
  fromFile.process.stdin.end();
  t.deepEqual(await fromFile.exit(), { code: 0, signal: null });

  const fromEnv = client(t, port, ['--user', 'alice'], { CHATCLIENT_PASSWORD: 'correct horse' });
  await fromEnv.waitFor(/^\* logged in as alice/m);
  fromEnv.process.stdin.end();
  t.deepEqual(await fromEnv.exit(), { code: 0, signal: null });
  t.notRegex(fromFile.stdout + fromFile.stderr + fromEnv.stdout + fromEnv.stderr, /horse/);
});

test('a registered name without a password given: the refusal, which flag or variable gives it, exit code 1', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const none = client(t, port);
  none.writeLine('alice');
  t.deepEqual(await none.exit(), { code: 1, signal: null });
  t.is(
    none.stdout,
    "! login refused: 'alice' is registered; give its password\n! the account's password is needed: give it with --password-file FILE or $CHATCLIENT_PASSWORD\n",
  );
});

test('a wrong password is tried once: the refusal, exit code 1', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const wrong = client(t, port, ['--user', 'alice'], { CHATCLIENT_PASSWORD: 'battery staple' });
  t.deepEqual(await wrong.exit(), { code: 1, signal: null });
  t.is(wrong.stdout, '! login refused: wrong password\n');
});

test('a password file that cannot be read: one line on stderr, exit code 2, before connecting', async (t) => {
  const missing = join(await tempDir(t), 'nowhere');
  // Port 1 has no listener: had the client tried to connect, it would say so instead.
  const child = client(t, 1, ['--password-file', missing]);
  t.deepEqual(await child.exit(), { code: 2, signal: null });
  t.is(child.stderr, `chatclient: cannot read --password-file ${missing}: no such file\n`);
  const empty = client(t, 1, ['--server-password-file', await secretFile(t, '\nsecond line')]);
  t.deepEqual(await empty.exit(), { code: 2, signal: null });
  t.regex(empty.stderr, /^chatclient: --server-password-file .+ has an empty first line; the secret goes there\n$/);
});

test("a command's secret arguments come from the password sources, beside the line and never printed", async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const newPin = await secretFile(t, 'pin 4242\n');
  const bob = client(t, port, ['--user', 'bob', '--new-password-file', newPin], { CHATCLIENT_PASSWORD: 'pin 4242' });
  bob.writeLine('/setpin');
  bob.writeLine('/checkpin');
  bob.writeLine('/exit');
  t.deepEqual(await bob.exit(), { code: 0, signal: null });
  t.is(bob.stdout, '* logged in as bob\npin set, 8 characters\npin matches\n');
  t.is(bob.stderr, '');
});

test('a secret argument with nothing to give it: that command is skipped with which flag to use, the rest go on', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const carol = client(t, port, ['--user', 'carol'], { CHATCLIENT_PASSWORD: 'pin 1111' });
  carol.writeLine('/setpin');
  carol.writeLine('/checkpin');
  carol.writeLine('/exit');
  t.deepEqual(await carol.exit(), { code: 0, signal: null });
  t.is(
    carol.stdout,
    [
      '* logged in as carol',
      '! /setpin needs <pin>, a secret given apart from the line: give it with --new-password-file FILE or $CHATCLIENT_NEW_PASSWORD; not sent',
      'pin does not match',
      '',
    ].join('\n'),
  );
});
