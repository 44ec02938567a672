import { arg, Command, inject, Tokens, type CommandContext, type CommandHandler, type Rooms } from '../core/plugin-api.js';

type Args = { room: string };

@Command({
  name: 'join',
  aliases: ['j'],
  summary: 'Join a room, creating it if new (leaves your current room)',
  args: [arg.room('room')],
})
export class JoinCommand implements CommandHandler<Args> {
  constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}

  async run(ctx: CommandContext<Args>): Promise<void> {
    await this.rooms.join(ctx.user, ctx.args.room);
  }
}
