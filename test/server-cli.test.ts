import test from 'ava';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
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
  // Whatever is in plugins/ today: a plugin dropped in there must not break this test.
  const available = (await readdir(join(ROOT, 'dist', 'plugins'))).filter((f) => f.endsWith('.js') && !f.startsWith('_')).map((f) => f.slice(0, -3)).sort();
  t.true(available.includes('join'));
  t.deepEqual(await run(t, ['0', '--plugins', 'join,dance']), {
    code: 1,
    stdout: '',
    stderr: `chatserver: unknown plugin 'dance'; available: ${available.join(', ')}\n`,
  });
});

test('a broken plugin stops start-up with one line naming its file', async (t) => {
  const throws = await tempDir(t);
  await writeFile(join(throws, 'broken.mjs'), "throw new Error('boom at import');\n");
  const failed = await run(t, ['0', '--plugins-dir', throws]);
  t.is(failed.code, 1);
  t.regex(failed.stderr, /^chatserver: plugin \S*broken\.mjs failed to load: boom at import\n$/);

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

test('a plugin declaring its arguments wrongly stops start-up with one line naming its file and the fix', async (t) => {
  const cases: [string, RegExp][] = [
    ["args: [arg.word()]", /failed to load: args must be an object of arguments by name, such as \{ username: arg\.user\(\), message: arg\.text\(\) \}$/],
    ["args: { '2nd': arg.word() }", /argument name '2nd' of \/bad must be letters, digits or '-', starting with a letter$/],
    ["args: { who: { kind: 'person' } }", /argument 'who' of \/bad must be declared with arg\.word\(\), arg\.user\(\), arg\.room\(\), arg\.text\(\), arg\.file\(\) or arg\.secret\(\)$/],
    ["args: { rest: arg.text(), who: arg.user() }", /\/bad: a text argument must be the last one$/],
  ];
  for (const [declaration, expected] of cases) {
    const dir = await tempDir(t);
    await writeFile(
      join(dir, 'bad.mjs'),
      `import { Command, arg } from 'chatserver/plugin-api';\nexport const Bad = Command({ name: 'bad', summary: 'x', ${declaration} })(class { run() {} });\n`,
    );
    const failed = await run(t, ['0', '--plugins-dir', dir]);
    t.is(failed.code, 1, declaration);
    t.regex(failed.stderr.trimEnd(), /^chatserver: plugin \S*bad\.mjs/, declaration);
    t.regex(failed.stderr.trimEnd(), expected, declaration);
    t.is(failed.stderr.trimEnd().split('\n').length, 1, declaration);
  }
});

test('a plugin whose constructor cannot be served, whose alias is its name, or that does not parse: one line naming the file, the parameter and the fix', async (t) => {
  const plugin = (body: string) => `import { Command, Tokens } from 'chatserver/plugin-api';\nexport const P = Command(${body});\n`;
  const cases: [string, string, RegExp][] = [
    ['misspelt', plugin("{ name: 'p', summary: 'x', inject: [Tokens.Romos] })(class { constructor(rooms) { this.rooms = rooms; } run() {} }"),
      /^chatserver: plugin \S*misspelt\.mjs: \/p cannot be created: constructor parameter 1 \(rooms\) is injected with undefined, a misspelt token\? \(the tokens are Tokens\.Config, .*Tokens\.Rooms, .*\)$/],
    ['string', plugin("{ name: 'p', summary: 'x', inject: ['Rooms'] })(class { constructor(rooms) { this.rooms = rooms; } run() {} }"),
      /^chatserver: plugin \S*string\.mjs: \/p cannot be created: constructor parameter 1 \(rooms\) asks for "Rooms", which this server does not provide; use Tokens\.Rooms$/],
    ['untold', plugin("{ name: 'p', summary: 'x' })(class { constructor(rooms, log) { this.rooms = rooms; } run() {} }"),
      /^chatserver: plugin \S*untold\.mjs: \/p cannot be created: constructor parameter 1 \(rooms\) has no token: list the services the constructor takes, in order, as inject: \[Tokens\.X, …\]/],
    ['self', plugin("{ name: 'p', aliases: ['q', 'p'], summary: 'x' })(class { run() {} }"),
      /^chatserver: plugin \S*self\.mjs: alias 'p' of \/p is the command's own name; remove it from aliases$/],
    ['syntax', plugin("{ name: 'p', summary: 'x' })(class { run() { return 1 +; } }"),
      /^chatserver: plugin \S*syntax\.mjs:2:\d+ failed to load: Unexpected token ';'$/],
  ];
  for (const [name, source, expected] of cases) {
    const dir = await tempDir(t);
    await writeFile(join(dir, `${name}.mjs`), source);
    const failed = await run(t, ['0', '--plugins-dir', dir]);
    t.is(failed.code, 1, name);
    t.regex(failed.stderr.replace(/\n$/, ''), expected, name);
    t.notRegex(failed.stderr, /TypeInfo|position #|\n./, `${name}: one line, none of tsyringe's wording`);
  }
});

test('a --config file that does not fit the plugins stops start-up with one line naming the file and the key', async (t) => {
  const dir = await tempDir(t);
  const cases: [string, string, RegExp][] = [
    ['typo.toml', '[plugins.poll]\nmaxOption = 3\n', /chat\/typo\.toml: plugins\.poll\.maxOption is not a setting of this plugin; it has maxOptions$/],
    ['type.toml', '[plugins.poll]\nmaxOptions = "three"\n', /type\.toml: plugins\.poll\.maxOptions must be a whole number, not "three"$/],
    ['range.json', '{"plugins": {"poll": {"maxOptions": 1}}}', /range\.json: plugins\.poll\.maxOptions must be 2 to 50, not 1$/],
    ['nobody.toml', '[plugins.pol]\nmaxOptions = 3\n', /nobody\.toml: \[plugins\.pol\] is for no plugin; the plugins are .*\bpoll\b/],
    ['none.toml', '[plugins.join]\nx = 1\n', /none\.toml: \[plugins\.join\] is set, but \S*join\.js declares no settings$/],
    ['broken.toml', '[plugins.poll\nmaxOptions = 3\n', /config file \S*broken\.toml:1:\d+ is not valid TOML: /],
    ['other.toml', 'port = 5000\n', /other\.toml: 'port' is not known here; plugin settings go under \[plugins\.<name>\]$/],
  ];
  await mkdir(join(dir, 'chat'));
  for (const [name, text, expected] of cases) {
    const file = join(dir, name === 'typo.toml' ? 'chat' : '', name);
    await writeFile(file, text);
    const failed = await run(t, ['0', '--config', file]);
    t.is(failed.code, 1, name);
    t.regex(failed.stderr.replace(/\n$/, ''), expected, name);
    t.notRegex(failed.stderr.replace(/\n$/, ''), /\n/, `${name}: one line`);
  }
});
