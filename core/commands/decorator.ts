import type { GuardDecl, GuardRef, Provided } from '../guards/guard.js';
import { definePiece, injectableWith, pieceOf } from '../pieces/piece.js';
import type { Identity, Token } from '../tokens.js';
import { argSpecs, usageOf, type ArgDecls, type ArgSpec, type InferArgs } from './args.js';

/** What a plugin declares, once, about its command. */
export interface CommandOptions<D extends ArgDecls = ArgDecls, G extends readonly GuardDecl[] = readonly GuardDecl[]> {
  /** Lower-case name typed after the slash: `whisper` for `/whisper`. */
  name: string;
  aliases?: string[];
  /** One line for the /help list. */
  summary: string;
  /** Longer text for `/help <command>`. */
  description?: string;
  /** Derived from `args` unless given. */
  usage?: string;
  /** The arguments by name, in the order they are typed: `{ username: arg.user(), message: arg.text() }`. */
  args?: D;
  /**
   * Checks that run first, in order; the first to refuse gives the user its reason. Built-in
   * ones are in `guards` (`guards.inRoom`); a plugin's own are named by string.
   */
  guards?: G;
  /** Never refused by flood control: a way out must always work, as `/exit` is. */
  floodExempt?: boolean;
  /** A line typed without a leading `/` runs this command with the line as its last argument. */
  plainText?: boolean;
  /**
   * Constructor dependencies by token, for plugins written in plain JavaScript (which has no
   * parameter decorators). TypeScript plugins use `@inject(Tokens.X)` on the parameters instead.
   */
  inject?: Token<unknown>[];
}

export interface CommandMeta {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly description?: string;
  readonly usage: string;
  readonly args: readonly ArgSpec[];
  readonly guards: readonly GuardRef[];
  readonly floodExempt: boolean;
  readonly plainText: boolean;
}

interface BaseContext<D extends ArgDecls> {
  /** Canonical name of the user who ran the command. */
  readonly user: string;
  /** Guest or account, and its role (`guards.role` checks it declaratively). */
  readonly identity: Identity;
  readonly args: InferArgs<D>;
  /** The command's declared name (also when invoked by an alias). */
  readonly command: string;
  /** Sends a line of text to the user who ran the command, and to no one else. */
  reply(text: string): void;
}

/**
 * What the plugin's `run` receives. `D` is the command's argument declaration, from which the
 * type of `args` is inferred: `CommandContext<typeof args>`. `P` is what its guards guarantee.
 */
export type CommandContext<D extends ArgDecls = ArgDecls, P = unknown> = BaseContext<D> & P;

/** The context of a command declared with `guards.inRoom` (or `roomOperator`): `room` is set. */
export type RoomContext<D extends ArgDecls = ArgDecls> = CommandContext<D, { readonly room: string }>;

/**
 * A command plugin: a class with this method, decorated with `@Command`. `run` is a property
 * type so that its context is checked strictly: a `run` that needs what no guard provides, or
 * an argument not declared, does not compile.
 */
export interface CommandHandler<D extends ArgDecls = ArgDecls, P = unknown> {
  readonly run: (context: CommandContext<D, P>) => Promise<void> | void;
}

export type CommandClass = new (...deps: never[]) => CommandHandler<never>;

const NO_ARGS: ArgDecls = Object.freeze({});

/**
 * Declares a class as a command plugin. It records the metadata and makes the class injectable;
 * it registers nothing anywhere — the server's loader decides what to load. The class's `run`
 * must accept the arguments declared and rely only on what the guards guarantee.
 *
 * @example
 * const args = { sides: arg.word({ optional: true }) };
 * @Command({ name: 'roll', summary: 'Roll a die', args, guards: [guards.inRoom] })
 * export class RollCommand {
 *   run(ctx: RoomContext<typeof args>) { ctx.reply(`${ctx.room}: ${ctx.args.sides ?? '6'}`); }
 * }
 */
export function Command<const D extends ArgDecls = Record<never, never>, const G extends readonly GuardDecl[] = []>(options: CommandOptions<D, G>) {
  return <T extends new (...deps: never[]) => CommandHandler<D, Provided<G>>>(target: T): T => {
    const args = argSpecs(options.args ?? NO_ARGS);
    definePiece<CommandMeta>(target, 'command', {
      name: options.name,
      aliases: Object.freeze([...(options.aliases ?? [])]),
      summary: options.summary,
      description: options.description,
      usage: options.usage ?? usageOf(options.name, args),
      args,
      guards: Object.freeze((options.guards ?? []).map((g) => (typeof g === 'string' ? Object.freeze({ name: g }) : g))),
      floodExempt: options.floodExempt ?? false,
      plainText: options.plainText ?? false,
    });
    injectableWith(target, options.inject);
    return target;
  };
}

/** The metadata `@Command` recorded on a class, or undefined for anything else. */
export function commandMetaOf(value: unknown): CommandMeta | undefined {
  const piece = pieceOf(value);
  return piece?.kind === 'command' ? (piece.meta as CommandMeta) : undefined;
}
