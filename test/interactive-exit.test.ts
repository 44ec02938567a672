import test from 'ava';
import type { ServerMessage } from '../core/protocol/messages.js';
import { TestClient } from './helpers/client.js';
import { startProxy } from './helpers/proxy.js';
import { startServer } from './helpers/server.js';
import { SCREEN_WAIT_MS, Terminal } from './helpers/terminal.js';

const quit = (user: string) => (e: ServerMessage) => e.t === 'left' && e.user === user && e.reason === 'quit';

/**
 * bob in the lobby, alice's interactive client (maybe through a proxy, maybe as a job of an
 * interactive shell) in the lobby with a half-typed line.
 */
async function inLobby(t: Parameters<typeof startServer>[0], { viaProxy = false, jobControl = false } = {}) {
  const server = await startServer(t);
  const proxy = viaProxy ? await startProxy(t, server.port) : undefined;
  const bob = await TestClient.login(t, server.port, 'bob');
  await bob.join('lobby');
  const term = await Terminal.run(t, ['127.0.0.1', String(proxy?.port ?? server.port), '--user', 'alice'], { jobControl });
  await term.waitFor('* logged in as alice');
  await term.type('/join lobby');
  await term.press('Enter');
  await bob.waitFor((e) => e.t === 'joined' && e.user === 'alice', 'alice joining', SCREEN_WAIT_MS);
  await term.type('half typed');
  return { server, proxy, bob, term };
}

for (const [what, keys] of [
  ['Ctrl+C', ['C-c']],
  ['Ctrl+D on an empty line', ['C-u', 'C-d']],
] as const) {
  test(`${what} leaves like /exit: the room is told, exit code 0, the terminal as it was`, async (t) => {
    const { bob, term } = await inLobby(t);
    await term.press(...keys);
    t.deepEqual(await term.exited(), { code: 0, restored: true });
    await bob.waitFor(quit('alice'), 'alice leaving', SCREEN_WAIT_MS);
    const rows = await term.screen();
    t.true(rows.includes('* bye'));
    t.false(rows.some((r) => r.includes('half typed')), 'the unfinished line is cleared away');
  });
}

test('/exit leaves with exit code 0', async (t) => {
  const { bob, term } = await inLobby(t);
  await term.press('C-u');
  await term.type('/exit');
  await term.press('Enter');
  t.deepEqual(await term.exited(), { code: 0, restored: true });
  await bob.waitFor(quit('alice'), 'alice leaving', SCREEN_WAIT_MS);
});

test('an announced server shutdown is waited out as a restart; Ctrl+C gives up, exit code 0', async (t) => {
  const { server, term } = await inLobby(t);
  await server.stop();
  await term.waitFor(/reconnecting in \d+ s… \(attempt \d+\); any key retries now, Ctrl\+C gives up/);
  const rows = await term.screen();
  t.true(rows.some((r) => /^\d\d:\d\d \* the server is shutting down$/.test(r)));
  t.true(rows.includes('* the server is restarting; reconnecting…'));
  await term.press('C-c');
  t.deepEqual(await term.exited(), { code: 0, restored: true });
  t.true((await term.screen()).includes('! gave up reconnecting'));
});

test('a connection lost without a word: one line naming the server, then reconnecting; Ctrl+C gives up, exit code 1', async (t) => {
  const { proxy, term } = await inLobby(t, { viaProxy: true });
  proxy!.partition();
  await term.waitFor(`! connection to 127.0.0.1:${proxy!.port} lost; reconnecting…`);
  await term.waitFor(/reconnecting in \d+ s…/);
  await term.press('C-c');
  t.deepEqual(await term.exited(), { code: 1, restored: true });
});

test('Ctrl+Z suspends the client to the shell with the prompt cleared; after fg the half-typed line is back and works', async (t) => {
  const { bob, term } = await inLobby(t, { jobControl: true });
  await term.waitFor('[lobby] alice> half typed');
  await term.press('C-z');
  const rows = await term.waitFor(/Stopped/);
  t.false(rows.some((r) => r.includes('alice>')), 'the prompt stepped aside');
  await term.type('fg');
  await term.press('Enter');
  await term.waitFor('[lobby] alice> half typed');
  await term.type(' and more');
  await term.press('Enter');
  await bob.waitFor((e) => e.t === 'message' && e.from === 'alice' && e.text === 'half typed and more', 'the line', SCREEN_WAIT_MS);
  t.true((await term.screen()).some((r) => /alice: half typed and more$/.test(r)));
});
