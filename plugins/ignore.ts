import { arg, Command, inject, Tokens, UserError, type CommandContext, type Sessions } from '../core/plugin-api.js';

const ignoreArgs = { username: arg.word({ optional: true, description: 'whose lines, whispers and files to stop; without it, lists them' }) };

// Ignoring lasts the session, and is kept where the ignoring user is connected: every node
// drops what it would have delivered to them from the ignored user.
@Command({ name: 'ignore', summary: "Stop a user's lines, whispers and files reaching you, until /unignore or you leave", args: ignoreArgs })
export class IgnoreCommand {
  constructor(@inject(Tokens.Sessions) private readonly sessions: Sessions) {}

  run({ user, args, reply }: CommandContext<typeof ignoreArgs>): void {
    if (args.username === undefined) {
      const list = this.sessions.ignoring(user);
      return reply(list.length === 0 ? 'you ignore no one' : `you ignore: ${list.join(', ')}`);
    }
    if (args.username.toLowerCase() === user.toLowerCase()) throw new UserError('IGNORE_SELF', 'you cannot ignore yourself');
    if (!this.sessions.ignore(user, args.username)) throw new UserError('IGNORE_FULL', 'you ignore too many users already; /unignore some first');
    reply(`you now ignore ${args.username}: their lines, whispers and files will not reach you`);
  }
}

const unignoreArgs = { username: arg.word() };

@Command({ name: 'unignore', summary: 'Hear a user you ignored again', args: unignoreArgs })
export class UnignoreCommand {
  constructor(@inject(Tokens.Sessions) private readonly sessions: Sessions) {}

  run({ user, args, reply }: CommandContext<typeof unignoreArgs>): void {
    if (!this.sessions.unignore(user, args.username)) throw new UserError('NOT_IGNORED', `you do not ignore ${args.username}`);
    reply(`you hear ${args.username} again`);
  }
}
