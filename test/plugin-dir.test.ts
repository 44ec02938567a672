import test from 'ava';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestClient } from './helpers/client.js';
import { Child, ROOT, spawnServer } from './helpers/process.js';
import { tempDir } from './helpers/temp.js';

/** The README's plain-JavaScript plugin example, exactly as a plugin author would copy it. */
async function readmeRollPlugin(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const example = /`~\/chat-plugins\/roll\.mjs`:\s*```js\n([^]*?)```/.exec(readme);
  if (!example) throw new Error('README.md no longer has the roll.mjs example this test loads');
  return example[1]!;
}

test('the README plugin written to a --plugins-dir works with no change to core or client', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'roll.mjs'), await readmeRollPlugin());
  const { port } = await spawnServer(t, ['--no-log-file', '--quiet', '--plugins-dir', dir]);
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'bob');

  t.like(alice.connection.command('dice'), {
    name: 'roll',
    usage: '/roll [sides]',
    args: [{ name: 'sides', kind: 'word', optional: true, description: 'number of sides (default 6)' }],
  });
  t.regex((await alice.request('/help') as { text: string }).text, /^ {2}\/roll \[sides\] +Roll a die and tell the room$/m);
  t.like(await alice.request('/help roll'), {
    text: 'usage: /roll [sides]\nRoll a die and tell the room\n  sides: number of sides (default 6)\naliases: /dice',
  });
  t.like(await alice.refused('/roll'), { code: 'NOT_IN_ROOM', message: 'you are not in a room; /join a room first' });
  await alice.join('lobby');
  await bob.join('lobby');
  t.like(await alice.refused('/roll 1'), { code: 'BAD_SIDES', message: 'a die has 2 to 1000 sides' });
  alice.send('/dice 20');
  for (const client of [alice, bob]) {
    const notice = await client.waitFor((e) => e.t === 'notice');
    const rolled = /^alice rolled (\d+) \(d20\)$/.exec((notice as { text: string }).text);
    t.truthy(rolled);
    t.is((notice as { plugin?: string }).plugin, 'roll', 'marked as the roll plugin\'s, not the server\'s');
    t.true(Number(rolled![1]) >= 1 && Number(rolled![1]) <= 20);
  }
});

test('--plugins selects among built-in and --plugins-dir commands alike', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'roll.mjs'), await readmeRollPlugin());
  const { port } = await spawnServer(t, ['--no-log-file', '--quiet', '--plugins-dir', dir, '--plugins', 'join,roll,help']);
  const alice = await TestClient.login(t, port, 'alice');
  t.deepEqual(alice.connection.welcome.commands.map((c) => c.name), ['help', 'join', 'roll']);
  await alice.join('lobby');
  alice.send('/roll');
  t.regex(((await alice.waitFor((e) => e.t === 'notice')) as { text: string }).text, /^alice rolled [1-6] \(d6\)$/);
});

/** An installed plugin package: package.json lists its piece files; a helper module beside them. */
async function dicePackage(root: string): Promise<string> {
  const dir = join(root, 'node_modules', 'chat-dice');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'chat-dice', type: 'module', chatserver: { pieces: ['dice.js'] } }));
  await writeFile(join(dir, 'faces.js'), 'export const faces = (n) => `d${n}`;\n');
  await writeFile(
    join(dir, 'dice.js'),
    "import { Command, arg, Tokens } from 'chatserver/plugin-api';\nimport { faces } from './faces.js';\n" +
      "export const D = Command({ name: 'd', summary: 'name a die', args: { n: arg.word() } })(class { run(ctx) { ctx.reply(faces(ctx.args.n)); } });\n",
  );
  return dir;
}

test('--plugin loads an installed package by name, or a package folder by path; --plugins selects it by its name', async (t) => {
  const root = await tempDir(t);
  const dir = await dicePackage(root);
  for (const [args, cwd] of [[['--plugin', 'chat-dice'], root], [['--plugin', dir, '--plugins', 'chat-dice,help'], ROOT]] as const) {
    const { port } = await spawnServer(t, ['--no-log-file', '--quiet', ...args], cwd);
    const alice = await TestClient.login(t, port, 'alice');
    t.like(await alice.request('/d 20'), { t: 'reply', text: 'd20' }, args.join(' '));
  }
});

test('a --plugin that is not installed, or whose package.json lists no pieces, stops start-up with one line', async (t) => {
  const root = await tempDir(t);
  const missing = Child.spawn(t, 'chatserver', ['0', '--plugin', 'chat-nothing'], {}, root);
  t.is((await missing.exited).code, 1);
  t.is(missing.stderr, 'chatserver: --plugin chat-nothing: no such package is installed here (npm install chat-nothing), and it is not a path\n');
  const dir = await dicePackage(root);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'chat-dice', type: 'module' }));
  const bare = Child.spawn(t, 'chatserver', ['0', '--plugin', 'chat-dice'], {}, root);
  t.is((await bare.exited).code, 1);
  t.is(bare.stderr, 'chatserver: --plugin chat-dice: its package.json needs "chatserver": { "pieces": ["file.js", …] }, the files that export its pieces\n');
});
