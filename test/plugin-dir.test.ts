import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestClient } from './helpers/client.js';
import { ROOT, spawnServer } from './helpers/process.js';
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
