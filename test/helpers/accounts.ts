import type { ExecutionContext } from 'ava';
import type { Role } from '../../core/protocol/messages.js';
import { SqliteAccounts } from '../../core/services/accounts/accounts.js';
import { pluginDir } from './plugin-dir.js';

/** Adds an account to the accounts of a state folder, before a server starts on it. */
export async function withAccount(stateDir: string, name: string, password: string, options: { role?: Role; mustChange?: boolean } = {}): Promise<void> {
  const accounts = new SqliteAccounts(stateDir);
  await accounts.add(name, password, options);
  accounts.close();
}

/**
 * A plugin folder with commands taking secret arguments: `/setpin` (asked twice) keeps a PIN
 * per user, `/checkpin` says whether one matches. Neither ever shows a PIN.
 */
export function pinPlugins(t: ExecutionContext): string {
  return pluginDir(t, {
    pins: `import { arg, Command } from 'chatserver/plugin-api';
const pins = new Map();
export const SetPin = Command({ name: 'setpin', summary: 'Sets your PIN', args: { pin: arg.secret({ confirm: true, description: 'your new PIN' }) } })(
  class { run(ctx) { pins.set(ctx.user, ctx.args.pin); ctx.reply('pin set, ' + [...ctx.args.pin].length + ' characters'); } },
);
export const CheckPin = Command({ name: 'checkpin', summary: 'Checks your PIN', args: { pin: arg.secret() } })(
  class { run(ctx) { ctx.reply(pins.has(ctx.user) && pins.get(ctx.user) === ctx.args.pin ? 'pin matches' : 'pin does not match'); } },
);`,
  });
}
