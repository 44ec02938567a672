import type { DependencyContainer } from 'tsyringe';
import type { CommandHandler, CommandMeta } from '../commands/decorator.js';
import type { CommandRegistry } from '../commands/registry.js';
import { StartupError } from '../errors.js';
import type { EventBus } from '../services/event-bus.js';
import { BUILTIN_GUARDS } from '../guards/builtin.js';
import type { GuardHandler, GuardMeta } from '../guards/guard.js';
import type { ChatService } from '../services/chat.js';
import { Tokens } from '../tokens.js';
import { injectionProblem } from './injection.js';
import type { HookHandler, HookMeta, ListenerHandler, ListenerMeta } from '../pieces/listener.js';
import type { Piece, Plugin } from './loader.js';
import { pieceOf } from '../pieces/piece.js';
import { pluginService, type ServiceMeta } from '../pieces/service.js';
import { resolveSettings, type SettingDecls } from '../pieces/settings.js';
import type { Stores } from '../pieces/store.js';

export interface InstallDeps {
  readonly registry: CommandRegistry;
  readonly events: EventBus;
  readonly chat: ChatService;
  readonly stores: Stores;
  readonly settings: SettingsFile;
}

/** The plugins' sections of the --config file, by plugin name. */
export interface SettingsFile {
  readonly path: string | null;
  readonly sections: Readonly<Record<string, Record<string, unknown>>>;
}

const describePiece = (piece: Piece) =>
  piece.kind === 'command' ? `/${(piece.meta as CommandMeta).name}` : `${piece.kind} ${piece.exportName}`;

function create<T>(scope: DependencyContainer, piece: Piece, file: string, method?: string): T {
  const problem = injectionProblem(piece.cls as never, scope);
  if (problem) throw new StartupError(`plugin ${file}: ${describePiece(piece)} cannot be created: ${problem}`);
  let instance: T;
  try {
    instance = scope.resolve<T>(piece.cls as never);
  } catch (error) {
    throw new StartupError(`plugin ${file}: cannot create ${describePiece(piece)}: ${(error as Error).message}`, { cause: error });
  }
  if (method && typeof (instance as Record<string, unknown>)[method] !== 'function') throw new StartupError(`plugin ${file}: ${describePiece(piece)} has no ${method}() method`);
  return instance;
}

/** The core's own guards, one instance each per server. */
export function installBuiltinGuards(container: DependencyContainer, registry: CommandRegistry): void {
  for (const cls of BUILTIN_GUARDS) {
    const meta = pieceOf(cls)!.meta as GuardMeta;
    registry.addGuard({ name: meta.name, code: meta.code, file: 'the core', handler: container.resolve<GuardHandler<never>>(cls as never) });
  }
}

/** The plugin's section of the --config file, checked against what it declares. */
function settingsFor(plugin: Plugin, file: SettingsFile): Readonly<Record<string, unknown>> {
  const declared = plugin.pieces.find((p) => p.kind === 'settings');
  const section = file.sections[plugin.name];
  if (!declared) {
    if (section) throw new StartupError(`${file.path}: [plugins.${plugin.name}] is set, but ${plugin.file} declares no settings`);
    return Object.freeze({});
  }
  const values = resolveSettings(declared.meta as SettingDecls, section ?? {}, `plugins.${plugin.name}`);
  if (typeof values === 'string') throw new StartupError(`${file.path ?? 'defaults'}: ${values}`);
  return values;
}

/**
 * Builds every piece of every plugin. Each plugin gets a child container of the server's, with
 * its own Chat and Store and its services as singletons there: shared by its pieces, one per
 * server, invisible to other plugins. Guards go first, so commands may name any of them.
 */
export function installPlugins(container: DependencyContainer, plugins: readonly Plugin[], deps: InstallDeps): DependencyContainer[] {
  const scopes: DependencyContainer[] = [];
  for (const plugin of plugins) {
    const scope = container.createChildContainer();
    scopes.push(scope);
    scope.register(Tokens.Chat, { useValue: deps.chat.forPlugin(plugin.name) });
    scope.register(Tokens.Store, { useValue: deps.stores.namespace(plugin.name) });
    scope.register(Tokens.Settings, { useValue: settingsFor(plugin, deps.settings) });
    for (const piece of plugin.pieces) if (piece.kind === 'service') scope.registerSingleton(piece.cls as never);
    // Services are created now, not on first use, so a broken one stops start-up; a named one is
    // offered to the plugins installed after this one (those that require it).
    for (const piece of plugin.pieces) {
      if (piece.kind !== 'service') continue;
      const instance = create<object>(scope, piece, plugin.file);
      const { name } = piece.meta as ServiceMeta;
      if (name !== undefined) container.register(pluginService(name), { useValue: instance });
    }
    const order = { settings: 0, service: 0, guard: 1, command: 2, listener: 3, hook: 3 } as const;
    for (const piece of [...plugin.pieces].sort((a, b) => order[a.kind] - order[b.kind])) {
      const { file } = plugin;
      switch (piece.kind) {
        case 'guard': {
          const meta = piece.meta as GuardMeta;
          deps.registry.addGuard({ name: meta.name, code: meta.code, file, handler: create<GuardHandler<never>>(scope, piece, file, 'check') });
          break;
        }
        case 'command':
          deps.registry.add({ meta: piece.meta as CommandMeta, file, handler: create<CommandHandler<never>>(scope, piece, file, 'run') });
          break;
        case 'listener': {
          const meta = piece.meta as ListenerMeta;
          const handler = create<ListenerHandler<never>>(scope, piece, file, 'run');
          deps.events.listen(meta.event, (event) => handler.run(event as never), { file, network: meta.network });
          break;
        }
        case 'hook': {
          const meta = piece.meta as HookMeta;
          const handler = create<HookHandler<never>>(scope, piece, file, 'run');
          deps.events.hook(meta.event, (event) => handler.run(event as never), { file, order: meta.order, name: piece.exportName });
          break;
        }
      }
    }
  }
  return scopes;
}
