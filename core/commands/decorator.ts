import { inject, injectable } from 'tsyringe';
import type { Token } from '../tokens.js';
import { usageOf, type ArgSpec } from './args.js';

/** What a plugin declares, once, about its command. */
export interface CommandOptions {
  /** Lower-case name typed after the slash: `whisper` for `/whisper`. */
  name: string;
  aliases?: string[];
  /** One line for the /help list. */
  summary: string;
  /** Longer text for `/help <command>`. */
  description?: string;
  /** Derived from `args` unless given. */
  usage?: string;
  args?: ArgSpec[];
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

/** What the plugin's `run` receives. `A` is the shape of its parsed arguments. */
export interface CommandContext<A = Record<string, unknown>> {
  /** Canonical name of the user who ran the command. */
  readonly user: string;
  readonly args: A;
  /** The command's declared name (also when invoked by an alias). */
  readonly command: string;
  /** The client's id for this command line; replies and errors carry it back. */
  readonly requestId: number;
  /** Sends a line of text to the user who ran the command, and to no one else. */
  reply(text: string): void;
}

/** A command plugin: a class with this method, decorated with `@Command`. */
export interface CommandHandler<A = Record<string, unknown>> {
  run(context: CommandContext<A>): Promise<void> | void;
}

export type CommandClass = new (...deps: never[]) => CommandHandler<never>;

// Symbol.for: plugins loaded from other folders may see another copy of this module.
const META = Symbol.for('chatserver:command-meta');

/**
 * Declares a class as a command plugin. It records the metadata and makes the class injectable;
 * it registers nothing anywhere — the server's loader decides what to load.
 *
 * @example
 * @Command({ name: 'roll', summary: 'Roll a die', args: [arg.word('sides', { optional: true })] })
 * export class RollCommand implements CommandHandler<{ sides?: string }> {
 *   constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}
 *   async run(ctx: CommandContext<{ sides?: string }>) { ctx.reply('4'); }
 * }
 */
export function Command(options: CommandOptions) {
  return <T extends CommandClass>(target: T): T => {
    const args = Object.freeze([...(options.args ?? [])]);
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
