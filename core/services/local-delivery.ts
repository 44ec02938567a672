import { encodeJsonFrame } from '../protocol/frame.js';
import type { ServerMessage } from '../protocol/messages.js';
import type { Delivery } from '../tokens.js';
import type { LocalSessions } from './local-sessions.js';
import type { MemoryRoomDirectory } from './memory-rooms.js';

/** Delivery within one server: a room message is encoded once and the same bytes queued to every member. */
export class LocalDelivery implements Delivery {
  constructor(
    private readonly sessions: LocalSessions,
    private readonly rooms: MemoryRoomDirectory,
  ) {}

  async toUser(user: string, message: ServerMessage): Promise<boolean> {
    const endpoint = this.sessions.get(user);
    endpoint?.send(message);
    return endpoint !== undefined;
  }

  async toRoom(room: string, message: ServerMessage): Promise<void> {
    const members = this.rooms.membersOf(room);
    if (members.size === 0) return;
    const frame = encodeJsonFrame(message);
    for (const member of members) this.sessions.get(member)?.sendFrame(frame);
  }
}
