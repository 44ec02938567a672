import type { ServerConfig } from '../config.js';
import { ArgumentError, UserError } from '../errors.js';
import { classifyLine, CommandLineError, parseCommandArgs } from '../protocol/command-line.js';
import type { Outgoing } from '../events/outgoing.js';
import type { FileOffer } from '../protocol/messages.js';
import type { ActionLog, Identity, RoomDirectory, UserDirectory } from '../tokens.js';
import type { CommandContext, CommandMeta } from './decorator.js';
import { withRequest } from './request.js';
import { resolveArgs } from './kinds.js';
import type { ArgDecls } from './args.js';
import type { CommandRegistry, LoadedCommand } from './registry.js';

/** The user a command line came from, as the dispatcher needs to see them. */
export interface Caller {
  readonly user: string;
  tell(event: Outgoing): void;
}

/** What a command line may carry beside its text: uploads offered and secrets asked for by the client. */
export interface Attachments {
  readonly files?: readonly FileOffer[];
  readonly secrets?: Readonly<Record<string, string>>;
}

const GUEST: Identity = Object.freeze({ registered: false, role: undefined });

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
    private readonly rooms: RoomDirectory,
    private readonly config: ServerConfig,
    private readonly log: ActionLog,
    private readonly identities: { identity(user: string): Identity | undefined },
  ) {}

  /** Whether the command this line runs is exempt from flood control. */
  floodExempt(line: string): boolean {
    const kind = classifyLine(line);
    return kind.kind === 'command' && this.registry.get(kind.name)?.meta.floodExempt === true;
  }

  async dispatch(caller: Caller, requestId: number, line: string, { files = [], secrets = {} }: Attachments = {}): Promise<void> {
    const kind = classifyLine(line);
    const command = kind.kind === 'command' ? this.registry.get(kind.name) : this.registry.plainText();
    const name = kind.kind === 'command' ? kind.name : (command?.meta.name ?? 'text');
    try {
      if (!command) {
        if (kind.kind === 'text') throw new UserError('UNKNOWN_COMMAND', 'plain text goes nowhere on this server: no command takes it; type /help');
        throw new UserError('UNKNOWN_COMMAND', `unknown command '/${clip(name)}'; type /help for the list`);
      }
      const room = command.meta.guards.length > 0 ? await this.rooms.roomOf(caller.user) : undefined;
      const identity = this.identities.identity(caller.user) ?? GUEST;
      await this.guard(command, caller.user, identity, room);
      const args = await resolveArgs(command.meta, parseLine(command.meta, kind.kind === 'command' ? kind.rest : kind.text), {
        users: this.users,
        config: this.config,
        files,
        secrets,
      });
      const context: CommandContext<ArgDecls, { room: string | undefined }> = withRequest({
        user: caller.user,
        identity,
        args: args as CommandContext['args'],
        command: command.meta.name,
        room,
        reply: (text: string) => caller.tell({ kind: 'reply', request: requestId, text }),
      }, requestId);
      await command.handler.run(context as never);
    } catch (error) {
      if (error instanceof UserError) {
        caller.tell({ kind: 'refusal', request: requestId, code: error.code, message: error.message });
        this.log.action('refused', { user: caller.user, command: name, code: error.code });
      } else {
        this.log.error(`command /${name} from ${command?.file ?? 'core'} failed for ${caller.user}`, error);
        caller.tell({ kind: 'refusal', request: requestId, code: 'COMMAND_FAILED', message: `/${name} failed because of an internal error; it has been logged` });
      }
    }
  }

  /** Runs the command's guards in order; the first refusal is the user's answer. */
  private async guard(command: LoadedCommand, user: string, identity: Identity, room: string | undefined): Promise<void> {
    for (const ref of command.meta.guards) {
      const guard = this.registry.guard(ref.name)!; // the loader checked every name
      const refusal = await guard.handler.check({ user, role: identity.role, registered: identity.registered, command: command.meta.name, room }, ref.options as never);
      if (refusal !== undefined) throw new UserError(guard.code, refusal);
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
