import { arg, byName, Command, inject, Tokens, UserError } from '../core/plugin-api.js';
import type { CommandContext, CommandHandler, Rooms, UserDirectory } from '../core/plugin-api.js';

const args = { room: arg.room({ optional: true }) };
type Context = CommandContext<typeof args>;
const SHOWN = 100;

const names = (list: string[]) => list.slice(0, SHOWN).join(', ') + (list.length > SHOWN ? ` and ${list.length - SHOWN} more` : '');

@Command({
  name: 'who',
  summary: 'Who is in your room (or in <room>), and who is online',
  args,
})
export class WhoCommand implements CommandHandler<typeof args> {
  constructor(
    @inject(Tokens.Rooms) private readonly rooms: Rooms,
    @inject(Tokens.Users) private readonly users: UserDirectory,
  ) {}

  async run({ user, args, reply }: Context): Promise<void> {
    const room = args.room ?? (await this.rooms.current(user));
    const online = await this.users.list();
    const lines: string[] = [];
    if (room !== undefined) {
      const members = (await this.rooms.members(room)).sort(byName);
      if (members.length === 0) throw new UserError('NO_SUCH_ROOM', `there is no room named '${room}'`);
      const shown = (await this.rooms.list()).find((r) => r.name.toLowerCase() === room.toLowerCase())?.name ?? room;
      lines.push(`in ${shown} (${members.length}): ${names(members)}`);
    }
    lines.push(`online (${online.length}): ${names(online)}`);
    reply(lines.join('\n'));
  }
}
