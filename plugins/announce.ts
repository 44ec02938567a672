import { arg, Command, guards, inject, Tokens, type ActionLog, type Chat, type CommandContext } from '../core/plugin-api.js';

const announceArgs = { message: arg.text() };

@Command({ name: 'announce', summary: 'Tell every user on the server (admins only)', args: announceArgs, guards: [guards.role('admin')] })
export class AnnounceCommand {
  constructor(
    @inject(Tokens.Chat) private readonly chat: Chat,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  async run({ user, args }: CommandContext<typeof announceArgs>): Promise<void> {
    await this.chat.notice({ everyone: true }, `${user}: ${args.message}`);
    this.log.action('announce', { by: user });
  }
}
