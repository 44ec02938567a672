/**
 * Everything a command plugin needs, and the only module a plugin imports. Plugins in this
 * repository import it relatively; plugins in other folders import `chatserver/plugin-api`,
 * which the server maps to this very file, so there is one copy of the framework at run time.
 *
 * @example
 * import { Command, arg, inject, Tokens, type CommandContext, type Delivery, type Rooms } from 'chatserver/plugin-api';
 */
export { inject } from 'tsyringe';
export { arg, type ArgDecl, type ArgDecls, type ArgSpec, type InferArgs } from './commands/args.js';
export { Command, type CommandContext, type CommandHandler, type CommandOptions } from './commands/decorator.js';
export { characterCount } from './commands/kinds.js';
export { byName } from './protocol/rules.js';
export type { ServerConfig } from './config.js';
export { ArgumentError, UserError } from './errors.js';
export type { FileOffer, LeaveReason, ServerMessage } from './protocol/messages.js';
export {
  Tokens,
  type ActionLog,
  type CommandCatalog,
  type Delivery,
  type RoomInfo,
  type Rooms,
  type Sessions,
  type Uploads,
  type UserDirectory,
} from './tokens.js';
