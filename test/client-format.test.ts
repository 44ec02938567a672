import test from 'ava';
import { stripVTControlCharacters } from 'node:util';
import { attention, clock, formatEvent, formatTransfer, mentions, palette, plain, stamped } from '../client/format.js';
import type { ServerMessage } from '../core/protocol/messages.js';

const colour = palette(true);
const SGR = (...codes: number[]) => codes.map((c) => `\x1b[${c}m`).join('');

// Each kind of event as scripted mode prints it (no colour), and how its colour version starts.
const kinds: { what: string; event: ServerMessage; plain: string[]; style: string }[] = [
  { what: 'a room message', event: { t: 'message', room: 'lobby', from: 'bob', text: 'hi all', ts: 0 }, plain: ['[lobby] bob: hi all'], style: `${SGR(2)}[lobby]` },
  { what: 'an own message', event: { t: 'message', room: 'lobby', from: 'alice', text: 'hello', ts: 0 }, plain: ['[lobby] alice: hello'], style: `${SGR(1)}alice${SGR(22)}: ${SGR(1)}hello` },
  { what: 'a whisper received', event: { t: 'whisper', from: 'bob', to: 'alice', text: 'psst', ts: 0 }, plain: ['[whisper from bob] psst'], style: SGR(35) },
  { what: 'a whisper sent', event: { t: 'whisper', from: 'alice', to: 'bob', text: 'yes?', ts: 0 }, plain: ['[whisper to bob] yes?'], style: SGR(2, 35) },
  { what: 'someone joining', event: { t: 'joined', room: 'lobby', user: 'bob' }, plain: ['* bob joined lobby'], style: SGR(90) },
  { what: 'oneself joining', event: { t: 'joined', room: 'lobby', user: 'alice' }, plain: ['* you joined lobby'], style: SGR(90) },
  { what: 'a lost member', event: { t: 'left', room: 'lobby', user: 'bob', reason: 'connection lost' }, plain: ['* bob left lobby (connection lost)'], style: SGR(90) },
  { what: 'a member switching rooms', event: { t: 'left', room: 'lobby', user: 'bob', reason: 'switched' }, plain: ['* bob left lobby'], style: SGR(90) },
  { what: 'a command reply', event: { t: 'reply', re: 1, text: 'in lobby (2): alice, bob\nonline (2): alice, bob' }, plain: ['in lobby (2): alice, bob', 'online (2): alice, bob'], style: '' },
  { what: 'a notice', event: { t: 'notice', text: 'slow down' }, plain: ['* slow down'], style: SGR(90) },
  { what: 'an error', event: { t: 'error', re: 1, code: 'USAGE', message: 'missing <room>\nusage: /join <room>' }, plain: ['! missing <room>', '  usage: /join <room>'], style: SGR(31) },
  { what: 'a shutdown', event: { t: 'shutdown', reason: 'x', graceMs: 5000 }, plain: ['* the server is shutting down'], style: SGR(90) },
  { what: 'a queued upload', event: { t: 'upload-queued', re: 1, transfer: 3, file: 'a.txt', position: 2 }, plain: ['* upload of a.txt queued: position 2'], style: SGR(94) },
  { what: 'an upload starting', event: { t: 'upload-go', re: 1, transfer: 3, file: 'a.txt', waitedMs: 9, window: 1 }, plain: ['* upload of a.txt started'], style: SGR(94) },
  { what: 'an upload done', event: { t: 'upload-done', transfer: 3, file: 'a.txt', to: 'bob', bytes: 2048 }, plain: ['* sent a.txt to bob (2 KiB)'], style: SGR(94) },
  { what: 'a size that rounds up', event: { t: 'upload-done', transfer: 4, file: 'b.txt', to: 'bob', bytes: 299_999 }, plain: ['* sent b.txt to bob (293 KiB)'], style: SGR(94) },
  { what: 'an upload saved', event: { t: 'upload-done', transfer: 5, file: 'c.txt', to: 'bob', bytes: 10, saved: true }, plain: ['* bob saved c.txt (10 bytes)'], style: SGR(94) },
  {
    what: 'an upload not confirmed',
    event: { t: 'upload-done', transfer: 6, file: 'd.txt', to: 'bob', bytes: 10, saved: false },
    plain: ['* sent d.txt to bob (10 bytes), but bob has not confirmed saving it'],
    style: SGR(94),
  },
  { what: 'an upload failing', event: { t: 'upload-failed', transfer: 3, file: 'a.txt', reason: 'bob left' }, plain: ['! upload of a.txt failed: bob left'], style: SGR(31) },
  { what: 'a file arriving', event: { t: 'file-start', transfer: 3, from: 'bob', name: 'a.txt', size: 3145728, sha256: 'x' }, plain: ['* receiving a.txt (3 MiB) from bob'], style: SGR(94) },
];

for (const { what, event, plain, style } of kinds) {
  test(`${what}: the same words with and without colour`, (t) => {
    t.deepEqual(formatEvent(event, 'alice'), plain);
    const coloured = formatEvent(event, 'alice', colour);
    t.deepEqual(coloured.map(stripVTControlCharacters), plain);
    if (style) t.true(coloured[0]!.startsWith(style) || coloured[0]!.includes(` ${style}`), JSON.stringify(coloured[0]));
    else t.deepEqual(coloured, plain);
  });
}

test('protocol plumbing shows nothing', (t) => {
  for (const event of [{ t: 'ping' }, { t: 'query-result', re: 1, items: [] }, { t: 'file-end', transfer: 1 }] as ServerMessage[]) {
    t.deepEqual(formatEvent(event, 'alice', colour), []);
  }
});

test('a sender keeps one colour, whatever the case of the name, and errors keep theirs', (t) => {
  const from = (name: string) => formatEvent({ t: 'message', room: 'r', from: name, text: 'x', ts: 0 }, 'me', colour)[0]!.split(' ')[1]!;
  const colourOf = (s: string) => /\x1b\[(\d+)m/.exec(s)?.[1];
  t.is(colourOf(from('bob')), colourOf(from('BOB')));
  const used = new Set(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'].map((n) => colourOf(from(n))));
  t.true(used.size >= 4);
  for (const code of ['31', '35', '34', '94']) t.false(used.has(code), `sender colour ${code} is taken by a kind of line`);
});

test('text from other users is cleaned in every field it appears in', (t) => {
  const evil = '\x1b[2J\x1b]0;pwned\x07\u202e';
  const events: ServerMessage[] = [
    { t: 'message', room: `r${evil}`, from: `b${evil}`, text: `t${evil}`, ts: 0 },
    { t: 'whisper', from: `b${evil}`, to: 'alice', text: `t${evil}`, ts: 0 },
    { t: 'joined', room: `r${evil}`, user: `u${evil}` },
    { t: 'notice', text: `n${evil}` },
    { t: 'file-start', transfer: 1, from: `b${evil}`, name: `f${evil}.txt`, size: 1, sha256: '' },
  ];
  for (const event of events) {
    for (const line of formatEvent(event, 'alice')) t.false(/[\x1b\x07\u202e]/.test(line), JSON.stringify(line));
  }
});

test('a received file: where it was saved, or why not', (t) => {
  const base = { direction: 'down' as const, transfer: 1, name: 'a.txt', peer: 'bob', bytes: 5, total: 5 };
  t.deepEqual(formatTransfer({ ...base, state: 'done', path: '/home/a/downloads/a (1).txt' }), ['* saved a.txt from bob as /home/a/downloads/a (1).txt']);
  t.deepEqual(formatTransfer({ ...base, state: 'failed', reason: 'checksum mismatch' }), ['! a.txt from bob was not saved: checksum mismatch']);
  t.deepEqual(formatTransfer({ ...base, state: 'progress' }), []);
  t.true(formatTransfer({ ...base, state: 'done', path: '/x' }, colour)[0]!.startsWith(SGR(94)));
});

test('timestamps: local hours and minutes, dim with colour, continuation lines indented', (t) => {
  const ts = new Date(2024, 0, 2, 9, 5, 59).getTime();
  t.is(clock(ts), '09:05');
  t.deepEqual(stamped(['! missing <room>', '  usage: /join <room>'], ts), ['09:05 ! missing <room>', '        usage: /join <room>']);
  t.deepEqual(stamped(['x'], ts, colour), [`${SGR(2)}09:05${SGR(22)} x`]);
});

test('a mention is the name as a whole word, in any case', (t) => {
  for (const text of ['alice', 'hi Alice!', 'ALICE: look', '@alice?', 'ping alice, bob']) t.true(mentions(text, 'alice'), text);
  for (const text of ['malice', 'alice2', 'alices', 'al ice', 'bob']) t.false(mentions(text, 'alice'), text);
});

test('attention: lines and emotes of others naming us, and whispers from others; never our own', (t) => {
  const message = (from: string, text: string, emote?: true): ServerMessage => ({ t: 'message', room: 'lobby', from, text, ts: 0, ...(emote ? { emote } : {}) });
  t.is(attention(message('bob', 'hi alice'), 'alice'), 'mention');
  t.is(attention(message('bob', 'waves at Alice', true), 'alice'), 'mention');
  t.is(attention(message('bob', 'hi al\u200bice'), 'alice'), 'mention');
  t.is(attention(message('bob', 'hi carol'), 'alice'), undefined);
  t.is(attention(message('alice', 'I am alice'), 'alice'), undefined);
  t.is(attention({ t: 'whisper', from: 'bob', to: 'alice', text: 'psst', ts: 0 }, 'alice'), 'whisper');
  t.is(attention({ t: 'whisper', from: 'alice', to: 'bob', text: 'psst', ts: 0 }, 'alice'), undefined);
  t.is(attention({ t: 'whisper', from: 'alice', to: 'bob', text: 'away', ts: 0, auto: true }, 'alice'), undefined);
});

test('a mention is inverse with colour, and marked >> without', (t) => {
  t.is(colour.mention('[lobby] bob: hi alice'), `${SGR(7)}[lobby] bob: hi alice${SGR(27)}`);
  t.is(plain.mention('[lobby] bob: hi alice'), '>> [lobby] bob: hi alice');
});
