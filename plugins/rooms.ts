import { Command, inject, Tokens, type CommandContext, type CommandHandler, type Rooms } from '../core/plugin-api.js';

@Command({ name: 'rooms', aliases: ['list'], summary: 'List the rooms and how many are in each' })
export class RoomsCommand implements CommandHandler {
  constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}

  async run(ctx: CommandContext): Promise<void> {
    const rooms = await this.rooms.list();
    if (rooms.length === 0) return ctx.reply('no rooms yet; /join <room> creates one');
    ctx.reply([`rooms (${rooms.length}):`, ...rooms.map((r) => `  ${r.name} (${r.members})`)].join('\n'));
  }
}
