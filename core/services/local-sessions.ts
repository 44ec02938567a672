import type { LeaveReason, ServerMessage } from '../protocol/messages.js';
import type { Sessions } from '../tokens.js';

/** What services need of a logged-in connection on this server. */
export interface Endpoint {
  send(message: ServerMessage): void;
  /** Queues an already-encoded frame; lets fan-out encode once for all recipients. */
  sendFrame(frame: Buffer, onWritten?: () => void): void;
  end(reason: LeaveReason, text?: string, cause?: string): void;
  /** The client says whether it saved each file it received (hello feature `file-result`). */
  readonly reportsSaves?: boolean;
}

/** The logged-in connections of this server, by canonical username. */
export class LocalSessions implements Sessions {
  private readonly byName = new Map<string, Endpoint>();

  add(name: string, endpoint: Endpoint): void {
    this.byName.set(name, endpoint);
  }

  remove(name: string, endpoint: Endpoint): void {
    if (this.byName.get(name) === endpoint) this.byName.delete(name);
  }

  get(name: string): Endpoint | undefined {
    return this.byName.get(name);
  }

  disconnect(user: string, reason: LeaveReason): void {
    // Asked for by a command: a quit is the user's own, anything else a command's doing.
    const quit = reason === 'quit';
    this.byName.get(user)?.end(reason, quit ? 'goodbye' : reason, quit ? 'user quit' : `ended by a command (${reason})`);
  }

  get size(): number {
    return this.byName.size;
  }
}
