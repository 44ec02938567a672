import { arg, Command, guards, inject, Tokens, UserError, type RoomContext, type Rooms } from '../core/plugin-api.js';

const opArgs = { username: arg.user() };

@Command({ name: 'op', summary: 'Make a member of your room an operator (operators only)', args: opArgs, guards: [guards.roomOperator] })
export class OpCommand {
  constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}

  async run({ room, args }: RoomContext<typeof opArgs>): Promise<void> {
    if ((await this.rooms.current(args.username))?.toLowerCase() !== room.toLowerCase()) {
      throw new UserError('NOT_IN_ROOM', `${args.username} is not in ${room}`);
    }
    if ((await this.rooms.details(room))?.operators.includes(args.username)) throw new UserError('ALREADY_OPERATOR', `${args.username} is already an operator of ${room}`);
    await this.rooms.addOperator(room, args.username);
  }
}

@Command({ name: 'deop', summary: 'Take operator rights from a member of your room (operators only)', args: opArgs, guards: [guards.roomOperator] })
export class DeopCommand {
  constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}

  async run({ room, args }: RoomContext<typeof opArgs>): Promise<void> {
    if (!(await this.rooms.details(room))?.operators.includes(args.username)) throw new UserError('NOT_OPERATOR', `${args.username} is not an operator of ${room}`);
    await this.rooms.removeOperator(room, args.username);
  }
}
