import { arg, Command, inject, Listener, Tokens, type ChatEvents, type CommandContext, type Store, type UserDirectory } from '../core/plugin-api.js';

const args = { username: arg.word({ description: 'who to look for' }) };
type Context = CommandContext<typeof args>;

const key = (user: string) => `seen:${user.toLowerCase()}`;
const ago = (ms: number) => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`);

interface Seen {
  name: string;
  at: number;
}

/** When someone was last here: in the plugin's store, so the whole network knows. */
@Command({ name: 'seen', summary: 'When a user was last online', args })
export class SeenCommand {
  constructor(
    @inject(Tokens.Users) private readonly users: UserDirectory,
    @inject(Tokens.Store) private readonly store: Store,
  ) {}

  async run({ args, reply }: Context): Promise<void> {
    const online = await this.users.resolve(args.username);
    if (online) return reply(`${online} is online now`);
    const seen = await this.store.get<Seen>(key(args.username));
    reply(seen ? `${seen.name} was last seen ${ago(Date.now() - seen.at)} ago` : `${args.username} has not been seen here`);
  }
}

@Listener({ event: 'logout' })
export class RememberLogout {
  constructor(@inject(Tokens.Store) private readonly store: Store) {}

  async run({ user }: ChatEvents['logout']): Promise<void> {
    await this.store.set(key(user), { name: user, at: Date.now() } satisfies Seen, { ttlSeconds: 30 * 24 * 3600 });
  }
}
