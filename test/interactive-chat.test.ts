import test from 'ava';
import type { ServerMessage } from '../core/protocol/messages.js';
import { TestClient } from './helpers/client.js';
import { startServer } from './helpers/server.js';
import { SCREEN_WAIT_MS, Terminal, type TerminalOptions } from './helpers/terminal.js';

const TIME = String.raw`\d\d:\d\d`;
const lastRow = (rows: string[]) => rows.filter((r) => r.length > 0).at(-1) ?? '';
const said = (from: string, text: string) => (e: ServerMessage) => e.t === 'message' && e.from === from && e.text === text;

/** A server, bob in the lobby (a TestClient), and alice's interactive client in the lobby too. */
async function lobby(t: Parameters<typeof startServer>[0], options: TerminalOptions & { args?: string[] } = {}) {
  const server = await startServer(t, { floodRate: 0 });
  const bob = await TestClient.login(t, server.port, 'bob');
  await bob.join('lobby');
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'alice', ...(options.args ?? [])], options);
  await term.waitFor('* logged in as alice');
  await term.type('/join lobby');
  await term.press('Enter');
  await term.waitFor(/^\[lobby\] alice>$/m);
  return { server, bob, term };
}

test('messages arriving while a command is half typed print above it, and Tab then completes it in place', async (t) => {
  const { bob, term } = await lobby(t);
  await term.type('/whisper b');
  for (const text of ['one', 'two', 'three']) bob.send(text);
  const rows = await term.waitFor(/bob: three/);
  const bottom = rows.filter((r) => r.length > 0).slice(-4);
  t.deepEqual(
    bottom.map((r) => r.replace(/^\d\d:\d\d /, 'HH:MM ')),
    ['HH:MM [lobby] bob: one', 'HH:MM [lobby] bob: two', 'HH:MM [lobby] bob: three', '[lobby] alice> /whisper b'],
  );
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === '[lobby] alice> /whisper bob');
  const cursor = await term.cursor();
  t.is(cursor.x, '[lobby] alice> /whisper bob '.length);
  await term.type('psst');
  await term.press('Enter');
  const whisper = await bob.waitFor((e) => e.t === 'whisper' && e.from === 'alice', 'the whisper', SCREEN_WAIT_MS);
  t.like(whisper, { text: 'psst', to: 'bob' });
  await term.waitFor(new RegExp(`^${TIME} \\[whisper to bob\\] psst$`, 'm'));
});

test('several candidates: the common part is completed and the candidates listed; Tab again cycles', async (t) => {
  const { server, term } = await lobby(t);
  await TestClient.login(t, server.port, 'carol');
  await TestClient.login(t, server.port, 'carla');
  await term.type('/w ca');
  await term.press('Tab');
  let rows = await term.waitFor((r) => lastRow(r) === '[lobby] alice> /w car');
  t.is(rows.filter((r) => r.length > 0).at(-2), 'carla  carol');
  await term.press('Tab');
  rows = await term.waitFor((r) => lastRow(r) === '[lobby] alice> /w carla');
  t.is(rows.filter((r) => r.length > 0).at(-2), '[carla]  carol');
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === '[lobby] alice> /w carol');
  await term.type('x');
  rows = await term.waitFor((r) => lastRow(r) === '[lobby] alice> /w carol x');
  t.false(rows.some((r) => r.includes('carla  ')), 'the candidate list goes away when typing goes on');
});

test('commands complete from what this server has loaded, not from a list in the client', async (t) => {
  const server = await startServer(t, { pluginNames: ['join', 'who', 'exit', 'help'] });
  const term = await Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'alice']);
  await term.waitFor(/^alice>$/m);
  await term.type('/w');
  await term.press('Tab');
  await term.waitFor((r) => lastRow(r) === 'alice> /who');
  await term.press('C-u');
  await term.type('/whisper bob hi');
  await term.press('Tab');
  const rows = await term.waitFor('/whisper is not a command here; /help lists them');
  t.is(lastRow(rows), 'alice> /whisper bob hi');
  // Typed faster than any completion: the Tab still takes effect before the keys after it.
  await term.press('C-u');
  await term.type('/jo\tlobby\r');
  await term.waitFor(/^\d\d:\d\d > \/join lobby$/m);
  await term.waitFor('* you joined lobby');
});

test('a 50-line paste, past the flood burst, all arrives, in order', async (t) => {
  const { bob, term } = await lobby(t);
  const lines = Array.from({ length: 50 }, (_, i) => `burst ${i}`);
  await term.type(`${lines.join('\r')}\r`);
  await bob.waitFor(said('alice', 'burst 49'), 'the last line', SCREEN_WAIT_MS);
  t.deepEqual(
    bob.of('message').filter((m) => m.from === 'alice').map((m) => m.text),
    lines,
  );
  await term.waitFor((r) => lastRow(r) === '[lobby] alice>');
});

test('Up recalls earlier lines, Down comes back to the one being typed', async (t) => {
  const { bob, term } = await lobby(t);
  await term.type('first line');
  await term.press('Enter');
  await bob.waitFor(said('alice', 'first line'), 'first line', SCREEN_WAIT_MS);
  await term.type('draft');
  await term.press('Up');
  await term.waitFor((r) => lastRow(r) === '[lobby] alice> first line');
  await term.press('Up');
  await term.waitFor((r) => lastRow(r) === '[lobby] alice> /join lobby');
  await term.press('Down', 'Down');
  await term.waitFor((r) => lastRow(r) === '[lobby] alice> draft');
  await term.press('Up', 'Enter');
  const firstLines = () => bob.of('message').filter((m) => m.from === 'alice' && m.text === 'first line').length;
  await bob.waitFor(() => firstLines() === 2, 'first line again', SCREEN_WAIT_MS);
  t.is(firstLines(), 2);
});

test('a line wider than a narrow terminal stays whole around incoming messages and resizes', async (t) => {
  const { bob, term } = await lobby(t, { columns: 40, rows: 20 });
  const typed = 'the quick brown fox jumps over the lazy dog and keeps running far beyond the edge Zwxyz';
  await term.type(typed);
  await term.press('Left', 'Left', 'Left', 'Left', 'Left');
  // The resize reaches the client as SIGWINCH, which may come after the next message: poll.
  const check = async (text: string) => {
    bob.send(text);
    // Printed at whichever width the client knew then (the SIGWINCH may come after it): wrapped or not.
    const squeezed = (value: string) => value.replace(/\s+/g, '');
    await term.waitFor((rows) => squeezed(rows.join('')).includes(squeezed(text).slice(-12)));
    const deadline = Date.now() + SCREEN_WAIT_MS;
    let state = '';
    do {
      const joined = await term.screen({ joined: true });
      const rows = await term.screen();
      const { x, y } = await term.cursor();
      state = `last line '${lastRow(joined)}', cursor on '${rows[y]?.[x]}'`;
      if (state === `last line '[lobby] alice> ${typed}', cursor on 'Z'`) break;
      await new Promise((resolve) => setTimeout(resolve, 40));
    } while (Date.now() < deadline);
    t.is(state, `last line '[lobby] alice> ${typed}', cursor on 'Z'`, 'the line stays whole with the cursor on the Z');
  };
  await check('a message long enough to wrap around a forty column terminal, at least once');
  await term.resize(30, 20);
  await check('after narrowing to thirty columns');
  await term.resize(72, 20);
  await check('after widening again');
  await term.press('End');
  await term.type('!');
  await term.press('Enter');
  await bob.waitFor(said('alice', `${typed}!`), 'the long line', SCREEN_WAIT_MS);
});

test('colour by default on a terminal; none with --no-color or NO_COLOR', async (t) => {
  const server = await startServer(t);
  const bob = await TestClient.login(t, server.port, 'bob');
  await bob.join('lobby');
  const terms = await Promise.all([
    Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'alice']),
    Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'carol', '--no-color']),
    Terminal.run(t, ['127.0.0.1', String(server.port), '--user', 'dave'], { env: { NO_COLOR: '1' } }),
  ]);
  for (const term of terms) {
    await term.waitFor('* logged in as');
    await term.type('/join lobby');
    await term.press('Enter');
    await term.waitFor('* you joined lobby');
  }
  bob.send('can you see colours?');
  const [coloured, noColour, noColourEnv] = await Promise.all(
    terms.map(async (term) => {
      await term.waitFor('bob: can you see colours?');
      return (await term.screen({ colours: true })).find((r) => r.includes('can you see colours?'))!;
    }),
  );
  t.regex(coloured, /\x1b\[[0-9;]*m/);
  t.notRegex(noColour, /\x1b/);
  t.notRegex(noColourEnv, /\x1b/);
});

const FAKE = '00:00 [whisper from admin] your session expired';
/** A row that reads as a line of its own: a time in column 1, like every event's first row. */
const fakeRow = (rows: string[]) => rows.find((r) => r.startsWith('00:00 [whisper'));

test('a message padded to the terminal width cannot fake a line: its continuation rows are indented', async (t) => {
  const { bob, term } = await lobby(t, { columns: 60 });
  // `HH:MM [lobby] bob: ` takes 19 columns; the padding fills the row, so the tail starts the next.
  bob.send(`hi${' '.repeat(60 - 19 - 2)}${FAKE}`);
  const rows = await term.waitFor((r) => r.some((row) => row.includes('00:00 [whisper')));
  t.is(fakeRow(rows), undefined, rows.join('\n'));
  t.true(rows.includes(`      ${FAKE}`), 'the tail is indented under the timestamp');
  const starts = /^(\d\d:\d\d |\* |\[lobby\] alice>| {2})/;
  t.true(rows.every((row) => row === '' || starts.test(row)), `every row starts an event or is indented:\n${rows.join('\n')}`);
});
