import test from 'ava';
import fc from 'fast-check';
import { formatEvent, palette, STAMP_COLUMNS, stamped } from '../client/format.js';
import { displayWidth, hangingRows } from '../client/interactive/layout.js';
import { sanitize } from '../client/sanitize.js';

// What must never reach the screen as written (line and paragraph separators become spaces):
// controls, and every invisible format character (category Cf: zero-width, bidi, tags…).
// eslint-disable-next-line no-control-regex
const STEERING = /[\u0000-\u001f\u007f-\u009f\p{Cf}\u2028\u2029\u{e0000}-\u{e007f}]/u;

// Pieces of terminal control sequences, mixed with any other text.
const hostileText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\u001b', '\u001b[', '\u001b]', '\u001bP', '\u009b', '\u009d', '\u0007', '\u001b\\', '[2J', '0;', 'm', '\r', '\n', '\t', '\u202e', '\u2066'),
    fc.constantFrom('\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u2028', '\u{e0041}', '\u{e007f}', '\ufff9', '\u180e'),
    fc.string({ unit: 'binary', maxLength: 1 }),
  ),
  maxLength: 60,
});

test('whatever another user writes, what the client shows has no control or bidi character left', (t) => {
  fc.assert(
    fc.property(hostileText, fc.constantFrom('alice', 'bob'), (text, from) => {
      const shown = [
        sanitize(text),
        ...formatEvent({ t: 'message', room: 'lobby', from, text, ts: 0 }, 'bob'),
        ...formatEvent({ t: 'whisper', from: 'alice', to: 'bob', text, ts: 0 }, 'bob'),
        ...formatEvent({ t: 'file-start', transfer: 1, from: 'alice', name: text, size: 1, sha256: '' }, 'bob'),
      ];
      return shown.every((line) => !STEERING.test(line));
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('text with nothing to strip is shown as it was written', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => STEERING.test(text) || sanitize(text) === text),
    { numRuns: 1000 },
  );
  t.pass();
});

test('however a message is padded, only its first row starts in column 1, and no row is wider than the terminal', (t) => {
  const padded = fc.array(fc.oneof(fc.constant(' '.repeat(20)), fc.constantFrom('00:00 ', '[whisper from admin] ', '日本', '👍🏽', 'e\u0301'), hostileText), { maxLength: 12 });
  fc.assert(
    fc.property(padded.map((parts) => parts.join('')), fc.integer({ min: 10, max: 160 }), fc.boolean(), (text, width, colour) => {
      const [line] = stamped(formatEvent({ t: 'message', room: 'lobby', from: 'bob', text, ts: 0 }, 'alice', palette(colour)), 0, palette(colour));
      const rows = hangingRows(line!, width, STAMP_COLUMNS);
      return rows.every((row, i) => displayWidth(row) <= width && (i === 0 || row.startsWith(' '.repeat(STAMP_COLUMNS))));
    }),
    { numRuns: 1000 },
  );
  t.pass();
});
