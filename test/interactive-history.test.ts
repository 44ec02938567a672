import test from 'ava';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { historyFile } from '../client/interactive/history-file.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';
import { Terminal } from './helpers/terminal.js';

const lastRow = (rows: string[]) => rows.filter((r) => r.length > 0).at(-1);

test('what was typed to a server comes back in the next run, Up and Ctrl+R alike; the file is its owner\'s only', async (t) => {
  const { port } = await startServer(t);
  const state = await tempDir(t);
  const env = { XDG_STATE_HOME: state };
  const first = await Terminal.run(t, ['127.0.0.1', String(port), '--user', 'alice'], { env });
  await first.waitFor(/^alice>$/m);
  for (const line of ['/join lobby', 'hello there', 'second thought']) {
    await first.type(line);
    await first.press('Enter');
  }
  await first.waitFor('[lobby] alice: second thought');
  await first.type('/exit');
  await first.press('Enter');
  await first.exited();
  const file = historyFile('127.0.0.1', port, env);
  t.is(await readFile(file, 'utf8'), '/join lobby\nhello there\nsecond thought\n/exit\n');
  t.is((await stat(file)).mode & 0o777, 0o600);

  const second = await Terminal.run(t, ['127.0.0.1', String(port), '--user', 'bob'], { env });
  await second.waitFor(/^bob>$/m);
  await second.press('Up');
  await second.waitFor((r) => lastRow(r) === 'bob> /exit');
  await second.press('Up');
  await second.waitFor((r) => lastRow(r) === 'bob> second thought');
  await second.press('C-u');
  await second.type('hel');
  await second.press('C-r');
  await second.waitFor((r) => lastRow(r) === 'bob> hello there');
  await second.press('C-r'); // nothing older holds it: the line stays
  await second.press('C-u');
  await second.type('lob');
  await second.press('C-r');
  await second.waitFor((r) => lastRow(r) === 'bob> /join lobby');
  await second.press('Enter');
  await second.waitFor('* you joined lobby');
  t.is(join(state, 'chatclient', 'history', `127.0.0.1_${port}`), file);
});
