import { inject, injectable } from 'tsyringe';
import { UserError } from '../errors.js';
import type { LeaveReason } from '../protocol/messages.js';
import { Tokens, type ActionLog, type Delivery, type RoomDirectory, type RoomInfo, type Rooms } from '../tokens.js';

/** Room membership plus the notices that go with it, over whichever directory is bound. */
@injectable()
export class RoomService implements Rooms {
  constructor(
    @inject(Tokens.RoomDirectory) private readonly directory: RoomDirectory,
    @inject(Tokens.Delivery) private readonly delivery: Delivery,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  async join(user: string, room: string): Promise<{ room: string; previous?: string }> {
    const result = await this.directory.join(user, room);
    if (!result.ok) {
      if (result.reason === 'already') throw new UserError('ALREADY_IN_ROOM', `you are already in '${result.room}'`);
      throw new UserError('ROOM_FULL', `room '${result.room}' is full (${result.capacity}/${result.capacity}); try another room`);
    }
    if (result.previous) {
      const left = { t: 'left', room: result.previous, user, reason: 'switched' } as const;
      await this.delivery.toRoom(result.previous, left);
      await this.delivery.toUser(user, left);
      this.log.action('leave', { user, room: result.previous, reason: 'switched' });
    }
    await this.delivery.toRoom(result.room, { t: 'joined', room: result.room, user });
    this.log.action('join', { user, room: result.room, from: result.previous });
    return result.previous ? { room: result.room, previous: result.previous } : { room: result.room };
  }

  async leave(user: string, reason: LeaveReason): Promise<string | undefined> {
    const room = await this.directory.leave(user);
    if (room === undefined) return undefined;
    const left = { t: 'left', room, user, reason } as const;
    await this.delivery.toRoom(room, left);
    if (reason !== 'connection lost') await this.delivery.toUser(user, left);
    this.log.action('leave', { user, room, reason });
    return room;
  }

  current(user: string): Promise<string | undefined> {
    return this.directory.roomOf(user);
  }

  members(room: string): Promise<string[]> {
    return this.directory.members(room);
  }

  list(): Promise<RoomInfo[]> {
    return this.directory.list();
  }
}
