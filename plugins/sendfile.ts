import { arg, Command, inject, Tokens, type CommandContext, type CommandHandler, type Uploads } from '../core/plugin-api.js';

const args = { filename: arg.file(), username: arg.user() };
type Context = CommandContext<typeof args>;

@Command({
  name: 'sendfile',
  aliases: ['send'],
  summary: 'Send a file to a user (saved in their downloads folder)',
  description: 'The file is read from your computer and checked (type, size), then queued if the server is already running its maximum of uploads. /help lists nothing more: the limits come with the server.',
  args,
})
export class SendFileCommand implements CommandHandler<typeof args> {
  constructor(@inject(Tokens.Uploads) private readonly uploads: Uploads) {}

  async run(ctx: Context): Promise<void> {
    await this.uploads.offer(ctx, ctx.args.filename, ctx.args.username);
  }
}
