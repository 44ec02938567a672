/**
 * Which of this node's users are in which room: what decides the room channels this node
 * subscribes to, where an incoming room message goes, and what the node re-registers when
 * Redis comes back. Only this node's own users are here; the network's view is in Redis.
 */
export class LocalMembers {
  private readonly byRoom = new Map<string, Set<string>>();
  private readonly roomOf = new Map<string, { key: string; name: string }>();

  /** Local members of a room (key: the room in lower case). */
  of(roomKey: string): ReadonlySet<string> {
    return this.byRoom.get(roomKey) ?? EMPTY;
  }

  room(user: string): { key: string; name: string } | undefined {
    return this.roomOf.get(user);
  }

  add(user: string, key: string, name: string): void {
    let members = this.byRoom.get(key);
    if (!members) this.byRoom.set(key, (members = new Set()));
    members.add(user);
    this.roomOf.set(user, { key, name });
  }

  /** Takes the user out of their room; returns the room's key, if they were in one. */
  remove(user: string): string | undefined {
    const room = this.roomOf.get(user);
    if (!room) return undefined;
    this.roomOf.delete(user);
    const members = this.byRoom.get(room.key)!;
    members.delete(user);
    if (members.size === 0) this.byRoom.delete(room.key);
    return room.key;
  }

  get rooms(): number {
    return this.byRoom.size;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
