import { Command, inject, Tokens, UserError, type CommandContext, type CommandHandler, type Rooms } from '../core/plugin-api.js';

@Command({ name: 'leave', aliases: ['part'], summary: 'Leave your current room' })
export class LeaveCommand implements CommandHandler {
  constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}

  async run(ctx: CommandContext): Promise<void> {
    const left = await this.rooms.leave(ctx.user, 'left');
    if (!left) throw new UserError('NOT_IN_ROOM', 'you are not in a room');
  }
}
