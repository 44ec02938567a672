import { arg, characterCount, Command, inject, Tokens, UserError } from '../core/plugin-api.js';
import type { ActionLog, CommandContext, CommandHandler, Delivery, Rooms } from '../core/plugin-api.js';

const args = { message: arg.text() };
type Context = CommandContext<typeof args>;

@Command({
  name: 'broadcast',
  aliases: ['b', 'say'],
  summary: 'Send a message to everyone in your room (plain text does the same)',
  args,
})
export class BroadcastCommand implements CommandHandler<typeof args> {
  constructor(
    @inject(Tokens.Rooms) private readonly rooms: Rooms,
    @inject(Tokens.Delivery) private readonly delivery: Delivery,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  async run({ user, args }: Context): Promise<void> {
    const room = await this.rooms.current(user);
    if (!room) throw new UserError('NOT_IN_ROOM', 'you are not in a room; /join a room first');
    await this.delivery.toRoom(room, { t: 'message', room, from: user, text: args.message, ts: Date.now() });
    this.log.message('broadcast', { user, room, length: characterCount(args.message) }, args.message);
  }
}
