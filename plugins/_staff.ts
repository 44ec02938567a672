// A helper module (the loader skips files starting with '_'): what staff may that operators may not.
import { UserError, type Identities, type Role } from '../core/plugin-api.js';

/** Moderators and admins go into every room, locked or not, banned or not: they keep order there. */
export async function isStaff(identities: Identities, user: string): Promise<boolean> {
  return (await identities.of(user))?.role !== undefined;
}

/** A room operator cannot kick, ban or mute staff; staff can act on anyone. */
export async function refuseIfStaff(identities: Identities, caller: Role | undefined, target: string, what: string): Promise<void> {
  if (caller !== undefined) return;
  const role = (await identities.of(target))?.role;
  if (role !== undefined) throw new UserError('NOT_PERMITTED', `${target} is ${role === 'admin' ? 'an admin' : 'a moderator'}: an operator cannot ${what} them`);
}
