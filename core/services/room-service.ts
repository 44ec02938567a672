import { inject, injectable } from 'tsyringe';
import { UserError } from '../errors.js';
import type { LeaveReason } from '../protocol/messages.js';
import { byName } from '../protocol/rules.js';
import { Tokens, type ActionLog, type Events, type Store, type Delivery, type RoomDirectory, type RoomDetails, type RoomInfo, type Rooms } from '../tokens.js';

/** Room membership plus the notices that go with it, over whichever directory is bound. */
@injectable()
export class RoomService implements Rooms {
  constructor(
    @inject(Tokens.RoomDirectory) private readonly directory: RoomDirectory,
    @inject(Tokens.Delivery) private readonly delivery: Delivery,
    @inject(Tokens.Log) private readonly log: ActionLog,
    @inject(Tokens.Events) private readonly events: Events,
    @inject(Tokens.RoomMeta) private readonly meta: Store,
  ) {}

  async join(user: string, room: string): Promise<{ room: string; previous?: string }> {
    await this.events.before('join', { user, room });
    const result = await this.directory.join(user, room);
    if (!result.ok) {
      if (result.reason === 'already') throw new UserError('ALREADY_IN_ROOM', `you are already in '${result.room}'`);
      throw new UserError('ROOM_FULL', `room '${result.room}' is full (${result.capacity}/${result.capacity}); try another room`);
    }
    if (result.previous) {
      const left = { kind: 'left', room: result.previous, user, reason: 'switched' } as const;
      await this.delivery.toRoom(result.previous, left);
      await this.delivery.toUser(user, left);
      this.log.action('leave', { user, room: result.previous, reason: 'switched' });
      await this.left(user, result.previous, 'switched');
    }
    await this.delivery.toRoom(result.room, { kind: 'joined', room: result.room, user });
    this.log.action('join', { user, room: result.room, from: result.previous });
    if ((await this.directory.members(result.room)).length === 1) {
      await this.meta.set(metaKey(result.room), { name: result.room, createdBy: user, operators: [user] } satisfies Meta);
      this.events.emit('roomCreated', { room: result.room, by: user });
    }
    this.events.emit('join', result.previous ? { user, room: result.room, previous: result.previous } : { user, room: result.room });
    return result.previous ? { room: result.room, previous: result.previous } : { room: result.room };
  }

  async leave(user: string, reason: LeaveReason): Promise<string | undefined> {
    const room = await this.directory.leave(user);
    if (room === undefined) return this.elsewhere(user, reason);
    const left = { kind: 'left', room, user, reason } as const;
    await this.delivery.toRoom(room, left);
    if (reason !== 'connection lost') await this.delivery.toUser(user, left);
    this.log.action('leave', { user, room, reason });
    await this.left(user, room, reason);
    return room;
  }

  /**
   * The same person under a new name (/nick): out of their room and straight back in, keeping
   * their operator rights, past the join hooks (a lock does not shut someone out of their own
   * room). Resolves with the room, and why they could not go back (it filled up meanwhile).
   */
  async rename(from: string, to: string): Promise<{ room?: string; lost?: string }> {
    const room = await this.directory.leave(from);
    if (room === undefined) return {};
    const left = { kind: 'left', room, user: from, reason: `renamed to ${to}` } as const;
    await this.delivery.toRoom(room, left);
    await this.delivery.toUser(to, left); // their connection goes by the new name already
    this.log.action('leave', { user: from, room, reason: 'renamed' });
    this.events.emit('leave', { user: from, room, reason: 'renamed' });
    const result = await this.directory.join(to, room);
    if (!result.ok) {
      await this.left(from, room, 'renamed');
      return { room, lost: result.reason === 'full' ? `room '${room}' filled up meanwhile` : `you are in '${result.room}' already` };
    }
    const meta = await this.meta.get<Meta>(metaKey(room));
    if (meta) {
      const operators = meta.operators.map((o) => (o === from ? to : o));
      await this.meta.set(metaKey(room), { ...meta, operators } satisfies Meta);
    }
    await this.delivery.toRoom(room, { kind: 'joined', room, user: to });
    this.log.action('join', { user: to, room });
    this.events.emit('join', { user: to, room });
    return { room };
  }

  /** A member connected to another node: that node moves them out, and tells the room. */
  private async elsewhere(user: string, reason: LeaveReason): Promise<string | undefined> {
    const room = await this.directory.roomOf(user);
    return room !== undefined && (await this.delivery.moveOut(user, reason)) ? room : undefined;
  }

  // One store read: guards call this for every command they check, and slow mode for every line.
  async details(room: string): Promise<RoomDetails | undefined> {
    const meta = await this.meta.get<Meta>(metaKey(room));
    return meta && { name: meta.name, createdBy: meta.createdBy, operators: meta.operators };
  }

  async addOperator(room: string, user: string): Promise<void> {
    const meta = await this.meta.get<Meta>(metaKey(room));
    if (!meta || meta.operators.includes(user)) return;
    await this.meta.set(metaKey(room), { ...meta, operators: [...meta.operators, user] } satisfies Meta);
    await this.delivery.toRoom(room, { kind: 'notice', text: `${user} is now an operator of ${room}` });
    this.log.action('operator', { room, user });
  }

  async removeOperator(room: string, user: string): Promise<void> {
    const meta = await this.meta.get<Meta>(metaKey(room));
    if (!meta?.operators.includes(user)) return;
    const operators = meta.operators.filter((o) => o !== user);
    await this.meta.set(metaKey(room), { ...meta, operators } satisfies Meta);
    await this.delivery.toRoom(room, { kind: 'notice', text: `${user} is no longer an operator of ${room}` });
    this.log.action('deop', { room, user });
    if (operators.length === 0) {
      const next = (await this.directory.members(room)).filter((m) => m !== user).sort(byName)[0];
      if (next) await this.addOperator(room, next);
    }
  }

  /**
   * After a leave: listeners hear of it; an operator who left is no longer one, and when none is
   * left the next member by name inherits; an empty room's metadata goes with it.
   */
  private async left(user: string, room: string, reason: string): Promise<void> {
    this.events.emit('leave', { user, room, reason });
    const remaining = await this.directory.members(room);
    if (remaining.length === 0) {
      await this.meta.delete(metaKey(room));
      this.events.emit('roomEmptied', { room });
      return;
    }
    const meta = await this.meta.get<Meta>(metaKey(room));
    if (!meta?.operators.includes(user)) return;
    const operators = meta.operators.filter((o) => o !== user && remaining.includes(o));
    await this.meta.set(metaKey(room), { ...meta, operators } satisfies Meta);
    if (operators.length === 0) await this.addOperator(room, [...remaining].sort(byName)[0]!);
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

interface Meta {
  /** The room's spelling, as its creator typed it. */
  name: string;
  createdBy: string;
  operators: string[];
}

const metaKey = (room: string) => `room:${room.toLowerCase()}`;
