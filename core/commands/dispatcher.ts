import type { ServerConfig } from '../config.js';
import { ArgumentError, UserError } from '../errors.js';
import { CommandLineError, parseCommandArgs, splitCommandLine } from '../protocol/command-line.js';
import type { FileOffer, ServerMessage } from '../protocol/messages.js';
import type { ActionLog, UserDirectory } from '../tokens.js';
import type { CommandContext, CommandMeta } from './decorator.js';
import { resolveArgs } from './kinds.js';
import type { CommandRegistry } from './registry.js';

/** The user a command line came from, as the dispatcher needs to see them. */
export interface Caller {
  readonly user: string;
  send(message: ServerMessage): void;
}

const BROADCAST = 'broadcast';

/**
 * Turns one command line into a plugin call: finds the command by name or alias, parses and
 * checks the arguments from its declaration, runs it, and reports refusals to the caller.
 * A plugin that throws anything but a UserError is logged with its stack; the caller gets a
 * short "command failed" and every other session carries on.
 */
export class Dispatcher {
  constructor(
    private readonly registry: CommandRegistry,
    private readonly users: UserDirectory,
    private readonly config: ServerConfig,
    private readonly log: ActionLog,
  ) {}

  /** Whether the command this line runs is exempt from flood control. */
  floodExempt(line: string): boolean {
    return line.startsWith('/') && !line.startsWith('//') && this.registry.get(splitCommandLine(line).name)?.meta.floodExempt === true;
  }

  async dispatch(caller: Caller, requestId: number, line: string, files: readonly FileOffer[] = []): Promise<void> {
    let name = BROADCAST;
    let rest = line;
    if (line.startsWith('/') && !line.startsWith('//')) {
      ({ name, rest } = splitCommandLine(line));
    } else if (line.startsWith('//')) {
      rest = line.slice(1); // "//text" says "/text" to the room
    }
    const command = this.registry.get(name);
    try {
      if (!command) {
        if (name === BROADCAST && !line.startsWith('/')) {
          throw new UserError('UNKNOWN_COMMAND', 'plain text is sent with /broadcast, which this server has not loaded; type /help');
        }
        throw new UserError('UNKNOWN_COMMAND', `unknown command '/${clip(name)}'; type /help for the list`);
      }
      const args = await resolveArgs(command.meta, parseLine(command.meta, rest), {
        users: this.users,
        config: this.config,
        files,
      });
      const context: CommandContext = {
        user: caller.user,
        args: args as CommandContext['args'],
        command: command.meta.name,
        requestId,
        reply: (text) => caller.send({ t: 'reply', re: requestId, text }),
      };
      await command.handler.run(context as never);
    } catch (error) {
      if (error instanceof UserError) {
        caller.send({ t: 'error', re: requestId, code: error.code, message: error.message });
        this.log.action('refused', { user: caller.user, command: name, code: error.code });
      } else {
        this.log.error(`command /${name} from ${command?.file ?? 'core'} failed for ${caller.user}`, error);
        caller.send({ t: 'error', re: requestId, code: 'COMMAND_FAILED', message: `/${name} failed because of an internal error; it has been logged` });
      }
    }
  }
}

function parseLine(meta: CommandMeta, rest: string) {
  try {
    return parseCommandArgs(meta, rest);
  } catch (error) {
    if (error instanceof CommandLineError) throw new ArgumentError(error.message, error.argument, meta.usage);
    throw error;
  }
}

function clip(s: string): string {
  return s.length > 32 ? `${s.slice(0, 29)}...` : s;
}
