import test from 'ava';
import { PassThrough, Writable } from 'node:stream';
import { ChatPrompt } from '../client/interactive/chat-prompt.js';
import { History } from '../client/interactive/history.js';

/** A prompt on in-memory streams: keys go in as the bytes a terminal sends. */
function open(columns = 40) {
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
  const writes: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  stdout.columns = columns;
  const prompt = new ChatPrompt(stdin, stdout);
  const lines: string[] = [];
  const events: string[] = [];
  prompt.on('line', (line) => lines.push(line));
  prompt.on('exit', () => events.push('exit'));
  prompt.on('tab', (reverse) => events.push(reverse ? 'shift-tab' : 'tab'));
  prompt.setLabel(() => '> ');
  prompt.recordHistory = true;
  prompt.start();
  /** Sends keys and waits until the prompt has handled them (a bounded number of turns). */
  const keys = async (text: string) => {
    (stdin as unknown as PassThrough).write(text);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return { prompt, stdin, keys, lines, events, writes };
}

const UP = '\x1b[A';
const DOWN = '\x1b[B';
const LEFT = '\x1b[D';
const HOME = '\x1b[H';
const END = '\x1b[F';

test('keys typed in one burst after Enter are all kept, in order', async (t) => {
  const { keys, lines, prompt } = open();
  await keys('hello\rworld\rand more');
  t.deepEqual(lines, ['hello', 'world']);
  t.is(prompt.input, 'and more');
  const pasted = Array.from({ length: 200 }, (_, i) => `line ${i}`);
  await keys(`\x15${pasted.join('\r')}\r`);
  t.deepEqual(lines.slice(2), pasted);
});

test('a long paste is drawn once, not once per character', async (t) => {
  const { keys, prompt, writes } = open();
  writes.length = 0;
  await keys('x'.repeat(2000));
  t.is(prompt.input.length, 2000);
  t.is(writes.length, 1);
});

test('the prompt stays one prompt: no listener or exit hook piles up over many lines', async (t) => {
  const { keys, lines, prompt, stdin } = open();
  const exitHooks = process.listenerCount('exit');
  await keys('warm up\r');
  const before = { keypress: stdin.listenerCount('keypress'), close: prompt.listenerCount('close') };
  await keys(Array.from({ length: 2000 }, (_, i) => `m${i}\r`).join(''));
  t.is(lines.length, 2001);
  t.deepEqual({ keypress: stdin.listenerCount('keypress'), close: prompt.listenerCount('close') }, before);
  t.is(process.listenerCount('exit'), exitHooks);
});

test('Up and Down recall submitted lines and come back to the line being typed', async (t) => {
  const { keys, prompt } = open();
  await keys('first\rsecond\rdraft');
  await keys(UP);
  t.is(prompt.input, 'second');
  await keys(UP + UP);
  t.is(prompt.input, 'first');
  await keys(DOWN);
  t.is(prompt.input, 'second');
  await keys(DOWN);
  t.is(prompt.input, 'draft');
  t.is(prompt.cursor, 5);
});

test('Ctrl+C leaves; Ctrl+D leaves on an empty line and deletes forward otherwise', async (t) => {
  const { keys, events, prompt } = open();
  await keys('abc' + LEFT + LEFT + '\x04');
  t.is(prompt.input, 'ac');
  t.deepEqual(events, []);
  await keys(END + '\x15\x04');
  t.deepEqual(events, ['exit']);
  await keys('typed\x03');
  t.deepEqual(events, ['exit', 'exit']);
});

test('line editing: Home, End, Ctrl+A/E/U/W, word moves; escape sequences never become text', async (t) => {
  const { keys, prompt } = open();
  await keys('say hello world');
  await keys(HOME);
  t.is(prompt.cursor, 0);
  await keys(END);
  t.is(prompt.cursor, 15);
  await keys('\x17'); // Ctrl+W
  t.is(prompt.input, 'say hello ');
  await keys('\x1bb'); // Alt+B
  t.is(prompt.cursor, 4);
  await keys('\x1b[1;5C'); // Ctrl+Right
  t.is(prompt.cursor, 9);
  await keys('\x01'); // Ctrl+A
  t.is(prompt.cursor, 0);
  await keys('\x05'); // Ctrl+E, to the very end
  t.is(prompt.cursor, prompt.input.length);
  await keys(LEFT + LEFT + '\x15'); // Ctrl+U
  t.is(prompt.input, 'o ');
  await keys('\x1b[15~\x1bx\x1b[5~'); // F5, Alt+X, PageUp
  t.is(prompt.input, 'o ');
});

test('Backspace and arrows step over a whole emoji or accented letter', async (t) => {
  const { keys, prompt } = open();
  await keys('a👩‍💻é');
  await keys('\x7f');
  t.is(prompt.input, 'a👩‍💻');
  await keys(LEFT);
  t.is(prompt.cursor, 1);
  await keys('\x7f');
  t.is(prompt.input, '👩‍💻');
});

test('Tab and Shift+Tab are handed to the owner and type nothing', async (t) => {
  const { keys, events, prompt } = open();
  await keys('/jo\t\x1b[Z');
  t.deepEqual(events, ['tab', 'shift-tab']);
  t.is(prompt.input, '/jo');
});

test('keys typed right after Tab wait for the completion, then go in after it', async (t) => {
  const { keys, prompt, lines } = open();
  let complete = () => {};
  prompt.on('tab', () => prompt.hold(new Promise<void>((resolve) => (complete = () => (prompt.replace('/join '), resolve())))));
  await keys('/jo\tlobby\r');
  t.is(prompt.input, '/jo');
  t.deepEqual(lines, []);
  complete();
  await keys('');
  t.deepEqual(lines, ['/join lobby']);
});

test('print() puts the lines above the prompt and redraws it in the same single write', async (t) => {
  const { keys, prompt, writes } = open();
  await keys('half typed');
  writes.length = 0;
  prompt.print(['* bob joined lobby', '[lobby] bob: hi']);
  t.is(writes.length, 1);
  t.true(writes[0]!.includes('* bob joined lobby\r\n[lobby] bob: hi\r\n> half typed'));
  t.is(prompt.input, 'half typed');
});

test('finish() removes the prompt and gives the keyboard back', async (t) => {
  const { keys, prompt, stdin, lines, writes } = open();
  await keys('x');
  prompt.finish(['* bye']);
  t.false(prompt.running);
  t.is(stdin.listenerCount('keypress'), 0);
  t.true(stdin.isPaused());
  t.true(writes.at(-1)!.endsWith('* bye\r\n\x1b[?25h'));
  await keys('\r');
  t.deepEqual(lines, []);
});

test('history: capped, no empty lines or immediate repeats, draft kept', (t) => {
  const history = new History(3);
  for (const line of ['a', 'b', 'b', '', 'c', 'd']) history.push(line);
  t.is(history.size, 3);
  t.is(history.older('typing'), 'd');
  t.is(history.older('d'), 'c');
  t.is(history.older('c'), 'b');
  t.is(history.older('b'), undefined);
  t.is(history.newer(), 'c');
  t.is(history.newer(), 'd');
  t.is(history.newer(), 'typing');
  t.is(history.newer(), undefined);
});
