import { arg, Command, guards, Hook, inject, Tokens, UserError, type Chat, type HookEvents, type RoomContext, type Store, type Identities } from '../core/plugin-api.js';
import { isStaff } from './_staff.js';

// The lock and the invitations live in the room's bag: they end with the room.
@Command({ name: 'lock', summary: 'Make your room invite-only; /lock again opens it (operators only)', guards: [guards.roomOperator] })
export class LockCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ user, room }: RoomContext): Promise<void> {
    const bag = this.store.room(room);
    const locked = !(await bag.get<boolean>('locked'));
    if (locked) await bag.set('locked', true);
    else await bag.delete('locked');
    await this.chat.notice({ room }, locked ? `${user} locked ${room}: only invited users may join` : `${user} opened ${room} to everyone`);
  }
}

const inviteArgs = { username: arg.user() };

@Command({ name: 'invite', summary: 'Let a user into your locked room, and tell them (operators only)', args: inviteArgs, guards: [guards.roomOperator] })
export class InviteCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ user, room, args, reply }: RoomContext<typeof inviteArgs>): Promise<void> {
    await this.store.room(room).set(`invited:${args.username.toLowerCase()}`, user);
    await this.chat.notice({ user: args.username }, `${user} invites you to ${room}: /join ${room}`);
    reply(`${args.username} may join ${room}`);
  }
}

@Hook({ event: 'join' })
export class RefuseUninvited {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Identities) private readonly identities: Identities,
  ) {}

  async run({ user, room }: HookEvents['join']): Promise<void> {
    const bag = this.store.room(room);
    if ((await bag.get<boolean>('locked')) && (await bag.get(`invited:${user.toLowerCase()}`)) === undefined && !(await isStaff(this.identities, user))) {
      throw new UserError('ROOM_LOCKED', `${room} is invite-only; ask one of its operators for an /invite`);
    }
  }
}
