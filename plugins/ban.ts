import { arg, Command, guards, Hook, inject, Tokens, UserError, type ActionLog, type Chat, type HookEvents, type RoomContext, type Rooms, type Store, type Identities } from '../core/plugin-api.js';
import { isStaff, refuseIfStaff } from './_staff.js';
import { durationAndReason, formatSeconds } from './_duration.js';

interface Ban {
  by: string;
  reason?: string;
  until?: number;
}

// Not in the room's bag: a ban outlives the room emptying, so a banned user cannot recreate it.
const key = (room: string, user: string) => `ban:${room.toLowerCase()}:${user.toLowerCase()}`;
const banArgs = { username: arg.user(), details: arg.text({ optional: true, description: '[duration such as 10m, 2h, 1d] [reason]' }) };

@Command({ name: 'ban', summary: 'Keep a user out of your room, for a while or until /unban (operators only)', args: banArgs, guards: [guards.roomOperator], usage: '/ban <username> [duration] [reason...]' })
export class BanCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Rooms) private readonly rooms: Rooms,
    @inject(Tokens.Chat) private readonly chat: Chat,
    @inject(Tokens.Log) private readonly log: ActionLog,
    @inject(Tokens.Identities) private readonly identities: Identities,
  ) {}

  async run({ user, identity, room, args }: RoomContext<typeof banArgs>): Promise<void> {
    const target = args.username;
    if (target === user) throw new UserError('BAN_SELF', 'you cannot ban yourself');
    await refuseIfStaff(this.identities, identity.role, target, 'ban');
    const { seconds, reason } = durationAndReason(args.details);
    const ban: Ban = { by: user, ...(reason ? { reason } : {}), ...(seconds ? { until: Date.now() + seconds * 1000 } : {}) };
    await this.store.set(key(room, target), ban, seconds ? { ttlSeconds: seconds } : {});
    const text = `${target} was banned from ${room} by ${user}${seconds ? ` for ${formatSeconds(seconds)}` : ''}${reason ? `: ${reason}` : ''}`;
    // Out of the room wherever they are connected; the ban holds for every later join.
    if ((await this.rooms.current(target))?.toLowerCase() === room.toLowerCase()) await this.rooms.leave(target, 'banned');
    await this.chat.notice({ room }, text);
    await this.chat.notice({ user: target }, text);
    this.log.action('ban', { by: user, user: target, room, seconds, reason });
  }
}

const unbanArgs = { username: arg.word() };

@Command({ name: 'unban', summary: 'Let a banned user back into your room (operators only)', args: unbanArgs, guards: [guards.roomOperator] })
export class UnbanCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  async run({ user, room, args }: RoomContext<typeof unbanArgs>): Promise<void> {
    if (!(await this.store.delete(key(room, args.username)))) throw new UserError('NOT_BANNED', `${args.username} is not banned from ${room}`);
    await this.chat.notice({ room }, `${args.username} may join ${room} again (unbanned by ${user})`);
    this.log.action('unban', { by: user, user: args.username, room });
  }
}

/** A banned user's join is refused, saying for how long. */
@Hook({ event: 'join' })
export class RefuseBanned {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Identities) private readonly identities: Identities,
  ) {}

  async run({ user, room }: HookEvents['join']): Promise<void> {
    const ban = await this.store.get<Ban>(key(room, user));
    if (!ban || (await isStaff(this.identities, user))) return;
    const left = ban.until ? ` for another ${formatSeconds((ban.until - Date.now()) / 1000)}` : '';
    throw new UserError('BANNED', `you are banned from ${room}${left}${ban.reason ? `: ${ban.reason}` : ''}`);
  }
}
