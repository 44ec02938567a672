import test from 'ava';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Child, ROOT } from './helpers/process.js';
import { tempDir } from './helpers/temp.js';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** Runs chatserver to completion; start-up failures must not get as far as listening. */
async function run(t: Parameters<typeof Child.spawn>[0], args: string[]) {
  const child = Child.spawn(t, 'chatserver', [...args, '--no-log-file', '--quiet']);
  const exit = await child.exit();
  return { code: exit.code, stdout: child.stdout, stderr: child.stderr };
}

test('--help lists a flag for every default, and --version prints the version', async (t) => {
  const help = await run(t, ['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /^usage: chatserver \[port\] \[options\]/);
  for (const flag of ['--host', '--log', '--plugins', '--plugins-dir', '--max-username', '--max-room-name', '--room-capacity', '--max-message',
    '--max-file-size', '--file-types', '--upload-slots', '--upload-queue', '--login-attempts', '--login-timeout', '--heartbeat',
    '--shutdown-grace', '--flood-rate', '--flood-burst', '--out-buffer']) {
    t.regex(help.stdout, new RegExp(`^  ${flag} `, 'm'), flag);
  }
  t.deepEqual(await run(t, ['--version']), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
});

test('-h and -v are short for --help and --version, for chatserver and chatclient alike', async (t) => {
  const help = await run(t, ['-h']);
  t.is(help.code, 0);
  t.regex(help.stdout, /^  -h, --help /m);
  t.deepEqual(await run(t, ['-v']), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  for (const [flag, out] of [['-h', /^usage: chatclient/], ['-v', new RegExp(`^${VERSION.replace(/\./g, '\\.')}\n$`)]] as const) {
    const client = Child.spawn(t, 'chatclient', [flag]);
    t.is((await client.exit()).code, 0, flag);
    t.regex(client.stdout, out, flag);
  }
});

test('--plugins with an empty list is refused, not a server on which no command works', async (t) => {
  t.deepEqual(await run(t, ['0', '--plugins', '']), {
    code: 1,
    stdout: '',
    stderr: 'chatserver: --plugins needs at least one command name, such as --plugins join,leave,broadcast\n',
  });
});

test('a bad flag or value gives one clear line and exit code 1', async (t) => {
  t.deepEqual(await run(t, ['--bogus']), { code: 1, stdout: '', stderr: "chatserver: unknown option '--bogus' (see chatserver --help)\n" });
  t.deepEqual(await run(t, ['--room-capacity', 'lots']), {
    code: 1,
    stdout: '',
    stderr: "chatserver: --room-capacity needs a whole number >= 1, not 'lots'\n",
  });
  t.deepEqual(await run(t, ['--prefix-v4', '33']), {
    code: 1,
    stdout: '',
    stderr: "chatserver: --prefix-v4 needs a whole number from 0 to 32, not '33'\n",
  });
  t.deepEqual(await run(t, ['70000']), { code: 1, stdout: '', stderr: 'chatserver: port 70000 is out of range (0-65535)\n' });
});

test('--plugins with an unknown name stops start-up and lists what exists', async (t) => {
  t.deepEqual(await run(t, ['0', '--plugins', 'join,dance']), {
    code: 1,
    stdout: '',
    stderr: "chatserver: unknown plugin 'dance'; available: broadcast, exit, help, join, leave, rooms, sendfile, whisper, who\n",
  });
});

test('a broken plugin stops start-up with one line naming its file', async (t) => {
  const throws = await tempDir(t);
  await writeFile(join(throws, 'broken.mjs'), "throw new Error('boom at import');\n");
  const failed = await run(t, ['0', '--plugins-dir', throws]);
  t.is(failed.code, 1);
  t.regex(failed.stderr, /^chatserver: plugin \S*broken\.mjs failed to load: boom at import\n$/);

  const empty = await tempDir(t);
  await writeFile(join(empty, 'nothing.mjs'), 'export const answer = 42;\n');
  const none = await run(t, ['0', '--plugins-dir', empty]);
  t.is(none.code, 1);
  t.regex(none.stderr, /^chatserver: plugin \S*nothing\.mjs exports no command \(is the class decorated with @Command and exported\?\)\n$/);

  const clash = await tempDir(t);
  await writeFile(
    join(clash, 'other-join.mjs'),
    "import { Command } from 'chatserver/plugin-api';\n" +
      "export const J = Command({ name: 'enter', aliases: ['j'], summary: 'x' })(class { run() {} });\n",
  );
  const dup = await run(t, ['0', '--plugins-dir', clash]);
  t.is(dup.code, 1);
  t.regex(dup.stderr, /^chatserver: command name 'j' is declared by both dist\/plugins\/join\.js and \S*other-join\.mjs\n$/);
});
