import { inject } from 'tsyringe';
import { hasRole, Tokens, type Identity, type Role, type Rooms } from '../tokens.js';
import { Guard, type GuardContext, type GuardHandler } from './guard.js';

@Guard({ name: 'inRoom', code: 'NOT_IN_ROOM' })
export class InRoomGuard implements GuardHandler {
  check = ({ room }: GuardContext) => (room === undefined ? 'you are not in a room; /join a room first' : undefined);
}

@Guard({ name: 'roomOperator', code: 'NOT_OPERATOR' })
export class RoomOperatorGuard implements GuardHandler {
  constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}

  check = async ({ user, role, room, command }: GuardContext) => {
    if (room === undefined) return 'you are not in a room; /join a room first';
    if (role !== undefined) return undefined; // moderators and admins act in every room
    const details = await this.rooms.details(room);
    return details?.operators.includes(user) ? undefined : `only an operator of ${room} can use /${command}`;
  };
}

/** An account's role, or one above it: an admin may do whatever a moderator may. */
@Guard({ name: 'role', code: 'NOT_PERMITTED' })
export class RoleGuard implements GuardHandler<{ role: Role }> {
  check = ({ role, command }: GuardContext, options: { role: Role }) =>
    hasRole(role, options.role) ? undefined : `/${command} is for ${options.role === 'admin' ? 'admins' : 'moderators and admins'} only`;
  visible = (_user: string, options: { role: Role }, identity: Identity) => hasRole(identity.role, options.role);
}

@Guard({ name: 'registered', code: 'NOT_REGISTERED' })
export class RegisteredGuard implements GuardHandler {
  check = ({ user, registered }: GuardContext) => (registered ? undefined : `'${user}' is not registered; /register gives it a password`);
  visible = (_user: string, _options: undefined, identity: Identity) => identity.registered;
}

@Guard({ name: 'guest', code: 'REGISTERED' })
export class GuestGuard implements GuardHandler {
  check = ({ user, registered }: GuardContext) => (registered ? `'${user}' is registered already; /password changes its password` : undefined);
  visible = (_user: string, _options: undefined, identity: Identity) => !identity.registered;
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

export const BUILTIN_GUARDS = [InRoomGuard, RoomOperatorGuard, RoleGuard, RegisteredGuard, GuestGuard, CooldownGuard] as const;
