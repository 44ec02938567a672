import type { GuardHandler } from '../guards/guard.js';
import type { CommandManifest } from '../protocol/messages.js';
import type { CommandCatalog, Identity } from '../tokens.js';

const GUEST: Identity = Object.freeze({ registered: false, role: undefined });
import type { CommandHandler, CommandMeta } from './decorator.js';

export interface LoadedCommand {
  readonly meta: CommandMeta;
  readonly file: string;
  readonly handler: CommandHandler<never>;
}

export interface LoadedGuard {
  readonly name: string;
  readonly code: string;
  readonly file: string;
  readonly handler: GuardHandler<never>;
}

/** Name and alias lookup over the loaded commands and guards; also the manifest sent to clients. */
export class CommandRegistry implements CommandCatalog {
  private readonly byName = new Map<string, LoadedCommand>();
  private readonly guards = new Map<string, LoadedGuard>();
  private readonly manifest: CommandManifest[] = [];
  private plain: LoadedCommand | undefined;

  /** Adds a command; the loader has already refused duplicates. */
  add(command: LoadedCommand): void {
    for (const key of [command.meta.name, ...command.meta.aliases]) this.byName.set(key, command);
    if (command.meta.plainText) this.plain = command;
    this.manifest.push(toManifest(command.meta));
    // A file may hold several commands: the list reads by name, whichever file they came from.
    this.manifest.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Takes every command and guard of `other` in place of its own, in one step (a plugin reload). */
  replace(other: CommandRegistry): void {
    this.byName.clear();
    for (const [key, command] of other.byName) this.byName.set(key, command);
    this.guards.clear();
    for (const [key, guard] of other.guards) this.guards.set(key, guard);
    this.manifest.splice(0, this.manifest.length, ...other.manifest);
    this.plain = other.plain;
  }

  addGuard(guard: LoadedGuard): void {
    this.guards.set(guard.name, guard);
  }

  get(nameOrAlias: string): LoadedCommand | undefined {
    return this.byName.get(nameOrAlias);
  }

  /** The command that takes lines typed without a slash, if one is loaded. */
  plainText(): LoadedCommand | undefined {
    return this.plain;
  }

  guard(name: string): LoadedGuard | undefined {
    return this.guards.get(name);
  }

  list(): readonly CommandManifest[] {
    return this.manifest;
  }

  /** The commands `user` may see: those whose every guard lets them (a guard without `visible` does). */
  async forUser(user: string, identity: Identity = GUEST): Promise<readonly CommandManifest[]> {
    if (![...this.byName.values()].some((c) => c.meta.guards.some((g) => this.guards.get(g.name)?.handler.visible))) return this.manifest;
    const hidden = new Set<string>();
    for (const command of new Set(this.byName.values())) {
      for (const ref of command.meta.guards) {
        const visible = this.guards.get(ref.name)?.handler.visible;
        if (visible && !(await visible(user, ref.options as never, identity))) hidden.add(command.meta.name);
      }
    }
    return hidden.size === 0 ? this.manifest : this.manifest.filter((m) => !hidden.has(m.name));
  }

  find(nameOrAlias: string): CommandManifest | undefined {
    const command = this.byName.get(nameOrAlias.toLowerCase().replace(/^\//, ''));
    return command && this.manifest.find((m) => m.name === command.meta.name);
  }
}

function toManifest(meta: CommandMeta): CommandManifest {
  return {
    name: meta.name,
    aliases: [...meta.aliases],
    usage: meta.usage,
    summary: meta.summary,
    ...(meta.description ? { description: meta.description } : {}),
    ...(meta.plainText ? { plainText: true } : {}),
    args: meta.args.map((a) => ({
      name: a.name,
      kind: a.kind,
      optional: a.optional,
      ...(a.description ? { description: a.description } : {}),
      ...(a.confirm ? { confirm: true as const } : {}),
    })),
  };
}
