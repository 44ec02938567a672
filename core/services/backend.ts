import type { ChatEvents, EventName } from '../events/events.js';
import type { Stores } from '../pieces/store.js';
import type { Delivery, RoomDirectory, UserDirectory } from '../tokens.js';
import { LocalDelivery } from './local-delivery.js';
import type { LocalSessions } from './local-sessions.js';
import { MemoryRoomDirectory } from './memory-rooms.js';
import { MemoryUserDirectory } from './memory-users.js';
import { MemoryStores } from '../pieces/store.js';
import type { TransferNetwork } from './uploads.js';

/**
 * Where the server's shared state lives: users, rooms, delivery and plugin stores. A lone
 * server keeps them in memory; a node of a network (--redis) in Redis. The composition root
 * picks one; nothing else asks which.
 */
export interface Backend {
  /** `size` counts this server's own users and rooms. */
  readonly users: UserDirectory & { readonly size: number };
  readonly rooms: RoomDirectory & { readonly size: number };
  readonly delivery: Delivery;
  readonly stores: Stores;
  /** File transfers to users on other servers; absent on a lone server. */
  readonly transfers?: TransferNetwork;
  /** Events to and from the other servers, for network-wide listeners; absent on a lone server. */
  readonly events?: EventLink;
  /** After the connections have closed: give everything back. */
  close(): Promise<void>;
}

export interface EventLink {
  relay(event: EventName, payload: ChatEvents[EventName]): Promise<void>;
  onEvent: (event: EventName, payload: ChatEvents[EventName]) => void;
}

/** One server on its own: everything in this process's memory. */
export class MemoryBackend implements Backend {
  readonly users = new MemoryUserDirectory();
  readonly rooms: MemoryRoomDirectory;
  readonly delivery: LocalDelivery;
  readonly stores = new MemoryStores();

  constructor(capacity: number, sessions: LocalSessions) {
    this.rooms = new MemoryRoomDirectory(capacity);
    this.delivery = new LocalDelivery(sessions, this.rooms);
  }

  async close(): Promise<void> {}
}
