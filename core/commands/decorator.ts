import { inject, injectable } from 'tsyringe';
import type { Token } from '../tokens.js';
import { argSpecs, usageOf, type ArgDecls, type ArgSpec, type InferArgs } from './args.js';

/** What a plugin declares, once, about its command. */
export interface CommandOptions<D extends ArgDecls = ArgDecls> {
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
  /** Never refused by flood control: a way out must always work, as `/exit` is. */
  floodExempt?: boolean;
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
  readonly floodExempt: boolean;
}

/**
 * What the plugin's `run` receives. `D` is the command's argument declaration, from which the
 * type of `args` is inferred: `CommandContext<typeof args>`.
 */
export interface CommandContext<D extends ArgDecls = ArgDecls> {
  /** Canonical name of the user who ran the command. */
  readonly user: string;
  readonly args: InferArgs<D>;
  /** The command's declared name (also when invoked by an alias). */
  readonly command: string;
  /** The client's id for this command line; replies and errors carry it back. */
  readonly requestId: number;
  /** Sends a line of text to the user who ran the command, and to no one else. */
  reply(text: string): void;
}

/** A command plugin: a class with this method, decorated with `@Command`. */
export interface CommandHandler<D extends ArgDecls = ArgDecls> {
  run(context: CommandContext<D>): Promise<void> | void;
}

export type CommandClass = new (...deps: never[]) => CommandHandler<never>;

// Symbol.for: plugins loaded from other folders may see another copy of this module.
const META = Symbol.for('chatserver:command-meta');

/**
 * Declares a class as a command plugin. It records the metadata and makes the class injectable;
 * it registers nothing anywhere — the server's loader decides what to load. The class's `run`
 * must accept the arguments declared, so a misspelt name or a wrong kind does not compile.
 *
 * @example
 * const args = { sides: arg.word({ optional: true }) };
 * @Command({ name: 'roll', summary: 'Roll a die', args })
 * export class RollCommand implements CommandHandler<typeof args> {
 *   constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}
 *   async run(ctx: CommandContext<typeof args>) { ctx.reply(ctx.args.sides ?? '6'); }
 * }
 */
export function Command<const D extends ArgDecls = Record<never, never>>(options: CommandOptions<D>) {
  return <T extends new (...deps: never[]) => CommandHandler<D>>(target: T): T => {
    const args = argSpecs(options.args ?? {});
    const meta: CommandMeta = Object.freeze({
      name: options.name,
      aliases: Object.freeze([...(options.aliases ?? [])]),
      summary: options.summary,
      description: options.description,
      usage: options.usage ?? usageOf(options.name, args),
      args,
      floodExempt: options.floodExempt ?? false,
    });
    Object.defineProperty(target, META, { value: meta, enumerable: false });
    options.inject?.forEach((tok, index) => inject(tok)(target, undefined, index));
    injectable()(target as never);
    return target;
  };
}

/** The metadata `@Command` recorded on a class, or undefined for anything else. */
export function commandMetaOf(value: unknown): CommandMeta | undefined {
  if (typeof value !== 'function') return undefined;
  return Object.prototype.hasOwnProperty.call(value, META) ? (value as unknown as Record<symbol, CommandMeta>)[META] : undefined;
}
