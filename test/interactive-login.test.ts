import test from 'ava';
import { TestClient } from './helpers/client.js';
import { freePort, startServer } from './helpers/server.js';
import { Terminal } from './helpers/terminal.js';

test('the username prompt re-asks after an invalid and a taken name, then logs in', async (t) => {
  const server = await startServer(t);
  await TestClient.login(t, server.port, 'bob');
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port)]);
  await term.waitFor(/^username:$/m);
  await term.type('no spaces');
  await term.press('Enter');
  await term.waitFor("! username 'no spaces' may only contain ASCII letters and digits; try another");
  await term.type('BOB');
  await term.press('Enter');
  await term.waitFor("! username 'bob' is already taken (4 tries left)");
  await term.type('alice');
  await term.press('Enter');
  const rows = await term.waitFor('* logged in as alice');
  t.is(rows.filter((r) => r.length > 0).at(-1), 'alice>', 'the prompt changes with the same write');
  const bob = await TestClient.login(t, server.port, 'carol');
  t.deepEqual(await bob.connection.query('users').then((u) => u.sort()), ['alice', 'bob', 'carol']);
});

test('--user logs in without asking', async (t) => {
  const server = await startServer(t);
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'dora']);
  await term.waitFor('* logged in as dora');
  const rows = await term.waitFor(/^dora>$/m);
  t.false(rows.some((r) => r.startsWith('username:')));
});

test('a server that is not there: one line naming the address and why, exit code 1', async (t) => {
  // A port that was free a moment ago and has nothing listening now.
  const port = await freePort();
  const term = await Terminal.run(t, ['127.0.0.1', String(port)]);
  t.deepEqual(await term.exited(), { code: 1, restored: true });
  const rows = await term.screen({ joined: true });
  t.true(rows.includes(`chatclient: cannot connect to 127.0.0.1:${port}: connection refused (is the server running on that port?)`), rows.join('\n'));
});
