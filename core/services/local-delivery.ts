import { senderOf, type Outgoing } from '../events/outgoing.js';
import type { LeaveReason } from '../protocol/messages.js';
import type { Delivery } from '../tokens.js';
import type { LocalSessions } from './local-sessions.js';
import type { MemoryRoomDirectory } from './memory-rooms.js';

/** Delivery within one server: a room message is told to every member, encoded once for all of them. */
export class LocalDelivery implements Delivery {
  constructor(
    private readonly sessions: LocalSessions,
    private readonly rooms: MemoryRoomDirectory,
  ) {}

  async toUser(user: string, event: Outgoing): Promise<boolean> {
    const endpoint = this.sessions.get(user);
    if (!endpoint) return false;
    // Ignored or not, the sender is told it reached them: ignoring is the recipient's own business.
    if (!this.sessions.ignores(user, senderOf(event))) endpoint.tell(event);
    return true;
  }

  movedOut = () => {};

  /** One server: every user is here, and leaves through the room directory itself. */
  async moveOut(): Promise<boolean> {
    return false;
  }

  async endSession(user: string, reason: LeaveReason, text: string): Promise<boolean> {
    return this.sessions.disconnect(user, reason, text);
  }

  async toRoom(room: string, event: Outgoing): Promise<void> {
    const members = this.rooms.membersOf(room);
    if (members.size === 0) return;
    const from = senderOf(event);
    // The same event to every member: the session encodes it once for all (session/wire.ts).
    for (const member of members) this.sessions.reach(member, from)?.tell(event);
  }
}
