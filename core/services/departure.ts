import type { LeaveReason } from '../protocol/messages.js';
import type { ActionLog, Events, Rooms, Uploads, UserDirectory } from '../tokens.js';
import type { Endpoint, LocalSessions } from './local-sessions.js';

export interface DepartureDeps {
  readonly sessions: LocalSessions;
  readonly uploads: Pick<Uploads, 'userGone'>;
  readonly rooms: Pick<Rooms, 'leave'>;
  readonly users: Pick<UserDirectory, 'release'>;
  readonly events: Pick<Events, 'emit'>;
  readonly log: ActionLog;
}

/**
 * Everything a user held, freed in order, for every way a session ends (the gateway's
 * connections and the test kit's users alike): the session, their uploads, their room, their
 * name, and then listeners hear of the logout. `settled` is awaited before the room is left,
 * so a command still running cannot put the user back into one.
 */
export async function depart(deps: DepartureDeps, user: string, endpoint: Endpoint, reason: LeaveReason, settled?: () => Promise<void>): Promise<void> {
  const { rooms, users, sessions, uploads, events, log } = deps;
  try {
    sessions.remove(user, endpoint);
    uploads.userGone(user);
    await settled?.();
    await rooms.leave(user, reason);
  } catch (error) {
    log.error(`clean-up after ${user} failed`, error);
  }
  // Released even when leaving the room failed (a network whose Redis is away), so the name is not stuck.
  await users.release(user).catch((error) => log.error(`releasing ${user} failed`, error));
  events.emit('logout', { user, reason });
}
