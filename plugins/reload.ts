import { Command, guards, inject, Tokens, UserError, type CommandContext, type PluginControl } from '../core/plugin-api.js';

@Command({
  name: 'reload',
  summary: 'Load the plugin files again, without dropping anyone (admins only)',
  description: 'A plugin that does not load keeps the old set running; its error is the answer.',
  guards: [guards.role('admin')],
})
export class ReloadCommand {
  constructor(@inject(Tokens.Plugins) private readonly plugins: PluginControl) {}

  async run({ reply }: CommandContext): Promise<void> {
    const result = await this.plugins.reload();
    if (!result.ok) throw new UserError('RELOAD_FAILED', `the plugins did not load, so the old ones still run: ${result.error}`);
    reply(`plugins reloaded: /${result.commands.join(' /')}`);
  }
}
