import test, { type ExecutionContext } from 'ava';
import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerMessage } from '../core/protocol/messages.js';
import { ChildServer } from './helpers/child-server.js';
import { Child } from './helpers/process.js';
import { RawClient } from './helpers/raw-peer.js';
import { tempDir } from './helpers/temp.js';
import { Terminal } from './helpers/terminal.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `chatserver accounts ARGS --state-dir DIR` to completion, its input not a terminal. */
async function accounts(t: ExecutionContext, stateDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = Child.spawn(t, 'chatserver', ['accounts', ...args, '--state-dir', stateDir], { CHATSERVER_ACCOUNT_PASSWORD: undefined, ...env });
  child.process.stdin.end();
  const exit = await child.exit();
  return { code: exit.code, stdout: child.stdout, stderr: child.stderr };
}

const withPassword = (password: string) => ({ CHATSERVER_ACCOUNT_PASSWORD: password });

/** The list's rows after its header, each as its cells. */
async function listed(t: ExecutionContext, stateDir: string): Promise<string[][]> {
  const list = await accounts(t, stateDir, ['list']);
  t.is(list.code, 0, list.stderr);
  return list.stdout.trimEnd().split('\n').slice(1).map((row) => row.split(/ {2,}/));
}

async function login(client: RawClient, message: object): Promise<ServerMessage> {
  const answer = client.waitForNew((m) => m.t === 'login-ok' || m.t === 'login-refused', 'a login answer');
  client.send({ t: 'login', ...message });
  return answer;
}

test('--help lists every subcommand and option; mistakes get one clear line and exit code 1', async (t) => {
  const dir = await tempDir(t);
  const help = await accounts(t, dir, ['--help']);
  t.is(help.code, 0);
  for (const word of ['add NAME', 'passwd NAME', 'remove NAME', 'role NAME ROLE', 'list', 'import FILE', '--role', '--password-file', '--out', '--state-dir', '-h, --help']) {
    t.true(help.stdout.includes(`  ${word} `), word);
  }
  t.regex((await accounts(t, dir, ['add', '-h'])).stdout, /^usage: chatserver accounts add NAME \[options\]/);
  const server = Child.spawn(t, 'chatserver', ['--help']);
  await server.exit();
  t.regex(server.stdout, /^ {7}chatserver accounts SUBCOMMAND/m);

  t.deepEqual(await accounts(t, dir, ['frob']), { code: 1, stdout: '', stderr: "chatserver accounts: unknown subcommand 'frob' (see chatserver accounts --help)\n" });
  const early = Child.spawn(t, 'chatserver', ['accounts', '--state-dir', dir, 'list']);
  t.is((await early.exit()).code, 1);
  t.is(early.stderr, 'chatserver accounts: the subcommand comes first, then its options: chatserver accounts SUBCOMMAND [options] (see chatserver accounts --help)\n');
  t.deepEqual(await accounts(t, dir, ['list', '--bogus']), { code: 1, stdout: '', stderr: "chatserver accounts: unknown option '--bogus' (see chatserver accounts list --help)\n" });
  t.like(await accounts(t, dir, ['role', 'alice']), { code: 1, stderr: 'chatserver accounts: usage: chatserver accounts role NAME ROLE [options] (see chatserver accounts role --help)\n' });
  const bare = Child.spawn(t, 'chatserver', ['accounts']);
  t.is((await bare.exit()).code, 1);
  t.regex(bare.stderr, /^usage: chatserver accounts SUBCOMMAND/);
});

test('add, list, passwd, role and remove, with the password from the environment or a file, never printed', async (t) => {
  const dir = await tempDir(t);
  const secret = 'correct horse';
  t.deepEqual(await accounts(t, dir, ['add', 'alice', '--role', 'admin'], withPassword(secret)), { code: 0, stdout: "added 'alice' (admin)\n", stderr: '' });
  const file = join(dir, 'password.txt');
  await writeFile(file, 'battery staple\nnot this line\n');
  t.is((await accounts(t, dir, ['add', 'Bob', '--password-file', file])).code, 0);
  const today = new Date().toISOString().slice(0, 10);
  t.deepEqual(await listed(t, dir), [['alice', 'admin', today], ['Bob', today]]);

  const refusals: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['add', 'ALICE'], withPassword(secret), /'alice' is already registered/],
    [['add', 'no-dashes'], withPassword(secret), /may only contain ASCII letters and digits/],
    [['add', 'carol'], withPassword('short'), /at least 8 characters/],
    [['add', 'carol', '--role', 'king'], withPassword(secret), /role 'king' is not one of admin, moderator$/m],
    [['add', 'carol'], {}, /standard input is not a terminal.*--password-file FILE or set \$CHATSERVER_ACCOUNT_PASSWORD/],
    [['add', 'carol', '--password-file', join(dir, 'missing')], {}, /cannot read .*missing: no such file/],
    [['passwd', 'nobody'], withPassword(secret), /there is no account 'nobody'/],
    [['role', 'bob', 'king'], {}, /role 'king' is not one of admin, moderator, none/],
    [['remove', 'nobody'], {}, /there is no account 'nobody'/],
  ];
  const runs = await Promise.all(refusals.map(([args, env]) => accounts(t, dir, args, env)));
  refusals.forEach(([args, , message], i) => {
    t.like(runs[i], { code: 1, stdout: '' }, args.join(' '));
    t.regex(runs[i]!.stderr, message, args.join(' '));
    t.false(runs[i]!.stderr.includes(secret), args.join(' '));
  });

  t.deepEqual(await accounts(t, dir, ['passwd', 'BOB'], withPassword('a new secret')), { code: 0, stdout: "set the password of 'Bob'\n", stderr: '' });
  t.deepEqual(await accounts(t, dir, ['role', 'bob', 'moderator']), { code: 0, stdout: "'Bob' is now moderator\n", stderr: '' });
  t.deepEqual(await listed(t, dir), [['alice', 'admin', today], ['Bob', 'moderator', today]]);
  t.deepEqual(await accounts(t, dir, ['role', 'alice', 'none']), { code: 0, stdout: "'alice' is now without a role\n", stderr: '' });
  t.deepEqual(await accounts(t, dir, ['remove', 'alice']), { code: 0, stdout: "removed 'alice'\n", stderr: '' });
  t.deepEqual(await listed(t, dir), [['Bob', 'moderator', today]]);
});

test('import registers a class list with one-time passwords, reporting each bad row by its line and leaving existing accounts alone', async (t) => {
  const dir = await tempDir(t);
  t.is((await accounts(t, dir, ['add', 'teacher', '--role', 'admin'], withPassword('the teachers own'))).code, 0);
  const roster = join(dir, 'class.csv');
  await writeFile(roster, ['name,role,email', 'Ann,,ann@school', 'ben,moderator,', 'bad-name,,', 'ANN,,', 'teacher,,', 'cat,king,', '', '"dan",admin,'].join('\n'));
  const run = await accounts(t, dir, ['import', roster]);
  t.is(run.code, 1);
  const [header, ...lines] = run.stdout.trimEnd().split('\n');
  t.is(header, 'name,password');
  t.deepEqual(lines.map((l) => l.split(',')[0]), ['Ann', 'ben', 'dan']);
  for (const line of lines) t.regex(line.split(',')[1]!, /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
  t.is(new Set(lines.map((l) => l.split(',')[1])).size, 3);
  t.deepEqual(run.stderr.trimEnd().split('\n'), [
    `${roster}, line 4: username 'bad-name' may only contain ASCII letters and digits`,
    `${roster}, line 5: 'ANN' is already on line 2`,
    `${roster}, line 6: 'teacher' is already registered; left as it is`,
    `${roster}, line 7: role 'king' is not one of admin, moderator (or empty)`,
    'created 3 accounts; 4 rows failed',
  ]);
  const today = new Date().toISOString().slice(0, 10);
  t.deepEqual(await listed(t, dir), [['Ann', 'yes', today], ['ben', 'moderator', 'yes', today], ['dan', 'admin', 'yes', today], ['teacher', 'admin', today]]);

  // --out: a new file that only its owner reads, never one that exists (an earlier batch's passwords).
  await writeFile(roster, 'name,role\neve,\n');
  const out = join(dir, 'passwords.csv');
  t.like(await accounts(t, dir, ['import', roster, '--out', out]), { code: 0, stdout: '', stderr: `created 1 account; their passwords are in ${out}; 0 rows failed\n` });
  t.regex(await readFile(out, 'utf8'), /^name,password\neve,[0-9a-z-]{14}\n$/);
  t.is(statSync(out).mode & 0o777, 0o600);
  await writeFile(roster, 'name,role\nfay,\n');
  t.like(await accounts(t, dir, ['import', roster, '--out', out]), { code: 1, stderr: `chatserver accounts: cannot create ${out}: it exists already (remove it or choose another name)\n` });
  t.false((await listed(t, dir)).some(([name]) => name === 'fay'));

  await writeFile(roster, 'student\nann\n');
  t.like(await accounts(t, dir, ['import', roster]), { code: 1, stderr: `chatserver accounts: ${roster}: the first line must be a header with a 'name' column (and optionally 'role'), such as: name,role\n` });
  await writeFile(roster, 'name,role\n"gus,\n');
  t.regex((await accounts(t, dir, ['import', roster])).stderr, /^chatserver accounts: .*class\.csv: Quote Not Closed/);
});

test('a running server lets an imported name in with its one-time password only to choose its own', async (t) => {
  const dir = await tempDir(t);
  const roster = join(dir, 'class.csv');
  await writeFile(roster, 'name,role\nann,\n');
  const run = await accounts(t, dir, ['import', roster]);
  t.is(run.code, 0, run.stderr);
  const password = /^ann,(.+)$/m.exec(run.stdout)![1]!;
  const server = await ChildServer.start(['--state-dir', dir]);
  t.teardown(() => server.kill());
  const client = await RawClient.connect(t, server.port);
  t.like(await login(client, { name: 'ann' }), { t: 'login-refused', needsPassword: true });
  t.like(await login(client, { name: 'ann', password: 'wrong one' }), { t: 'login-refused', reason: 'wrong password' });
  // The one-time password alone lets no one in: it must be replaced at this first login.
  t.like(await login(client, { name: 'ann', password }), { t: 'login-refused', needsNewPassword: true });
  t.like(await login(client, { name: 'ann', password, newPassword: 'my own secret' }), { t: 'login-ok', name: 'ann' });
  const later = await RawClient.connect(t, server.port);
  t.like(await login(later, { name: 'ann', password }), { t: 'login-refused', reason: 'wrong password' }, 'it was used up');

  // Accounts added or changed while the server runs count at the next login.
  t.is((await accounts(t, dir, ['add', 'bo'], withPassword('bos secret'))).code, 0);
  const other = await RawClient.connect(t, server.port);
  t.like(await login(other, { name: 'bo' }), { t: 'login-refused', needsPassword: true });
  t.is((await accounts(t, dir, ['passwd', 'bo'], withPassword('bos new secret'))).code, 0);
  t.like(await login(other, { name: 'bo', password: 'bos secret' }), { t: 'login-refused', reason: 'wrong password' });
  t.like(await login(other, { name: 'bo', password: 'bos new secret' }), { t: 'login-ok', name: 'bo' });
});

test('on a terminal the password is asked twice and never shown; Ctrl+C adds nothing', async (t) => {
  const dir = await tempDir(t);
  const add = await Terminal.run(t, ['accounts', 'add', 'zoe', '--state-dir', dir], { program: 'chatserver' });
  await add.waitFor('password:');
  await add.type('typed secret');
  await add.press('Enter');
  await add.waitFor('again:');
  await add.type('typed secret');
  await add.press('Enter');
  t.like(await add.exited(), { code: 0 });
  const screen = (await add.screen({ joined: true })).join('\n');
  t.regex(screen, /added 'zoe'/);
  t.false(screen.includes('typed secret'));

  const differ = await Terminal.run(t, ['accounts', 'passwd', 'zoe', '--state-dir', dir], { program: 'chatserver' });
  await differ.waitFor('password:');
  await differ.type('first secret');
  await differ.press('Enter');
  await differ.waitFor('again:');
  await differ.type('second secret');
  await differ.press('Enter');
  t.like(await differ.exited(), { code: 1, restored: true });
  t.regex((await differ.screen({ joined: true })).join('\n'), /the two passwords differ; nothing was changed/);

  const cancelled = await Terminal.run(t, ['accounts', 'add', 'yan', '--state-dir', dir], { program: 'chatserver' });
  await cancelled.waitFor('password:');
  await cancelled.type('half');
  await cancelled.press('C-c');
  t.like(await cancelled.exited(), { code: 1, restored: true });
  t.regex((await cancelled.screen({ joined: true })).join('\n'), /chatserver accounts: cancelled/);
  t.deepEqual((await listed(t, dir)).map(([name]) => name), ['zoe']);

  const server = await ChildServer.start(['--state-dir', dir]);
  t.teardown(() => server.kill());
  const client = await RawClient.connect(t, server.port);
  t.like(await login(client, { name: 'zoe', password: 'typed secret' }), { t: 'login-ok', name: 'zoe' });
});
