import { byName } from '../../protocol/rules.js';
import type { JoinResult, RoomDirectory, RoomInfo } from '../../tokens.js';
import type { Fence } from './fence.js';
import type { LocalMembers } from './local-members.js';
import { unavailable, type RedisNetwork } from './network.js';
import type { RoomChannels } from './room-channels.js';
import { PREFIX } from './scripts.js';

/**
 * Rooms across the network. A join checks capacity and moves the user in one Lua script, so
 * two users racing for the last place from two nodes cannot both get it. The node subscribes
 * to a room's channel before its first local member joins, so nothing said after the join is
 * missed, and unsubscribes when its last local member leaves.
 */
export class RedisRoomDirectory implements RoomDirectory {
  /** Users with a join or leave sent to Redis and not yet answered: Redis is ahead of `local` for them. */
  readonly moving = new Set<string>();

  constructor(
    private readonly net: RedisNetwork,
    private readonly local: LocalMembers,
    private readonly channels: RoomChannels,
    private readonly capacity: number,
    private readonly fence: Fence,
  ) {}

  async join(user: string, roomName: string): Promise<JoinResult> {
    const key = roomName.toLowerCase();
    this.net.check();
    this.fence.check();
    await this.channels.acquire(key);
    let result: [string, string?, string?];
    this.moving.add(user);
    try {
      result = await this.net.script('join', [this.net.node, user.toLowerCase(), user, key, roomName, this.capacity]);
    } catch (error) {
      this.channels.release(key);
      throw error;
    } finally {
      this.moving.delete(user);
    }
    const [status, room = roomName, previous] = result;
    if (status !== 'ok') {
      this.channels.release(key);
      if (status === 'full') return { ok: false, reason: 'full', room, capacity: this.capacity };
      if (status === 'already') return { ok: false, reason: 'already', room };
      throw unavailable(); // 'gone': the network does not know this user (it lost them and has not re-registered yet)
    }
    this.leaveLocally(user);
    this.local.add(user, key, room);
    return previous ? { ok: true, room, previous } : { ok: true, room };
  }

  async leave(user: string): Promise<string | undefined> {
    const here = this.local.room(user);
    this.net.check();
    this.fence.check();
    // Left here first, whatever Redis answers: a later re-registration makes Redis agree.
    this.leaveLocally(user);
    this.moving.add(user);
    const left = await this.net.script<string | null>('leave', [this.net.node, user.toLowerCase()]).finally(() => this.moving.delete(user));
    return left ?? here?.name;
  }

  async roomOf(user: string): Promise<string | undefined> {
    const here = this.local.room(user);
    if (here) return here.name;
    return this.net.run(async (redis) => {
      const key = await redis.hget(`${PREFIX}where`, user.toLowerCase());
      return key === null ? undefined : ((await redis.hget(`${PREFIX}rooms`, key)) ?? undefined);
    });
  }

  async members(roomName: string): Promise<string[]> {
    return this.net.run((redis) => redis.smembers(`${PREFIX}members:${roomName.toLowerCase()}`));
  }

  async list(): Promise<RoomInfo[]> {
    const flat = await this.net.script<(string | number)[]>('rooms', []);
    const rooms: RoomInfo[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) rooms.push({ name: String(flat[i]), members: Number(flat[i + 1]) });
    return rooms.sort((a, b) => byName(a.name, b.name));
  }

  /** Rooms with a member on this node. */
  get size(): number {
    return this.local.rooms;
  }

  /** Takes a user out of their room on this node only (the user is gone; Redis may be away). */
  leaveLocally(user: string): void {
    const key = this.local.remove(user);
    if (key !== undefined) this.channels.release(key);
  }
}
