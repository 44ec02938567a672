import { arg, Command, inject, Tokens, type CommandContext, type CommandHandler, type Rooms } from '../core/plugin-api.js';

const args = { room: arg.room() };
type Context = CommandContext<typeof args>;

@Command({
  name: 'join',
  aliases: ['j'],
  summary: 'Join a room, creating it if new (leaves your current room)',
  args,
})
export class JoinCommand implements CommandHandler<typeof args> {
  constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}

  async run(ctx: Context): Promise<void> {
    await this.rooms.join(ctx.user, ctx.args.room);
  }
}
