import test from 'ava';
import { SqliteAccounts } from '../core/services/accounts/accounts.js';
import { TestClient } from './helpers/client.js';
import { ChildServer } from './helpers/child-server.js';
import { startProxy } from './helpers/proxy.js';
import { startServer } from './helpers/server.js';
import { SCREEN_WAIT_MS, Terminal } from './helpers/terminal.js';
import { tempDir } from './helpers/temp.js';

const COUNTDOWN = /reconnecting in \d+ s… \(attempt \d+\); any key retries now, Ctrl\+C gives up/;

async function childServer(t: Parameters<typeof startServer>[0], port?: number): Promise<ChildServer> {
  const server = await ChildServer.start([], port === undefined ? {} : { port });
  t.teardown(() => server.kill());
  return server;
}

test('the server killed and started again: the client waits, logs in again, rejoins its room and keeps the half-typed line', async (t) => {
  const first = await childServer(t);
  const term = await Terminal.run(t, ['127.0.0.1', String(first.port), '--user', 'alice']);
  await term.waitFor('* logged in as alice');
  await term.type('/join lobby');
  await term.press('Enter');
  await term.waitFor('[lobby] alice>');
  await term.type('half typed');

  first.signal('SIGKILL');
  await term.waitFor(`! connection to 127.0.0.1:${first.port} lost; reconnecting…`);
  await term.waitFor(COUNTDOWN);
  t.true((await term.screen()).some((r) => r.endsWith('alice> half typed')), 'the typed line stays');

  const second = await childServer(t, first.port);
  await term.press('End'); // any key: try now
  const rows = await term.waitFor('* reconnected as alice; lines sent to lobby while you were away are not shown', { ms: SCREEN_WAIT_MS * 2 });
  t.is(rows.filter((r) => r.length > 0).at(-1), '[lobby] alice> half typed');
  t.false(rows.some((r) => COUNTDOWN.test(r)), 'the countdown is gone');

  const bob = await TestClient.login(t, second.port, 'bob');
  await bob.join('lobby');
  await term.press('Enter');
  await bob.waitFor((e) => e.t === 'message' && e.from === 'alice' && e.text === 'half typed', "alice's line", SCREEN_WAIT_MS);
});

test('lines typed while away wait and go out once reconnected, in order; an account logs in again with its password', async (t) => {
  const stateDir = await tempDir(t);
  const accounts = new SqliteAccounts(stateDir);
  await accounts.add('alice', 'correct horse battery');
  accounts.close();
  const server = await startServer(t, { stateDir });
  const proxy = await startProxy(t, server.port);
  const bob = await TestClient.login(t, server.port, 'bob');
  await bob.join('lobby');
  const term = await Terminal.run(t, ['127.0.0.1', String(proxy.port), '--user', 'alice']);
  await term.waitFor('password for alice:');
  await term.type('correct horse battery');
  await term.press('Enter');
  await term.waitFor('* logged in as alice (registered)');
  await term.type('/join lobby');
  await term.press('Enter');
  await term.waitFor('[lobby] alice>');

  proxy.partition();
  await term.waitFor(COUNTDOWN);
  for (const line of ['first while away', 'second while away']) {
    await term.type(line);
    await term.press('Enter');
    await term.waitFor(`* not connected: "${line}" is sent once reconnected`);
  }
  proxy.restore();
  await term.press('End');
  await term.waitFor('* reconnected as alice; lines sent to lobby while you were away are not shown', { ms: SCREEN_WAIT_MS * 2 });
  await bob.waitFor((e) => e.t === 'message' && e.text === 'second while away', 'the lines typed while away', SCREEN_WAIT_MS);
  t.deepEqual(bob.of('message').map((e) => e.text), ['first while away', 'second while away']);
});
