import { Guard, type GuardContext, type GuardHandler } from './guard.js';

@Guard({ name: 'inRoom', code: 'NOT_IN_ROOM' })
export class InRoomGuard implements GuardHandler {
  check = ({ room }: GuardContext) => (room === undefined ? 'you are not in a room; /join a room first' : undefined);
}

/** Cooldowns are per server: this instance's clock, by user and command, pruned as it grows. */
@Guard({ name: 'cooldown', code: 'COOLDOWN' })
export class CooldownGuard implements GuardHandler<{ seconds: number }> {
  private readonly until = new Map<string, number>();

  check = ({ user, command }: GuardContext, { seconds }: { seconds: number }) => {
    const key = `${user}\u0000${command}`;
    const now = Date.now();
    const wait = (this.until.get(key) ?? 0) - now;
    if (wait > 0) return `/${command} can be used again in ${Math.ceil(wait / 1000)} s`;
    if (this.until.size >= 10_000) for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
    this.until.set(key, now + seconds * 1000);
    return undefined;
  };
}

export const BUILTIN_GUARDS = [InRoomGuard, CooldownGuard] as const;
