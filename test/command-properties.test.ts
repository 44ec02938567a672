import 'reflect-metadata';
import test from 'ava';
import fc from 'fast-check';
import { arg, type ArgDecls, type ArgSpec } from '../core/commands/args.js';
import { Command, commandMetaOf } from '../core/commands/decorator.js';
import { Dispatcher } from '../core/commands/dispatcher.js';
import { characterCount } from '../core/commands/kinds.js';
import { CommandRegistry } from '../core/commands/registry.js';
import { DEFAULTS } from '../core/config.js';
import { CommandLineError, parseCommandArgs } from '../core/protocol/command-line.js';
import type { ServerMessage } from '../core/protocol/messages.js';
import { MemoryRoomDirectory } from '../core/services/memory-rooms.js';
import { MemoryUserDirectory } from '../core/services/memory-users.js';
import { LocalSessions } from '../core/services/local-sessions.js';
import { toWire } from '../core/session/wire.js';

// Strings made of what matters to the parser (blanks, quotes, backslashes, slashes), with any
// other character mixed in.
const tricky = fc.string({ unit: fc.oneof(fc.constantFrom(' ', '\t', '"', '\\', '/', 'a', 'B', '7', 'é', '😀', '\u0000', '\u001b'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 40 });

/** Declarations the loader accepts: unique names, required before optional, `text` only last. */
const declaration = fc
  .tuple(fc.array(fc.constantFrom<ArgSpec['kind']>('word', 'user', 'room', 'file'), { maxLength: 3 }), fc.nat({ max: 3 }), fc.boolean())
  .map(([kinds, firstOptional, withText]) => {
    const args: ArgSpec[] = kinds.map((kind, i) => ({ name: `a${i}`, kind, optional: i >= firstOptional }));
    if (withText) args.push({ name: 'rest', kind: 'text', optional: args.some((a) => a.optional) });
    return { name: 'cmd', args };
  });

const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

test('parseCommandArgs given any line throws only CommandLineError, and what it returns fits the declaration', (t) => {
  fc.assert(
    fc.property(declaration, tricky, (declared, rest) => {
      let values;
      try {
        values = parseCommandArgs(declared, rest);
      } catch (error) {
        return error instanceof CommandLineError;
      }
      const names = declared.args.map((a) => a.name);
      if (JSON.stringify(Object.keys(values)) !== JSON.stringify(names)) return false;
      let absent = false;
      for (const spec of declared.args) {
        const value = values[spec.name];
        if (value === undefined) {
          if (!spec.optional) return false;
          absent = true;
        } else if (absent) {
          return false; // an argument after an absent one
        }
        if (spec.kind === 'text' && value !== undefined && (value.length === 0 || !rest.endsWith(value) || /^[ \t]/.test(value))) return false;
      }
      return true;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('any argument values, quoted, parse back to themselves', (t) => {
  fc.assert(
    fc.property(fc.array(tricky, { minLength: 1, maxLength: 4 }), tricky, (words, text) => {
      const declared = { name: 'cmd', args: [...words.map((_, i) => ({ name: `w${i}`, kind: 'word', optional: false }) as const), { name: 'rest', kind: 'text', optional: false } as const] };
      const body = text.replace(/^[ \t]+/, '') || 'x';
      const values = parseCommandArgs(declared, ` ${words.map(quote).join(' \t')} ${body}`);
      return words.every((w, i) => values[`w${i}`] === w) && values.rest === body;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

/** A registry of commands covering every kind, whose handlers record what they were given. */
function dispatcherUnderTest() {
  const calls: { command: string; args: Record<string, unknown> }[] = [];
  const metaOf = (name: string, args: ArgDecls) => commandMetaOf(Command({ name, summary: name, args, plainText: name === 'broadcast' })(class { run() {} }))!;
  const registry = new CommandRegistry();
  const specs: [string, ArgDecls][] = [
    ['broadcast', { message: arg.text() }],
    ['whisper', { username: arg.user(), message: arg.text() }],
    ['join', { room: arg.room() }],
    ['help', { command: arg.word({ optional: true }) }],
    ['who', { room: arg.room({ optional: true }) }],
    ['mixed', { w: arg.word(), u: arg.user({ optional: true }), r: arg.room({ optional: true }) }],
    ['leave', {}],
  ];
  for (const [name, args] of specs) {
    registry.add({ meta: metaOf(name, args), file: `${name}.js`, handler: { run: (ctx) => void calls.push({ command: ctx.command, args: ctx.args }) } });
  }
  const users = new MemoryUserDirectory();
  const errors: unknown[] = [];
  const log = { action: () => {}, message: () => {}, error: (_: string, error: unknown) => void errors.push(error) };
  const dispatcher = new Dispatcher(registry, users, new MemoryRoomDirectory(15), { ...DEFAULTS, messageMax: 50 }, log, new LocalSessions());
  return { dispatcher, registry, users, calls, errors };
}

const ROOM = /^[A-Za-z0-9]{1,32}$/;

test('the dispatcher given any line either runs the command with arguments that fit their kinds, or answers with a usage error', async (t) => {
  const { dispatcher, registry, users, calls, errors } = dispatcherUnderTest();
  for (const name of ['alice', 'Bob', 'carol7']) await users.claim(name);
  const online = new Set(await users.list());
  const names = ['broadcast', 'whisper', 'join', 'help', 'who', 'mixed', 'leave', 'JOIN', 'nosuch', ''];
  const line = fc.oneof(
    fc.tuple(fc.constantFrom(...names), fc.constantFrom(' ', '\t', ''), fc.array(fc.oneof(tricky, fc.constantFrom('alice', 'BOB', 'lobby', 'x'.repeat(60))), { maxLength: 4 })).map(([n, sep, parts]) => `/${n}${sep}${parts.join(' ')}`),
    tricky,
  );
  const refusals = new Map<string, number>();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(line, async (text) => {
      const sent: ServerMessage[] = [];
      const before = calls.length;
      await dispatcher.dispatch({ user: 'alice', tell: (event) => sent.push(toWire(event)) }, 1, text);
      const call = calls.slice(before);
      if (errors.length > 0) return false; // an exception other than a UserError escaped a check
      if (call.length === 0) {
        const error = sent.length === 1 && sent[0]!.t === 'error' ? sent[0] : undefined;
        if (!error || !['UNKNOWN_COMMAND', 'BAD_ARGUMENTS', 'NO_SUCH_USER', 'MESSAGE_TOO_LONG'].includes(error.code)) return false;
        refusals.set(error.code, (refusals.get(error.code) ?? 0) + 1);
        return true;
      }
      runs++;
      if (call.length !== 1 || sent.length !== 0) return false;
      const { command, args } = call[0]!;
      for (const spec of registry.get(command)!.meta.args) {
        const value = args[spec.name];
        if (value === undefined) {
          if (!spec.optional) return false;
          continue;
        }
        if (typeof value !== 'string') return false;
        const fits = {
          word: value.length >= 1 && value.length <= 256,
          user: online.has(value),
          room: ROOM.test(value),
          text: value.trim().length > 0 && characterCount(value) <= 50,
          file: false,
          secret: false,
        }[spec.kind];
        if (!fits) return false;
      }
      return true;
    }),
    { numRuns: 3000 },
  );
  t.log(`ran ${runs} commands; refused ${JSON.stringify(Object.fromEntries(refusals))}`);
  t.true(runs > 100 && refusals.size === 4, 'both outcomes, and every kind of refusal, were exercised');
});
