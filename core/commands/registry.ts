import type { CommandManifest } from '../protocol/messages.js';
import type { CommandCatalog } from '../tokens.js';
import type { CommandHandler, CommandMeta } from './decorator.js';

export interface LoadedCommand {
  readonly meta: CommandMeta;
  readonly file: string;
  readonly handler: CommandHandler<never>;
}

/** Name and alias lookup over the loaded commands; also the manifest sent to clients. */
export class CommandRegistry implements CommandCatalog {
  private readonly byName = new Map<string, LoadedCommand>();
  private readonly manifest: CommandManifest[] = [];

  /** Adds a command; the loader has already refused duplicates and sorted by name. */
  add(command: LoadedCommand): void {
    for (const key of [command.meta.name, ...command.meta.aliases]) this.byName.set(key, command);
    this.manifest.push(toManifest(command.meta));
  }

  get(nameOrAlias: string): LoadedCommand | undefined {
    return this.byName.get(nameOrAlias);
  }

  list(): readonly CommandManifest[] {
    return this.manifest;
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
    args: meta.args.map((a) => ({
      name: a.name,
      kind: a.kind,
      optional: a.optional,
      ...(a.description ? { description: a.description } : {}),
    })),
  };
}
