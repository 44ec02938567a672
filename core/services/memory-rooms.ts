import { byName } from '../protocol/rules.js';
import type { JoinResult, RoomDirectory, RoomInfo } from '../tokens.js';

interface Room {
  name: string;
  members: Set<string>;
}

/**
 * The embedded room directory. Rooms are keyed ignoring case, keep the spelling of whoever
 * created them, and disappear when their last member leaves. Each method runs without an
 * await in between its check and its change, so capacity can never be exceeded.
 */
export class MemoryRoomDirectory implements RoomDirectory {
  private readonly rooms = new Map<string, Room>();
  private readonly roomByUser = new Map<string, Room>();

  constructor(private readonly capacity: number) {}

  async join(user: string, roomName: string): Promise<JoinResult> {
    const key = roomName.toLowerCase();
    const current = this.roomByUser.get(user);
    const target = this.rooms.get(key);
    if (current && current === target) return { ok: false, reason: 'already', room: current.name };
    if (target && target.members.size >= this.capacity) {
      return { ok: false, reason: 'full', room: target.name, capacity: this.capacity };
    }
    const previous = current ? this.remove(user, current) : undefined;
    const room = target ?? { name: roomName, members: new Set<string>() };
    if (!target) this.rooms.set(key, room);
    room.members.add(user);
    this.roomByUser.set(user, room);
    return previous ? { ok: true, room: room.name, previous } : { ok: true, room: room.name };
  }

  async leave(user: string): Promise<string | undefined> {
    const room = this.roomByUser.get(user);
    return room ? this.remove(user, room) : undefined;
  }

  async roomOf(user: string): Promise<string | undefined> {
    return this.roomByUser.get(user)?.name;
  }

  async members(roomName: string): Promise<string[]> {
    return [...this.membersOf(roomName)];
  }

  /** Synchronous member view for local fan-out (no copy). */
  membersOf(roomName: string): ReadonlySet<string> {
    return this.rooms.get(roomName.toLowerCase())?.members ?? EMPTY;
  }

  async list(): Promise<RoomInfo[]> {
    return [...this.rooms.values()].map((r) => ({ name: r.name, members: r.members.size })).sort((a, b) => byName(a.name, b.name));
  }

  get size(): number {
    return this.rooms.size;
  }

  private remove(user: string, room: Room): string {
    room.members.delete(user);
    this.roomByUser.delete(user);
    if (room.members.size === 0) this.rooms.delete(room.name.toLowerCase());
    return room.name;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
