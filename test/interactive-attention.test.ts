import test from 'ava';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transfers, type TransferProgress } from '../client/transfers.js';
import { TestClient } from './helpers/client.js';
import { startServer } from './helpers/server.js';
import { SCREEN_WAIT_MS, Terminal, type TerminalOptions } from './helpers/terminal.js';

// tmux writes SGR its own way (`ESC[2;7m`, `ESC[0;7m`): any sequence that turns inverse on.
const INVERSE = /\x1b\[(?:\d+;)*7(?:;\d+)*m/;
const lastRow = (rows: string[]) => rows.filter((r) => r.length > 0).at(-1) ?? '';

/** A server, bob in the lobby (a TestClient), and alice's interactive client in the lobby too. */
async function lobby(t: Parameters<typeof startServer>[0], args: string[] = [], options: TerminalOptions = {}) {
  const server = await startServer(t, { floodRate: 0 });
  const bob = await TestClient.login(t, server.port, 'bob', Transfers.features('all'));
  await bob.join('lobby');
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'alice', ...args], options);
  await term.waitFor('* logged in as alice');
  await term.type('/join lobby');
  await term.press('Enter');
  await term.waitFor(/^\[lobby\] alice>$/m);
  return { server, bob, term };
}

/** The coloured screen row that shows `text`. */
async function colouredRow(term: Terminal, text: string): Promise<string> {
  await term.waitFor(text);
  return (await term.screen({ colours: true })).find((row) => row.includes(text)) ?? '';
}

function tempDir(t: Parameters<typeof startServer>[0], prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a line naming you is highlighted and rings the bell; others, and your own whisper, do not', async (t) => {
  const { bob, term } = await lobby(t, ['--color']);
  bob.send('hello carol');
  bob.send('malice is not a name');
  await term.type('/whisper bob psst');
  await term.press('Enter');
  await term.waitFor('[whisper to bob] psst');
  t.notRegex(await colouredRow(term, 'malice is not a name'), INVERSE);
  t.false(await term.bellRang(), 'no bell for lines that do not name alice, nor for her own whisper');
  bob.send('hi Alice!');
  t.regex(await colouredRow(term, 'hi Alice!'), INVERSE);
  t.true(await term.bellRang());
});

test('a highlight follows /nick: the new name counts, the old one no longer does', async (t) => {
  const { bob, term } = await lobby(t, ['--color']);
  await term.type('/nick alicia');
  await term.press('Enter');
  await term.waitFor('* you are now known as alicia');
  bob.send('where is alice?');
  t.notRegex(await colouredRow(term, 'where is alice?'), INVERSE);
  t.false(await term.bellRang());
  bob.send('/me waves at ALICIA');
  t.regex(await colouredRow(term, 'waves at ALICIA'), INVERSE);
  t.true(await term.bellRang());
});

test('a whisper from someone else rings the bell', async (t) => {
  const { bob, term } = await lobby(t);
  bob.send('/whisper alice are you there');
  await term.waitFor('[whisper from bob] are you there');
  t.true(await term.bellRang());
});

test('--no-bell: no bell at all; without colour a highlight is marked >>', async (t) => {
  const { bob, term } = await lobby(t, ['--no-bell', '--no-color']);
  bob.send('alice: lunch?');
  bob.send('/whisper alice now');
  await term.waitFor('[whisper from bob] now');
  await term.waitFor(/^\d\d:\d\d >> \[lobby\] bob: alice: lunch\?$/m);
  t.false(await term.bellRang());
});

test('/help completes a command name by Tab', async (t) => {
  const { term } = await lobby(t);
  await term.type('/help jo');
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === '[lobby] alice> /help join');
  await term.press('Enter');
  const rows = await term.waitFor(/^\d\d:\d\d usage: \/join <room>$/m);
  t.true(rows.some((r) => /^\d\d:\d\d > \/help join$/.test(r)));
});

test('~ is the home folder: a path completes inside it as ~/…, and /sendfile reads it from there', async (t) => {
  const home = tempDir(t, 'chat-home-');
  const note = 'notes from home\n';
  writeFileSync(join(home, 'notes.txt'), note);
  mkdirSync(join(home, 'sub'));
  const { bob, term } = await lobby(t, [], { env: { HOME: home }, cwd: tempDir(t, 'chat-cwd-') });
  const bobFiles = new Transfers(bob.connection, tempDir(t, 'chat-bob-'));
  const received = new Promise<TransferProgress>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no transfer ended')), SCREEN_WAIT_MS);
    bobFiles.on('progress', (p) => {
      if (p.state !== 'done' && p.state !== 'failed') return;
      clearTimeout(timer);
      resolve(p);
    });
  });
  await term.type('/sendfile ~/');
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === '[lobby] alice> /sendfile ~/' && r.some((row) => row === 'notes.txt  sub/'));
  await term.type('n');
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === '[lobby] alice> /sendfile ~/notes.txt');
  await term.type('bob');
  await term.press('Enter');
  await term.waitFor(/\* bob saved notes\.txt/);
  const outcome = await received;
  t.is(outcome.state, 'done');
  t.is(readFileSync(outcome.path!, 'utf8'), note);
});
