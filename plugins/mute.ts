import { arg, Command, guards, Hook, inject, Tokens, UserError, type ActionLog, type Chat, type HookEvents, type RoomContext, type Store, type Identities } from '../core/plugin-api.js';
import { refuseIfStaff } from './_staff.js';
import { formatSeconds, parseDuration } from './_duration.js';

const muteArgs = { username: arg.user(), duration: arg.word({ optional: true, description: 'such as 10m (default 5m)' }) };
const DEFAULT_SECONDS = 300;

// Kept in the room's bag: a mute ends with its time, or with the room.
@Command({ name: 'mute', summary: "Stop a member's lines in your room for a while (operators only)", args: muteArgs, guards: [guards.roomOperator] })
export class MuteCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
    @inject(Tokens.Log) private readonly log: ActionLog,
    @inject(Tokens.Identities) private readonly identities: Identities,
  ) {}

  async run({ user, identity, room, args }: RoomContext<typeof muteArgs>): Promise<void> {
    await refuseIfStaff(this.identities, identity.role, args.username, 'mute');
    const seconds = args.duration === undefined ? DEFAULT_SECONDS : parseDuration(args.duration);
    if (seconds === undefined) throw new UserError('BAD_ARGUMENTS', `'${args.duration}' is not a duration such as 90s, 10m or 2h\nusage: /mute <username> [duration]`);
    await this.store.room(room).set(`mute:${args.username.toLowerCase()}`, Date.now() + seconds * 1000, { ttlSeconds: seconds });
    await this.chat.notice({ room }, `${args.username} was muted in ${room} by ${user} for ${formatSeconds(seconds)}`);
    this.log.action('mute', { by: user, user: args.username, room, seconds });
  }
}

const unmuteArgs = { username: arg.word() };

@Command({ name: 'unmute', summary: 'Let a muted member speak again (operators only)', args: unmuteArgs, guards: [guards.roomOperator] })
export class UnmuteCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ user, room, args }: RoomContext<typeof unmuteArgs>): Promise<void> {
    if (!(await this.store.room(room).delete(`mute:${args.username.toLowerCase()}`))) throw new UserError('NOT_MUTED', `${args.username} is not muted in ${room}`);
    await this.chat.notice({ room }, `${args.username} may speak in ${room} again (unmuted by ${user})`);
  }
}

/** A muted member's lines are refused, with the time left. */
@Hook({ event: 'message' })
export class RefuseMuted {
  constructor(@inject(Tokens.Store) private readonly store: Store) {}

  async run({ user, room }: HookEvents['message']): Promise<void> {
    const until = await this.store.room(room).get<number>(`mute:${user.toLowerCase()}`);
    if (until !== undefined) throw new UserError('MUTED', `you are muted in ${room} for another ${formatSeconds((until - Date.now()) / 1000)}`);
  }
}
