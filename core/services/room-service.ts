import { inject, injectable } from 'tsyringe';
import { UserError } from '../errors.js';
import type { LeaveReason } from '../protocol/messages.js';
import type { EventBus } from '../events/bus.js';
import { Tokens, type ActionLog, type Delivery, type RoomDirectory, type RoomInfo, type Rooms } from '../tokens.js';

/** Room membership plus the notices that go with it, over whichever directory is bound. */
@injectable()
export class RoomService implements Rooms {
  constructor(
    @inject(Tokens.RoomDirectory) private readonly directory: RoomDirectory,
    @inject(Tokens.Delivery) private readonly delivery: Delivery,
    @inject(Tokens.Log) private readonly log: ActionLog,
    @inject(Tokens.Events) private readonly events: EventBus,
  ) {}

  async join(user: string, room: string): Promise<{ room: string; previous?: string }> {
    await this.events.before('join', { user, room });
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
      await this.left(user, result.previous, 'switched');
    }
    await this.delivery.toRoom(result.room, { t: 'joined', room: result.room, user });
    this.log.action('join', { user, room: result.room, from: result.previous });
    if (this.events.heard('roomCreated') && (await this.directory.members(result.room)).length === 1) {
      this.events.emit('roomCreated', { room: result.room, by: user });
    }
    this.events.emit('join', result.previous ? { user, room: result.room, previous: result.previous } : { user, room: result.room });
    return result.previous ? { room: result.room, previous: result.previous } : { room: result.room };
  }

  async leave(user: string, reason: LeaveReason): Promise<string | undefined> {
    const room = await this.directory.leave(user);
    if (room === undefined) return undefined;
    const left = { t: 'left', room, user, reason } as const;
    await this.delivery.toRoom(room, left);
    if (reason !== 'connection lost') await this.delivery.toUser(user, left);
    this.log.action('leave', { user, room, reason });
    await this.left(user, room, reason);
    return room;
  }

  /** Listeners hear of a leave, and of the room emptying (asked of the directory only if heard). */
  private async left(user: string, room: string, reason: string): Promise<void> {
    this.events.emit('leave', { user, room, reason });
    if (this.events.heard('roomEmptied') && (await this.directory.members(room)).length === 0) this.events.emit('roomEmptied', { room });
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
