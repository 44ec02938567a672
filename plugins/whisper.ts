import { arg, characterCount, Command, inject, Tokens, UserError } from '../core/plugin-api.js';
import type { ActionLog, CommandContext, CommandHandler, Delivery } from '../core/plugin-api.js';

const args = { username: arg.user(), message: arg.text() };
type Context = CommandContext<typeof args>;

@Command({
  name: 'whisper',
  aliases: ['w', 'msg'],
  summary: 'Send a private message to one user, wherever they are',
  args,
})
export class WhisperCommand implements CommandHandler<typeof args> {
  constructor(
    @inject(Tokens.Delivery) private readonly delivery: Delivery,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  async run({ user, args }: Context): Promise<void> {
    const to = args.username;
    if (to === user) throw new UserError('WHISPER_SELF', 'you cannot whisper to yourself');
    const whisper = { t: 'whisper', from: user, to, text: args.message, ts: Date.now() } as const;
    if (!(await this.delivery.toUser(to, whisper))) throw new UserError('NO_SUCH_USER', `no user named '${to}' is online`);
    await this.delivery.toUser(user, whisper);
    this.log.message('whisper', { user, to, length: characterCount(args.message) }, args.message);
  }
}
