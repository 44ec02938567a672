import test from 'ava';
import fc from 'fast-check';
import { sanitize } from '../client/sanitize.js';

const cases: [string, string, string][] = [
  ['CSI colour', 'a\x1b[31mred\x1b[0m b', 'ared b'],
  ['CSI clear screen and home', 'x\x1b[2J\x1b[Hy', 'xy'],
  ['CSI private mode (hide cursor)', 'x\x1b[?25ly', 'xy'],
  ['CSI cursor moves', 'x\x1b[10A\x1b[5;5Hy', 'xy'],
  ['8-bit CSI', 'x\x9b31my', 'xy'],
  ['OSC title ended by BEL', 'x\x1b]0;owned\x07y', 'xy'],
  ['OSC hyperlink ended by ST', 'x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y', 'xlinky'],
  ['OSC clipboard write', 'x\x1b]52;c;cm0gLXJmIH4=\x07y', 'xy'],
  ['8-bit OSC', 'x\x9d0;title\x9cy', 'xy'],
  ['unterminated OSC', 'x\x1b]0;never ends', 'x'],
  ['DCS', 'x\x1bPq#0;2;0;0;0\x1b\\y', 'xy'],
  ['APC, PM, SOS', 'a\x1b_x\x1b\\b\x1b^x\x1b\\c\x1bXx\x1b\\d', 'abcd'],
  ['two-character escapes (reset, save cursor, charset)', 'x\x1bc\x1b7\x1b(0y', 'xy'],
  ['escape inside an escape', 'x\x1b[3\x1b[31my', 'xy'],
  ['a lone ESC at the end', 'x\x1b', 'x'],
  ['C0 controls (NUL, BEL, BS, DEL)', 'a\x00b\x07c\x08d\x7fe', 'abcde'],
  ['line breaks and tabs become spaces', 'a\rb\nc\td', 'a b c d'],
  ['C1 controls (NEL, RI)', 'a\x85b\x8dc', 'a bc'],
  ['Unicode line and paragraph separators', 'a\u2028b\u2029c', 'a b c'],
  ['bidi overrides and embeddings', 'a\u202eb\u202ac\u202bd\u202ce\u202df', 'abcdef'],
  ['bidi isolates and marks', 'a\u2066b\u2067c\u2068d\u2069e\u200ef\u200fg\u061ch', 'abcdefgh'],
  ['zero-width space, non-joiner, joiner and word joiner', 'ad\u200bm\u200ci\u200dn\u2060!', 'admin!'],
  ['byte-order marks and soft hyphens', '\ufeffad\u00admin\ufeff', 'admin'],
  ['tag characters (text no one sees)', 'hi\u{e0001}\u{e0069}\u{e0067}\u{e006e}\u{e007f} there', 'hi there'],
  ['interlinear annotation and other format characters', 'a\ufff9b\ufffac\ufffbd\u180ee\u0600f\u{1d173}g', 'abcdefg'],
];

for (const [what, input, expected] of cases) {
  test(`sanitize removes ${what}`, (t) => {
    t.is(sanitize(input), expected);
  });
}

test('sanitize keeps ordinary text of any script, emoji with skin tones and flags included', (t) => {
  const text = 'Grüße, 日本語, مرحبا, ❤️ 👍🏽 🇫🇷 and 1 < 2 > 0 [ok] ~ \\ "quoted"';
  t.is(sanitize(text), text);
});

test('an emoji joined by a zero-width joiner is shown as its parts, as a terminal would measure it', (t) => {
  t.is(sanitize('👩\u200d💻'), '👩💻');
});

test('nothing that reaches the terminal can carry a control character or override', (t) => {
  const controlish = fc.constantFrom('\x1b', '\x9b', '\x9d', '\x90', '\x07', '\x9c', '[', ']', ';', '0', 'P', '\\', '\u202e', '\u2066', '\r', 'a');
  const hostile = fc.array(fc.oneof(controlish, fc.string({ unit: 'binary' })), { maxLength: 30 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(hostile, (input) => {
      // eslint-disable-next-line no-control-regex
      return !/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/.test(sanitize(input));
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
