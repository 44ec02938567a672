import { arg, Command, guards, Hook, inject, Service, Tokens, UserError, type Chat, type HookEvents, type RoomContext, type Rooms, type Store } from '../core/plugin-api.js';
import { formatSeconds } from './_duration.js';

/** When each member of each room last spoke, on this server; rooms in slow mode only. */
@Service()
export class LastLines {
  private readonly at = new Map<string, number>();

  /** Seconds to wait before `user` may speak again in a room in slow mode, or 0 (and the line counts). */
  take(room: string, user: string, interval: number, now = Date.now()): number {
    const key = `${room.toLowerCase()}\u0000${user.toLowerCase()}`;
    const wait = (this.at.get(key) ?? 0) + interval * 1000 - now;
    if (wait > 0) return wait / 1000;
    if (this.at.size >= 10_000) for (const [k, t] of this.at) if (t + 3_600_000 < now) this.at.delete(k);
    this.at.set(key, now);
    return 0;
  }
}

const slowArgs = { seconds: arg.word({ description: 'one line per member every so many seconds; 0 turns it off' }) };

@Command({ name: 'slow', summary: 'Slow mode: one line per member every N seconds (operators only)', args: slowArgs, guards: [guards.roomOperator] })
export class SlowCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ user, room, args }: RoomContext<typeof slowArgs>): Promise<void> {
    const seconds = Number(args.seconds);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) throw new UserError('BAD_ARGUMENTS', 'slow mode takes 0 to 3600 seconds\nusage: /slow <seconds>');
    if (seconds === 0) await this.store.room(room).delete('slow');
    else await this.store.room(room).set('slow', seconds);
    await this.chat.notice({ room }, seconds === 0 ? `${user} turned slow mode off` : `${user} turned slow mode on: one line every ${formatSeconds(seconds)}`);
  }
}

@Hook({ event: 'message' })
export class SlowDown {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(LastLines) private readonly last: LastLines,
    @inject(Tokens.Rooms) private readonly rooms: Rooms,
  ) {}

  async run({ user, room }: HookEvents['message']): Promise<void> {
    const interval = await this.store.room(room).get<number>('slow');
    if (interval === undefined || (await this.rooms.details(room))?.operators.includes(user)) return; // operators are not slowed
    const wait = this.last.take(room, user, interval);
    if (wait > 0) throw new UserError('SLOW_MODE', `${room} is in slow mode: you may speak again in ${formatSeconds(wait)}`);
  }
}
