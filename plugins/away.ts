import { arg, Command, inject, Listener, Tokens, type Chat, type ChatEvents, type CommandContext, type Store } from '../core/plugin-api.js';

const args = { message: arg.text({ optional: true, description: 'the automatic answer (default "away")' }) };
type Context = CommandContext<typeof args>;

// The away message lives in the user's bag of this plugin's store, which the core empties at
// logout: away is over when you leave.
@Command({ name: 'away', summary: 'Mark yourself away: whispers to you get an automatic answer; /away again comes back', args })
export class AwayCommand {
  constructor(@inject(Tokens.Store) private readonly store: Store) {}

  async run({ user, args, reply }: Context): Promise<void> {
    const bag = this.store.user(user);
    if (args.message === undefined && (await bag.delete('away'))) return reply('you are back');
    await bag.set('away', args.message ?? 'away');
    reply(`you are away: whispers to you are answered with "${args.message ?? 'away'}"; /away again to come back`);
  }
}

/** Answers a whisper to someone away. An automatic whisper is never answered, so two away users cannot loop. */
@Listener({ event: 'whisper' })
export class AwayAnswer {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ from, to, auto }: ChatEvents['whisper']): Promise<void> {
    const message = auto ? undefined : await this.store.user(to).get<string>('away');
    if (message !== undefined) await this.chat.whisper(to, from, message, { auto: true });
  }
}
