import { arg, Command, guards, inject, Tokens, UserError, type ActionLog, type Chat, type RoomContext, type Rooms, type Identities } from '../core/plugin-api.js';
import { refuseIfStaff } from './_staff.js';

const kickArgs = { username: arg.user(), reason: arg.text({ optional: true }) };

@Command({ name: 'kick', summary: 'Send a member out of your room (operators only)', args: kickArgs, guards: [guards.roomOperator] })
export class KickCommand {
  constructor(
    @inject(Tokens.Rooms) private readonly rooms: Rooms,
    @inject(Tokens.Chat) private readonly chat: Chat,
    @inject(Tokens.Log) private readonly log: ActionLog,
    @inject(Tokens.Identities) private readonly identities: Identities,
  ) {}

  async run({ user, identity, room, args }: RoomContext<typeof kickArgs>): Promise<void> {
    const target = args.username;
    if (target === user) throw new UserError('KICK_SELF', 'you cannot kick yourself; /leave leaves');
    await refuseIfStaff(this.identities, identity.role, target, 'kick');
    if ((await this.rooms.current(target))?.toLowerCase() !== room.toLowerCase()) throw new UserError('NOT_IN_ROOM', `${target} is not in ${room}`);
    const text = `${target} was kicked by ${user}${args.reason ? `: ${args.reason}` : ''}`;
    // Out first (on whichever node they are connected to), then everyone is told why.
    if (!(await this.rooms.leave(target, 'kicked'))) throw new UserError('NOT_IN_ROOM', `${target} is not in ${room}`);
    await this.chat.notice({ room }, text);
    await this.chat.notice({ user: target }, text);
    this.log.action('kick', { by: user, user: target, room, reason: args.reason });
  }
}
