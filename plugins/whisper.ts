import { arg, Command, inject, Tokens, type Chat, type CommandContext } from '../core/plugin-api.js';

const args = { username: arg.user(), message: arg.text() };
type Context = CommandContext<typeof args>;

@Command({
  name: 'whisper',
  aliases: ['w', 'msg'],
  summary: 'Send a private message to one user, wherever they are',
  args,
})
export class WhisperCommand {
  constructor(@inject(Tokens.Chat) private readonly chat: Chat) {}

  run({ user, args }: Context): Promise<void> {
    return this.chat.whisper(user, args.username, args.message);
  }
}
