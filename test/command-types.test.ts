import 'reflect-metadata';
import test from 'ava';
import { arg, Command, type CommandContext, type FileOffer, type InferArgs } from '../core/plugin-api.js';
import { commandMetaOf } from '../core/commands/decorator.js';

const args = { filename: arg.file(), username: arg.user({ description: 'who gets it' }), note: arg.text({ optional: true }) };
type Context = CommandContext<typeof args>;

// Compile-time checks: `npm test` fails to build if any of these stops being an error.
const inferred: InferArgs<typeof args> = { filename: { arg: 'filename', name: 'a.txt', size: 1, sha256: '' }, username: 'bob' };
// @ts-expect-error a misspelt argument name
void inferred.usernam;
// @ts-expect-error a file argument is an offer, not a string
const wrongKind: string = inferred.filename;
void wrongKind;
// @ts-expect-error an optional argument may be missing
const mustCheck: string = inferred.note;
void mustCheck;

test('arguments declared once as an object keep their order and names, and their types follow the kinds', (t) => {
  @Command({ name: 'give', summary: 'give a file', args })
  class Give {
    seen?: { file: FileOffer; to: string; note: string | undefined };
    run({ args }: Context): void {
      this.seen = { file: args.filename, to: args.username, note: args.note };
    }
  }
  const meta = commandMetaOf(Give)!;
  t.deepEqual(
    meta.args.map((a) => [a.name, a.kind, a.optional, a.description]),
    [
      ['filename', 'file', false, undefined],
      ['username', 'user', false, 'who gets it'],
      ['note', 'text', true, undefined],
    ],
  );
  t.is(meta.usage, '/give <filename> <username> [note...]');
  t.true(Object.isFrozen(meta.args) && meta.args.every(Object.isFrozen));
});

test('a run whose arguments do not match the declaration does not compile', (t) => {
  const declared = { username: arg.user() };
  // @ts-expect-error run reads an argument the declaration does not have
  @Command({ name: 'poke', summary: 'poke someone', args: declared })
  class Poke {
    run(_: CommandContext<{ usernam: ReturnType<typeof arg.user> }>): void {}
  }
  t.is(commandMetaOf(Poke)!.args[0]!.name, 'username');
});

test('the old array form is refused with the new form in the message', (t) => {
  const error = t.throws(() => Command({ name: 'old', summary: 'old style', args: [arg.word()] as never })(class { run() {} }));
  t.regex(error!.message, /args must be an object of arguments by name, such as \{ username: arg\.user\(\), message: arg\.text\(\) \}/);
});
