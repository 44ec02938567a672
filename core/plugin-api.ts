/**
 * Everything a plugin needs, and the only module a plugin imports. Plugins in this repository
 * import it relatively; plugins in other folders import `chatserver/plugin-api`, which the
 * server maps to this very file, so there is one copy of the framework at run time.
 *
 * A plugin file exports pieces: commands (`@Command`), listeners (`@Listener`), hooks
 * (`@Hook`), guards (`@Guard`) and services (`@Service`), any number of each, and at most one
 * `Settings` declaration.
 *
 * @example
 * import { Command, arg, guards, inject, Tokens, type Chat, type RoomContext } from 'chatserver/plugin-api';
 */
export { inject } from 'tsyringe';
export { arg, type ArgDecl, type ArgDecls, type ArgSpec, type InferArgs } from './commands/args.js';
export { Command, type CommandContext, type CommandHandler, type CommandOptions, type RoomContext } from './commands/decorator.js';
export { characterCount } from './commands/kinds.js';
export type { ChatEvents, EventName, HookEvents, HookName } from './events/events.js';
export { Guard, guards, type GuardContext, type GuardHandler, type GuardOptions, type GuardRef } from './guards/guard.js';
export { Hook, Listener, type HookHandler, type HookOptions, type ListenerHandler, type ListenerOptions } from './pieces/listener.js';
export { pluginService, Service, type ServiceOptions } from './pieces/service.js';
export { Settings, setting, type SettingsOf } from './pieces/settings.js';
export { STORE_LIMITS } from './pieces/store.js';
export { byName } from './protocol/rules.js';
export { banTarget } from './services/accounts/ban-match.js';
export type { ServerConfig } from './config.js';
export { ArgumentError, UserError } from './errors.js';
export type { FileOffer, LeaveReason } from './protocol/messages.js';
export {
  Tokens,
  type ActionLog,
  type Chat,
  type CommandCatalog,
  type Identities,
  type PluginControl,
  type ReloadResult,
  type ServerBan,
  type ServerBans,
  type Identity,
  type Role,
  type RoomInfo,
  type Rooms,
  type Sessions,
  type Store,
  type Uploads,
  type UserDirectory,
} from './tokens.js';
