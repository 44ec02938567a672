import test from 'ava';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArgManifest, CommandManifest } from '../core/protocol/messages.js';
import { analyse, complete, type Candidate } from '../client/interactive/completion.js';
import { choiceRows, Completer, type CompletionSources } from '../client/interactive/completer.js';
import { PathCandidates } from '../client/interactive/paths.js';

const command = (name: string, aliases: string[], args: ArgManifest[]): CommandManifest => ({
  name,
  aliases,
  usage: `/${name} ${args.map((a) => `<${a.name}>`).join(' ')}`.trim(),
  summary: name,
  args,
});
const a = (name: string, kind: ArgManifest['kind'], optional = false): ArgManifest => ({ name, kind, optional });

const COMMANDS = [
  command('join', ['j'], [a('room', 'room')]),
  command('whisper', ['w', 'msg'], [a('username', 'user'), a('message', 'text')]),
  command('who', [], [a('room', 'room', true)]),
  command('sendfile', ['send'], [a('filename', 'file'), a('username', 'user')]),
  command('help', ['h'], [a('command', 'word', true)]),
  command('leave', ['part'], []),
];

interface Fake {
  users?: string[];
  rooms?: string[];
  files?: Candidate[];
  self?: string;
  commands?: CommandManifest[];
  offers?: string[];
}

function completer(fake: Fake = {}): { completer: Completer; asked: string[] } {
  const asked: string[] = [];
  const sources: CompletionSources = {
    commands: () => fake.commands ?? COMMANDS,
    users: async () => (asked.push('users'), fake.users ?? []),
    rooms: async () => (asked.push('rooms'), fake.rooms ?? []),
    files: async (prefix) => (asked.push(`files:${prefix}`), fake.files ?? []),
    offers: () => fake.offers ?? [],
    self: () => fake.self ?? 'me',
  };
  return { completer: new Completer(sources), asked };
}

/** Presses Tab with the cursor at the end of `line` (or at the `|` in it). */
async function tab(c: Completer, typed: string, reverse = false) {
  const cursor = typed.includes('|') ? typed.indexOf('|') : typed.length;
  const line = typed.replace('|', '');
  const result = await c.tab(line, cursor, reverse);
  if (!result.ok) return { line, reason: result.reason };
  return {
    line: result.line.slice(0, result.cursor) + '|' + result.line.slice(result.cursor),
    choices: result.choices.map((ch) => ch.display ?? ch.value),
    current: result.current,
  };
}

test('a command name at the start of the line completes from the manifest, aliases included', async (t) => {
  const { completer: c } = completer();
  t.like(await tab(c, '/jo'), { line: '/join |', choices: [] });
  t.like(await tab(c, '/SE'), { line: '/send|', choices: ['/send', '/sendfile'] });
  t.like(await tab(c, '/w'), { line: '/w|', choices: ['/w', '/whisper', '/who'] });
  t.like(await tab(c, '/pa'), { line: '/part |' });
});

test('Tab on an empty line lists every command', async (t) => {
  const { completer: c } = completer();
  const result = await tab(c, '');
  t.is(result.line, '/|');
  t.deepEqual(result.choices, ['/h', '/help', '/j', '/join', '/leave', '/msg', '/part', '/send', '/sendfile', '/w', '/whisper', '/who']);
});

test('a user argument completes from the online users, ignoring case and leaving out oneself', async (t) => {
  const { completer: c, asked } = completer({ users: ['alice', 'Alan', 'bob', 'me'], self: 'me' });
  t.like(await tab(c, '/whisper b'), { line: '/whisper bob |' });
  t.like(await tab(c, '/w AL'), { line: '/w AL|', choices: ['Alan', 'alice'] });
  t.like(await tab(c, '/w alI'), { line: '/w alice |' });
  t.like(await tab(c, '/w m'), { reason: "no user starting with 'm'" });
  t.like(await tab(c, '/sendfile x.txt al'), { line: '/sendfile x.txt al|', choices: ['Alan', 'alice'] });
  t.true(asked.every((what) => what === 'users'));
});

test('a room argument completes from the rooms, for required and optional arguments alike', async (t) => {
  const { completer: c, asked } = completer({ rooms: ['lobby', 'Lounge', 'games'] });
  t.like(await tab(c, '/join g'), { line: '/join games |' });
  t.like(await tab(c, '/j l'), { line: '/j lo|', choices: ['lobby', 'Lounge'] });
  t.like(await tab(c, '/who lou'), { line: '/who Lounge |' });
  t.deepEqual([...new Set(asked)], ['rooms']);
});

test('a file argument completes from local paths; folders end in / and do not close the word', async (t) => {
  const { completer: c, asked } = completer({
    files: [
      { value: 'docs/', display: 'docs/', final: false },
      { value: 'doc.txt', display: 'doc.txt', final: true },
    ],
  });
  t.like(await tab(c, '/sendfile do'), { line: '/sendfile doc|', choices: ['doc.txt', 'docs/'] });
  t.deepEqual(asked, ['files:do']);
  const folder = completer({ files: [{ value: 'docs/', final: false }] }).completer;
  t.like(await tab(folder, '/sendfile do'), { line: '/sendfile docs/|' });
});

test('a file name with blanks is written in quotes, and an opened quote is kept', async (t) => {
  const spaced = completer({ files: [{ value: 'my photo.jpg', final: true }] }).completer;
  t.like(await tab(spaced, '/sendfile my'), { line: '/sendfile "my photo.jpg" |' });
  t.like(await tab(spaced, '/sendfile "my p'), { line: '/sendfile "my photo.jpg" |' });
  const two = completer({ files: [{ value: 'my a.txt', final: true }, { value: 'my b.txt', final: true }] }).completer;
  t.like(await tab(two, '/sendfile m'), { line: '/sendfile "my |', choices: ['my a.txt', 'my b.txt'] });
  t.like(await tab(two, '/sendfile "my |'), { line: '/sendfile "my a.txt" |', current: 0 });
  const quotes = completer({ files: [{ value: 'say "hi"\\.txt', final: true }] }).completer;
  t.like(await tab(quotes, '/sendfile sa'), { line: '/sendfile "say \\"hi\\"\\\\.txt" |' });
});

test('the argument after a quoted file name is found where the server would find it', async (t) => {
  const { completer: c } = completer({ users: ['bob'] });
  t.like(await tab(c, '/sendfile "my photo.jpg" b'), { line: '/sendfile "my photo.jpg" bob |' });
});

test('Tab again cycles through the candidates, Shift+Tab backwards, and any edit starts afresh', async (t) => {
  const { completer: c } = completer({ users: ['alice', 'alan', 'albert'] });
  t.like(await tab(c, '/w al'), { line: '/w al|', choices: ['alan', 'albert', 'alice'] });
  t.like(await tab(c, '/w al'), { line: '/w alan |', current: 0 });
  t.like(await tab(c, '/w alan '), { line: '/w albert |', current: 1 });
  t.like(await tab(c, '/w albert '), { line: '/w alice |', current: 2 });
  t.like(await tab(c, '/w alice '), { line: '/w alan |', current: 0 });
  t.like(await tab(c, '/w alan ', true), { line: '/w alice |', current: 2 });
  c.reset();
  t.like(await tab(c, '/w alice '), { reason: undefined }); // a text argument with nothing typed: nothing to do
  t.like(await tab(c, '/w ali'), { line: '/w alice |' });
});

test('an unknown command, a word argument or a surplus argument completes nothing', async (t) => {
  const { completer: c, asked } = completer({ users: ['bob'], rooms: ['lobby'] });
  t.like(await tab(c, '/frobnicate b'), { reason: '/frobnicate is not a command here; /help lists them' });
  const topic = completer({ commands: [command('poll', [], [a('question', 'word')])] }).completer;
  t.like(await tab(topic, '/poll jo'), { reason: undefined });
  t.like(await tab(c, '/join lobby l'), { reason: '/join takes no more arguments (/join <room>)' });
  t.like(await tab(c, '/leave x'), { reason: '/leave takes no more arguments (/leave)' });
  t.deepEqual(asked, []);
});

test("/help's argument completes to command names and aliases, without the slash", async (t) => {
  const { completer: c, asked } = completer();
  t.like(await tab(c, '/help jo'), { line: '/help join |' });
  t.like(await tab(c, '/h WH'), { line: '/h WH|', choices: ['whisper', 'who'] });
  t.like(await tab(c, '/help join x'), { reason: '/help takes no more arguments (/help <command>)' });
  t.deepEqual(asked, []);
});

test('a word in chat text completes to a username; first on the line it addresses them', async (t) => {
  const { completer: c } = completer({ users: ['alice', 'bob'] });
  t.like(await tab(c, 'ali'), { line: 'alice: |' });
  t.like(await tab(c, 'thanks b'), { line: 'thanks bob |' });
  t.like(await tab(c, '/whisper bob ask ali'), { line: '/whisper bob ask alice |' });
  t.like(await tab(c, 'hello '), { reason: undefined });
});

test('completion in the middle of a line keeps what follows the cursor', async (t) => {
  const { completer: c } = completer({ users: ['alice'] });
  t.like(await tab(c, '/w al| hello'), { line: '/w alice| hello' });
});

test('complete() alone: one match in full, several to their common prefix, none to undefined', (t) => {
  const analysis = analyse('/join lo', 8, COMMANDS);
  if (!analysis.ok) return t.fail();
  t.is(analysis.target.kind, 'room');
  const rooms = (...names: string[]) => names.map((value) => ({ value, final: true }));
  t.deepEqual(complete('/join lo', 8, analysis.target, rooms('lobby', 'games')), { line: '/join lobby ', cursor: 12, choices: [] });
  t.is(complete('/join lo', 8, analysis.target, rooms('lobbyA', 'lobbyB'))?.line, '/join lobby');
  t.is(complete('/join lo', 8, analysis.target, rooms('games')), undefined);
});

test('the candidate list fits the width in at most three rows and marks the current one', (t) => {
  const names = Array.from({ length: 30 }, (_, i) => ({ value: `user${String(i).padStart(2, '0')}`, final: true }));
  const rows = choiceRows(names, 1, 40);
  t.is(rows.length, 3);
  t.is(rows[0], 'user00  [user01]  user02  user03  user04');
  t.true(rows.every((r) => r.length <= 40));
  t.regex(rows[2]!, /… \d+ more$/);
  const later = choiceRows(names, 25, 40);
  t.regex(later[0]!, /^… 25 more  \[user25\]  user26/);
  t.deepEqual(choiceRows(names.slice(0, 2), undefined, 40), ['user00  user01']);
});

test('local paths: folders get a slash, hidden entries only when asked, only sendable types', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-paths-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'photos'));
  mkdirSync(join(dir, '.secret'));
  for (const name of ['photo.JPG', 'notes.txt', 'program.exe', '.hidden.txt', 'photos/cat.png', 'my report.pdf']) writeFileSync(join(dir, name), 'x');
  const paths = new PathCandidates(dir, () => ['.txt', '.pdf', '.jpg', '.png']);
  const values = async (prefix: string) => (await paths.candidates(prefix)).map((c) => `${c.value}${c.final ? '' : ' (folder)'}`).sort();
  t.deepEqual(await values(''), ['my report.pdf', 'notes.txt', 'photo.JPG', 'photos/ (folder)']);
  t.deepEqual(await values('pho'), ['photo.JPG', 'photos/ (folder)']);
  t.deepEqual(await values('photos/'), ['photos/cat.png']);
  t.deepEqual(await values('.'), ['.hidden.txt', '.secret/ (folder)']);
  t.deepEqual(await values(`${dir}/no`), [`${dir}/notes.txt`]);
  t.deepEqual(await values('missing/'), []);
});

test('local paths: ~ is the home folder, and completions keep the ~/ form', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'chat-home-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, 'docs'));
  for (const name of ['notes.txt', 'docs/plan.txt']) writeFileSync(join(home, name), 'x');
  const paths = new PathCandidates(tmpdir(), () => ['.txt'], 2000, Date.now, home);
  const values = async (prefix: string) => (await paths.candidates(prefix)).map((c) => c.value).sort();
  t.deepEqual(await values('~'), ['~/']);
  t.deepEqual(await values('~/'), ['~/docs/', '~/notes.txt']);
  t.deepEqual(await values('~/docs/p'), ['~/docs/plan.txt']);
});

test('local paths: a folder listing is cached briefly, then read again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-paths-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let now = 0;
  const paths = new PathCandidates(dir, () => [], 2000, () => now);
  writeFileSync(join(dir, 'a.txt'), 'x');
  t.is((await paths.candidates('')).length, 1);
  writeFileSync(join(dir, 'b.txt'), 'x');
  t.is((await paths.candidates('')).length, 1);
  now = 2500;
  t.is((await paths.candidates('')).length, 2);
});

test('a candidate carrying control characters is never put into the line', async (t) => {
  const { completer: c } = completer({ files: [{ value: 'evil\x1b[2J.txt', final: true }, { value: 'eve.txt', final: true }] });
  t.like(await tab(c, '/sendfile ev'), { line: '/sendfile eve.txt |' });
});
