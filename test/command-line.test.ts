import test from 'ava';
import { CommandLineError, parseCommandArgs, splitCommandLine } from '../core/protocol/command-line.js';

const required = (name: string, kind: 'user' | 'text' | 'file') => ({ name, kind, optional: false }) as const;
const whisper = { name: 'whisper', args: [required('user', 'user'), required('message', 'text')] };
const sendfile = { name: 'sendfile', args: [required('file', 'file'), required('user', 'user')] };
const help = { name: 'help', args: [{ name: 'command', kind: 'word', optional: true }] } as const;

test('the command name is split off and lower-cased; the rest is left as typed', (t) => {
  t.deepEqual(splitCommandLine('/WHISPER bob  hi  there '), { name: 'whisper', rest: ' bob  hi  there ' });
  t.deepEqual(splitCommandLine('/exit'), { name: 'exit', rest: '' });
  t.deepEqual(splitCommandLine('/'), { name: '', rest: '' });
});

test('a text argument takes the rest of the line exactly as typed', (t) => {
  t.deepEqual(parseCommandArgs(whisper, ' bob  hi  "there" \\ '), { user: 'bob', message: 'hi  "there" \\ ' });
  t.deepEqual(parseCommandArgs(whisper, '\tbob\tx'), { user: 'bob', message: 'x' });
});

test('a quoted token may hold blanks, and \\" and \\\\ stand for themselves', (t) => {
  t.deepEqual(parseCommandArgs(sendfile, ' "my holiday photo.png" bob'), { file: 'my holiday photo.png', user: 'bob' });
  t.deepEqual(parseCommandArgs(sendfile, ' "say \\"hi\\" \\\\ now.txt" bob'), { file: 'say "hi" \\ now.txt', user: 'bob' });
  t.deepEqual(parseCommandArgs(sendfile, ' "" bob'), { file: '', user: 'bob' });
});

test('missing, surplus and unterminated arguments are errors naming what is wrong', (t) => {
  t.like(t.throws(() => parseCommandArgs(whisper, ' bob'), { instanceOf: CommandLineError }), { message: 'missing <message>', argument: 'message' });
  t.like(t.throws(() => parseCommandArgs(sendfile, ' a.txt bob carol'), { instanceOf: CommandLineError }), {
    message: 'too many arguments for /sendfile',
  });
  t.like(t.throws(() => parseCommandArgs(sendfile, ' "open.txt bob'), { instanceOf: CommandLineError }), { message: 'unterminated quote' });
  t.deepEqual(parseCommandArgs(help, '   '), { command: undefined });
});
