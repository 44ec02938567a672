import { arg, Command, inject, Listener, Service, Tokens, type Chat, type ChatEvents, type CommandContext, type Store } from '../core/plugin-api.js';

// The away message lives in the user's bag of this plugin's store, which the core empties at
// logout: away is over when you leave.
/** Who is away, and why: offered to other plugins as 'away' (`/whois` shows it). */
@Service({ name: 'away', inject: [Tokens.Store] })
export class AwayStatus {
  constructor(private readonly store: Store) {}

  message(user: string): Promise<string | undefined> {
    return this.store.user(user).get<string>('away');
  }

  set(user: string, message: string): Promise<void> {
    return this.store.user(user).set('away', message);
  }

  back(user: string): Promise<boolean> {
    return this.store.user(user).delete('away');
  }
}

const args = { message: arg.text({ optional: true, description: 'the automatic answer (default "away")' }) };
type Context = CommandContext<typeof args>;

@Command({ name: 'away', summary: 'Mark yourself away: whispers to you get an automatic answer; /away again comes back', args })
export class AwayCommand {
  constructor(@inject(AwayStatus) private readonly status: AwayStatus) {}

  async run({ user, args, reply }: Context): Promise<void> {
    if (args.message === undefined && (await this.status.back(user))) return reply('you are back');
    await this.status.set(user, args.message ?? 'away');
    reply(`you are away: whispers to you are answered with "${args.message ?? 'away'}"; /away again to come back`);
  }
}

/** Answers a whisper to someone away. An automatic whisper is never answered, so two away users cannot loop. */
@Listener({ event: 'whisper' })
export class AwayAnswer {
  constructor(
    @inject(AwayStatus) private readonly status: AwayStatus,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ from, to, auto }: ChatEvents['whisper']): Promise<void> {
    const message = auto ? undefined : await this.status.message(to);
    if (message !== undefined) await this.chat.whisper(to, from, message, { auto: true });
  }
}
