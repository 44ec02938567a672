import { register } from 'node:module';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { Dispatcher } from '../commands/dispatcher.js';
import { CORE, EventBus } from '../services/event-bus.js';
import { PluginHost } from '../plugins/host.js';
import { bagPrefix } from '../pieces/store.js';
import { ChatService } from '../services/chat.js';
import { CommandRegistry } from '../commands/registry.js';
import type { ServerConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { FileActionLog } from '../services/action-log.js';
import { workerTag } from './workers.js';
import { LocalSessions } from '../services/local-sessions.js';
import { MemoryBackend, type Backend } from '../services/backend.js';
import { RoomService } from '../services/room-service.js';
import { UploadService } from '../services/uploads.js';
import { openAccounts, openServerBans } from '../services/accounts/open.js';
import { IdentityService } from '../services/identities.js';
import { SessionControl } from '../services/session-control.js';
import { PasswordThrottle } from '../services/accounts/throttle.js';
import { Tokens, type Accounts, type RoomDirectory, type Rooms, type ServerBans, type Uploads, type UserDirectory } from '../tokens.js';

export { BUILTIN_PLUGINS } from '../plugins/host.js';

let hookRegistered = false;
function registerPluginApiHook(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  register('./plugin-api-hook.js', import.meta.url, { data: { target: new URL('../plugin-api.js', import.meta.url).href } });
}

/** What one server is made of; built by `compose`, owned by ChatServer. */
export interface Composition {
  container: DependencyContainer;
  log: FileActionLog;
  /** `size` counts this server's own users and rooms. */
  users: UserDirectory & { readonly size: number };
  roomDirectory: RoomDirectory & { readonly size: number };
  /** In memory, or a node of a network (--redis). */
  backend: Backend;
  rooms: Rooms;
  sessions: LocalSessions;
  registry: CommandRegistry;
  dispatcher: Dispatcher;
  uploads: Uploads;
  events: EventBus;
  accounts: Accounts;
  bans: ServerBans;
  identities: IdentityService;
  /** Wrong passwords, counted for logins and commands alike. */
  throttle: PasswordThrottle;
  /** The loaded plugins: reloaded by --watch, disposed (with their services) when the server stops. */
  plugins: PluginHost;
}

/**
 * The composition root: the one place that names implementations. Each server gets its own
 * child container, so several servers can run in one process (as the tests do). Every selected
 * plugin is resolved here, before the server listens, so a broken one stops start-up.
 */
/**
 * Undoes a start that failed part way, once for every path: what was started stops, and the
 * reason goes to the log as well as to the operator's terminal.
 */
export async function abortStart(parts: { log: FileActionLog; uploads?: Pick<Uploads, 'drain'>; backend?: Backend }, error: unknown): Promise<void> {
  await parts.uploads?.drain(0);
  await parts.backend?.close();
  await parts.log.closeFailed((error as Error)?.message ?? String(error));
}

export async function compose(config: ServerConfig): Promise<Composition> {
  const container = rootContainer.createChildContainer();
  const log = new FileActionLog(config.logFile, config.logToStdout, config.logMessages, workerTag());
  try {
    await log.ready();
  } catch (error) {
    throw new StartupError(`cannot open log file ${config.logFile}: ${(error as Error).message}`, { cause: error });
  }
  const sessions = new LocalSessions();
  // The upload service is built after the backend, and a network reaches it only later.
  let uploads: UploadService | undefined;
  let backend: Backend;
  try {
    // The Redis client is loaded only when it is used.
    backend = config.redisUrl
      ? await (await import('../services/redis/redis-node.js')).RedisNode.join(config, sessions, log, () => uploads!)
      : new MemoryBackend(config.roomCapacity, sessions);
  } catch (error) {
    await abortStart({ log }, error);
    throw error;
  }
  const { users, rooms: roomDirectory, delivery, stores } = backend;
  let accounts: Accounts;
  let bans: ServerBans;
  try {
    accounts = await openAccounts(config, log);
    bans = await openServerBans(config, log);
  } catch (error) {
    await abortStart({ log, backend }, error);
    if (error instanceof StartupError) throw error; // Redis not reached: says so itself
    throw new StartupError(`cannot open the accounts database in ${config.stateDir}: ${(error as Error).message}`, { cause: error });
  }
  const registry = new CommandRegistry();
  container.register(Tokens.Accounts, { useValue: accounts });
  container.register(Tokens.ServerBans, { useValue: bans });
  container.register(Tokens.Config, { useValue: config });
  container.register(Tokens.Log, { useValue: log });
  container.register(Tokens.Users, { useValue: users });
  container.register(Tokens.RoomDirectory, { useValue: roomDirectory });
  container.register(Tokens.Delivery, { useValue: delivery });
  container.register(Tokens.Sessions, { useValue: new SessionControl(sessions, delivery) });
  container.register(Tokens.Commands, { useValue: registry });
  const events = new EventBus(log);
  container.register(Tokens.Events, { useValue: events });
  const link = backend.events;
  if (link) {
    events.relay = (event, payload) => link.relay(event, payload);
    link.onEvent = (event, payload) => events.emit(event, payload, true);
  }
  uploads = new UploadService(config, log, sessions, events, backend.transfers);
  container.register(Tokens.Uploads, { useValue: uploads });
  // A room's and a user's bags go with them, in every plugin's store.
  events.listen('roomEmptied', ({ room }) => stores.clearBags(bagPrefix('room', room)), { file: CORE });
  events.listen('logout', ({ user }) => stores.clearBags(bagPrefix('user', user)), { file: CORE });
  // Not a plugin name (those are file names, checked by the loader), so no plugin can reach it.
  container.register(Tokens.RoomMeta, { useValue: stores.namespace(':rooms') });
  const rooms = container.resolve(RoomService);
  // Another node kicked one of ours: out of the room here, where the connection is.
  delivery.movedOut = (user, reason) => void rooms.leave(user, reason).catch((error) => log.error(`moving ${user} out of their room failed`, error));
  const throttle = new PasswordThrottle();
  const identities = new IdentityService({ config, users, rooms, sessions, uploads, accounts, bans, events, log, throttle, store: stores.namespace(':identity') });
  container.register(Tokens.Identities, { useValue: identities });
  container.register(Tokens.Rooms, { useValue: rooms });

  const chat = new ChatService(delivery, users, events, log, config);
  const plugins = new PluginHost({ container, config, registry, events, chat, stores, log });
  container.register(Tokens.Plugins, { useValue: plugins });
  try {
    if (config.pluginDirs.length > 0 || config.pluginPackages.length > 0) registerPluginApiHook();
    await plugins.load();
  } catch (error) {
    await accounts.close();
    await bans.close();
    await abortStart({ log, uploads, backend }, error);
    throw error;
  }
  const dispatcher = new Dispatcher(registry, users, roomDirectory, config, log, sessions);
  return { container, log, users, roomDirectory, backend, rooms, sessions, registry, dispatcher, uploads, events, plugins, accounts, bans, identities, throttle };
}
