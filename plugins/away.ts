import { arg, Command, inject, Listener, Tokens, type Chat, type ChatEvents, type CommandContext, type Store } from '../core/plugin-api.js';

const key = (user: string) => `user:${user.toLowerCase()}`;
const args = { message: arg.text({ optional: true, description: 'the automatic answer (default "away")' }) };
type Context = CommandContext<typeof args>;

@Command({ name: 'away', summary: 'Mark yourself away: whispers to you get an automatic answer; /away again comes back', args })
export class AwayCommand {
  constructor(@inject(Tokens.Store) private readonly store: Store) {}

  async run({ user, args, reply }: Context): Promise<void> {
    if (args.message === undefined && (await this.store.delete(key(user)))) return reply('you are back');
    await this.store.set(key(user), args.message ?? 'away');
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
    if (auto) return;
    const message = await this.store.get<string>(key(to));
    if (message !== undefined) await this.chat.whisper(to, from, message, { auto: true });
  }
}

@Listener({ event: 'logout' })
export class BackOnLogout {
  constructor(@inject(Tokens.Store) private readonly store: Store) {}

  async run({ user }: ChatEvents['logout']): Promise<void> {
    await this.store.delete(key(user));
  }
}
