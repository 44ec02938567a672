import type { LeaveReason } from '../protocol/messages.js';
import type { Delivery, Sessions } from '../tokens.js';
import type { LocalSessions } from './local-sessions.js';

/** Sessions as plugins control them: ignoring is kept where the user is; ending one reaches any node. */
export class SessionControl implements Sessions {
  constructor(
    private readonly local: LocalSessions,
    private readonly delivery: Pick<Delivery, 'endSession'>,
  ) {}

  disconnect(user: string, reason: LeaveReason, text?: string): Promise<boolean> {
    // A quit is the user's own; anything else, a command's doing, which the user is told.
    return this.delivery.endSession(user, reason, text ?? (reason === 'quit' ? 'goodbye' : reason));
  }

  ignore(user: string, whom: string): boolean {
    return this.local.ignore(user, whom);
  }

  unignore(user: string, whom: string): boolean {
    return this.local.unignore(user, whom);
  }

  ignoring(user: string): readonly string[] {
    return this.local.ignoring(user);
  }
}
