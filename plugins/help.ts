import { arg, Command, inject, Tokens, UserError, type CommandCatalog, type CommandContext, type CommandHandler } from '../core/plugin-api.js';

const args = { command: arg.word({ optional: true }) };
type Context = CommandContext<typeof args>;

@Command({
  name: 'help',
  aliases: ['h'],
  summary: 'List the commands, or explain one',
  args,
})
export class HelpCommand implements CommandHandler<typeof args> {
  constructor(@inject(Tokens.Commands) private readonly commands: CommandCatalog) {}

  async run(ctx: Context): Promise<void> {
    if (ctx.args.command === undefined) {
      const all = await this.commands.forUser(ctx.user, ctx.identity);
      const width = Math.max(...all.map((c) => c.usage.length));
      ctx.reply(['commands:', ...all.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`), 'type /help <command> for details'].join('\n'));
      return;
    }
    const found = this.commands.find(ctx.args.command);
    const c = found && (await this.commands.forUser(ctx.user, ctx.identity)).includes(found) ? found : undefined;
    if (!c) throw new UserError('UNKNOWN_COMMAND', `no command named '${ctx.args.command}'; type /help for the list`);
    const aliases = c.aliases.length ? [`aliases: ${c.aliases.map((a) => `/${a}`).join(' ')}`] : [];
    const args = c.args.filter((a) => a.description).map((a) => `  ${a.name}: ${a.description}`);
    ctx.reply([`usage: ${c.usage}`, c.summary, ...(c.description ? [c.description] : []), ...args, ...aliases].join('\n'));
  }
}
