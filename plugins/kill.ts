import { arg, Command, guards, inject, Tokens, UserError, type ActionLog, type CommandContext, type Sessions } from '../core/plugin-api.js';

const killArgs = { username: arg.user(), reason: arg.text({ optional: true }) };

@Command({ name: 'kill', summary: "End a user's connection (admins only)", args: killArgs, guards: [guards.role('admin')] })
export class KillCommand {
  constructor(
    @inject(Tokens.Sessions) private readonly sessions: Sessions,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  run({ user, args, reply }: CommandContext<typeof killArgs>): void {
    if (args.username === user) throw new UserError('KILL_SELF', 'you cannot /kill yourself; /exit leaves');
    const text = `disconnected by ${user}${args.reason ? `: ${args.reason}` : ''}`;
    // Only the server a user is connected to can end their connection (a network's limit, for now).
    if (!this.sessions.disconnect(args.username, 'killed', text)) {
      throw new UserError('ELSEWHERE', `${args.username} is connected to another server of the network; /kill them from that one`);
    }
    this.log.action('kill', { by: user, user: args.username, reason: args.reason });
    reply(`${args.username} is ${text}`);
  }
}
