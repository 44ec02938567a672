import { arg, Command, guards, inject, Tokens, UserError, type ActionLog, type CommandContext, type Sessions } from '../core/plugin-api.js';

const killArgs = { username: arg.user(), reason: arg.text({ optional: true }) };

@Command({ name: 'kill', summary: "End a user's connection (admins only)", args: killArgs, guards: [guards.role('admin')] })
export class KillCommand {
  constructor(
    @inject(Tokens.Sessions) private readonly sessions: Sessions,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  async run({ user, args, reply }: CommandContext<typeof killArgs>): Promise<void> {
    if (args.username === user) throw new UserError('KILL_SELF', 'you cannot /kill yourself; /exit leaves');
    const text = `disconnected by ${user}${args.reason ? `: ${args.reason}` : ''}`;
    if (!(await this.sessions.disconnect(args.username, 'killed', text))) throw new UserError('NO_SUCH_USER', `no user named '${args.username}' is online`);
    this.log.action('kill', { by: user, user: args.username, reason: args.reason });
    reply(`${args.username} is ${text}`);
  }
}
