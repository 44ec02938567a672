import { fileURLToPath } from 'node:url';
import type { DependencyContainer } from 'tsyringe';
import { CommandRegistry } from '../commands/registry.js';
import type { ServerConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { BUILTIN_GUARDS } from '../guards/builtin.js';
import type { GuardMeta } from '../guards/guard.js';
import { pieceOf } from '../pieces/piece.js';
import type { Stores } from '../pieces/store.js';
import { readSettingsFile } from './settings-file.js';
import type { ChatService } from '../services/chat.js';
import { EventBus } from '../services/event-bus.js';
import type { ActionLog, PluginControl, ReloadResult } from '../tokens.js';
import { installBuiltinGuards, installPlugins } from './install.js';
import { discoverPlugins, orderByRequires, selectPlugins } from './loader.js';

export const BUILTIN_PLUGINS = fileURLToPath(new URL('../../plugins/', import.meta.url));

export interface HostDeps {
  readonly container: DependencyContainer;
  readonly config: ServerConfig;
  readonly registry: CommandRegistry;
  readonly events: EventBus;
  readonly chat: ChatService;
  readonly stores: Stores;
  readonly log: ActionLog;
}

/**
 * The server's plugins: loaded once at start, and loaded again on `reload` (--watch). A reload
 * builds every piece afresh beside the running ones and swaps the commands, guards, listeners
 * and hooks in one step, so no line ever sees half of each; a reload that fails keeps the old
 * set running. Stores and the core's own listeners carry over.
 */
export class PluginHost implements PluginControl {
  private scopes: DependencyContainer[] = [];
  private generation = 0;
  private reloading: Promise<unknown> = Promise.resolve();
  /** After a reload that worked: tell the clients (set by the server that owns the connections). */
  onReloaded: () => Promise<void> = async () => {};

  constructor(private readonly deps: HostDeps) {}

  async load(): Promise<void> {
    const { registry, events } = this.deps;
    const built = await this.build();
    registry.replace(built.registry);
    events.replacePlugins(built.events);
    this.scopes = built.scopes;
  }

  /**
   * Loads the plugins again, one reload at a time (a save while one runs gets its own after it);
   * when they do not load, the old set keeps running and the error is the answer.
   */
  reload(): Promise<ReloadResult> {
    const next = this.reloading.then(() => this.reloadNow());
    this.reloading = next;
    return next;
  }

  private async reloadNow(): Promise<ReloadResult> {
    const old = this.scopes;
    try {
      await this.load();
    } catch (error) {
      this.deps.log.action('plugin-reload-failed', { reason: (error as Error).message });
      return { ok: false, error: (error as Error).message };
    }
    const commands = this.deps.registry.list().map((c) => c.name);
    this.deps.log.action('plugin-reloaded', { commands: commands.join(',') });
    for (const scope of old) await scope.dispose();
    await this.onReloaded();
    return { ok: true, commands };
  }

  async dispose(): Promise<void> {
    for (const scope of this.scopes) await scope.dispose();
  }

  private async build(): Promise<{ registry: CommandRegistry; events: EventBus; scopes: DependencyContainer[] }> {
    const { container, config, chat, stores, log } = this.deps;
    const registry = new CommandRegistry();
    const events = new EventBus(log);
    installBuiltinGuards(container, registry);
    const guardNames = BUILTIN_GUARDS.map((g) => (pieceOf(g)!.meta as GuardMeta).name);
    // A new generation imports every file again (a module is cached by its URL).
    const { plugins, skipped } = await discoverPlugins(
      { dirs: [BUILTIN_PLUGINS, ...config.pluginDirs], packages: config.pluginPackages, generation: this.generation++ },
      guardNames,
    );
    for (const file of skipped) log.action('plugin-skipped', { file, reason: 'exports no piece' });
    const settings = await readSettingsFile(config.configFile);
    const unknown = Object.keys(settings.sections).find((name) => !plugins.some((p) => p.name === name));
    if (unknown) throw new StartupError(`${settings.path}: [plugins.${unknown}] is for no plugin; the plugins are ${plugins.map((p) => p.name).join(', ')}`);
    const scopes = installPlugins(container, orderByRequires(selectPlugins(plugins, config.pluginNames)), { registry, events, chat, stores, settings });
    return { registry, events, scopes };
  }
}
