import test from 'ava';
import { advance, cursorPosition, graphemeStep, hangingRows, rowsOf, truncate } from '../client/interactive/layout.js';
import { draw, erase } from '../client/interactive/frame.js';

test('text wraps the way a terminal wraps it, wide characters included', (t) => {
  t.deepEqual(advance('abcdefghij', 10), { row: 0, col: 10 }); // pending wrap on the last cell
  t.deepEqual(advance('abcdefghijk', 10), { row: 1, col: 1 });
  t.deepEqual(advance('abcdefghi日', 10), { row: 1, col: 2 }); // no room for a wide one: next row
  t.deepEqual(advance('日本語', 4), { row: 1, col: 2 });
  t.deepEqual(advance('\x1b[1mbold\x1b[0m', 10), { row: 0, col: 4 }); // colour codes take no room
  t.deepEqual(advance('👩‍💻x', 10), { row: 0, col: 3 }); // one grapheme, two columns
});

test('the cursor shows where the next character will go', (t) => {
  t.deepEqual(cursorPosition('abc', 'def', 10), { row: 0, col: 3 });
  t.deepEqual(cursorPosition('abcdefghij', '', 10), { row: 1, col: 0 }); // end of a full row
  t.deepEqual(cursorPosition('abcdefghij', 'k', 10), { row: 1, col: 0 });
  t.deepEqual(cursorPosition('abcdefghi', '日', 10), { row: 1, col: 0 }); // the wide one wraps
  t.deepEqual(cursorPosition('abcdefghi', 'j', 10), { row: 0, col: 9 });
});

test('rows of output lines, cuts and grapheme steps', (t) => {
  t.is(rowsOf('', 10), 1);
  t.is(rowsOf('abcdefghij', 10), 1);
  t.is(rowsOf('abcdefghijk', 10), 2);
  t.is(truncate('hello world', 8), 'hello w…');
  t.is(truncate('hello', 8), 'hello');
  t.is(truncate('日本語日本語', 7), '日本語…');
  const text = 'a👩‍💻b';
  t.is(graphemeStep(text, 1, 1), 1 + '👩‍💻'.length);
  t.is(graphemeStep(text, 1 + '👩‍💻'.length, -1), 1);
  t.is(graphemeStep(text, 0, -1), 0);
  t.is(graphemeStep(text, text.length, 1), text.length);
});

test('a frame is drawn with the cursor at the editing position and erased from there', (t) => {
  const frame = { status: ['50% sending'], label: '> ', input: 'hello world', cursor: 5 };
  const { text, drawn } = draw(frame, 80);
  t.is(text, '50% sending\r\n> hello world\r\x1b[7C');
  t.is(erase(drawn, 80), '\r\x1b[1A\x1b[J'); // one status row above the prompt row
  t.is(erase(undefined, 80), '\r\x1b[J');
});

test('a prompt wider than the terminal is placed and erased row by row, at the width of the moment', (t) => {
  const input = 'x'.repeat(25);
  const { text, drawn } = draw({ status: [], label: '> ', input, cursor: 10 }, 10);
  // 27 columns on rows of 10: the text ends on row 2; the cursor (column 12) is on row 1, column 2.
  t.is(text, `> ${input}\x1b[1A\r\x1b[2C`);
  t.is(erase(drawn, 10), '\r\x1b[1A\x1b[J');
  // After the terminal narrowed to 5 columns and re-wrapped: the cursor is now 2 rows down.
  t.is(erase(drawn, 5), '\r\x1b[2A\x1b[J');
});

test('a prompt that exactly fills its last row wraps by hand, so the cursor is not left pending', (t) => {
  const { text, drawn } = draw({ status: [], label: '> ', input: 'abcdefgh', cursor: 8 }, 10);
  t.is(text, '> abcdefgh \r');
  t.is(erase(drawn, 10), '\r\x1b[1A\x1b[J');
  const middle = draw({ status: [], label: '> ', input: 'abcdefgh', cursor: 3 }, 10);
  t.is(middle.text, '> abcdefgh\r\x1b[5C');
});

test('a long line is cut into rows the terminal will not wrap again, every row after the first indented', (t) => {
  t.deepEqual(hangingRows('abcdefghij', 10, 2), ['abcdefghij']); // exactly full: one row
  t.deepEqual(hangingRows('abcdefghijklmnopqrstu', 10, 2), ['abcdefghij', '  klmnopqr', '  stu']);
  // Padding to the edge cannot put the tail in column 1.
  t.deepEqual(hangingRows(`09:41 x${' '.repeat(3)}09:41 fake`, 10, 6), ['09:41 x   ', '      09:4', '      1 fa', '      ke']);
  t.deepEqual(hangingRows('abcdefghi日本', 10, 2), ['abcdefghi', '  日本']); // a wide one does not fit in the last cell
  const coloured = hangingRows('\x1b[35mabcdefghijkl\x1b[39m', 10, 2);
  t.deepEqual(coloured, ['\x1b[35mabcdefghij', '  kl\x1b[39m'], 'colour codes take no room');
  t.true(hangingRows('x'.repeat(50), 3, 6).every((row) => row.length <= 3), 'a narrow terminal gets a smaller indent, not longer rows');
});

test('rows err wide on sequences a terminal may draw in parts, and never split a grapheme', (t) => {
  // 👍🏽 is one grapheme of two columns where skin tones join, four where they do not.
  t.deepEqual(hangingRows('👍🏽👍🏽👍🏽', 10, 2), ['👍🏽👍🏽', '  👍🏽']);
  t.deepEqual(hangingRows('e\u0301'.repeat(12), 10, 2), ['e\u0301'.repeat(10), `  ${'e\u0301'.repeat(2)}`]);
});
