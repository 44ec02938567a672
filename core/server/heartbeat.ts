import type { ServerConfig } from '../config.js';
import type { Session } from '../session/session.js';

type Timing = Pick<ServerConfig, 'loginTimeoutMs' | 'heartbeatMs' | 'frameTimeoutMs'>;

/**
 * One look at one connection's signs of life, on the gateway's sweep: a login that takes too
 * long, a frame that never completes, a peer that stopped answering, or a ping that is due.
 */
export function checkLiveness(session: Session, { loginTimeoutMs, heartbeatMs, frameTimeoutMs }: Timing, now: number): void {
  if (session.state !== 'ready' && now - session.connectedAt > loginTimeoutMs) {
    session.end('quit', 'login timed out');
  } else if (session.partialSince > 0 && now - session.partialSince > frameTimeoutMs) {
    // A peer trickling bytes would otherwise keep its connection and its name forever.
    session.end('connection lost', `frame not completed within ${frameTimeoutMs / 1000} s`);
  } else if (now - session.lastSeen > heartbeatMs) {
    session.fail(`no answer to heartbeat for ${Math.round((now - session.lastSeen) / 1000)} s`);
  } else if (now - session.lastSeen > heartbeatMs / 3 && now - session.pingSent > heartbeatMs / 3) {
    session.ping(now);
  }
}

/** How often the sweep looks: a tenth of the shortest timeout, within 20 ms to 1 s. */
export function sweepPeriod({ loginTimeoutMs, heartbeatMs, frameTimeoutMs, commandTimeoutMs }: Timing & Pick<ServerConfig, 'commandTimeoutMs'>): number {
  return Math.max(20, Math.min(1000, Math.floor(Math.min(loginTimeoutMs, heartbeatMs, commandTimeoutMs, frameTimeoutMs) / 10)));
}
