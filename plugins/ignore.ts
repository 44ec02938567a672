import { arg, Command, inject, Listener, Tokens, UserError, type ChatEvents, type CommandContext, type Identities, type Sessions, type Store } from '../core/plugin-api.js';

// Ignoring is kept where the ignoring user is connected: every node drops what it would have
// delivered to them from the ignored user. A guest's list lasts the session; an account's is
// also kept in this plugin's store under the account's name (not in the user's bag, which the
// core empties at logout), and comes back at its next login.
const saved = (user: string) => `account:${user.toLowerCase()}`;

async function remember(store: Store, identities: Identities, sessions: Sessions, user: string): Promise<void> {
  if (!(await identities.of(user))?.registered) return;
  const list = sessions.ignoring(user);
  if (list.length === 0) await store.delete(saved(user));
  else await store.set(saved(user), list);
}

const ignoreArgs = { username: arg.word({ optional: true, description: 'whose lines, whispers and files to stop; without it, lists them' }) };

@Command({ name: 'ignore', summary: "Stop a user's lines, whispers and files reaching you, until /unignore (a guest: until you leave)", args: ignoreArgs })
export class IgnoreCommand {
  constructor(
    @inject(Tokens.Sessions) private readonly sessions: Sessions,
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Identities) private readonly identities: Identities,
  ) {}

  async run({ user, args, reply }: CommandContext<typeof ignoreArgs>): Promise<void> {
    if (args.username === undefined) {
      const list = this.sessions.ignoring(user);
      return reply(list.length === 0 ? 'you ignore no one' : `you ignore: ${list.join(', ')}`);
    }
    if (args.username.toLowerCase() === user.toLowerCase()) throw new UserError('IGNORE_SELF', 'you cannot ignore yourself');
    if (!this.sessions.ignore(user, args.username)) throw new UserError('IGNORE_FULL', 'you ignore too many users already; /unignore some first');
    await remember(this.store, this.identities, this.sessions, user);
    reply(`you now ignore ${args.username}: their lines, whispers and files will not reach you`);
  }
}

const unignoreArgs = { username: arg.word() };

@Command({ name: 'unignore', summary: 'Hear a user you ignored again', args: unignoreArgs })
export class UnignoreCommand {
  constructor(
    @inject(Tokens.Sessions) private readonly sessions: Sessions,
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Identities) private readonly identities: Identities,
  ) {}

  async run({ user, args, reply }: CommandContext<typeof unignoreArgs>): Promise<void> {
    if (!this.sessions.unignore(user, args.username)) throw new UserError('NOT_IGNORED', `you do not ignore ${args.username}`);
    await remember(this.store, this.identities, this.sessions, user);
    reply(`you hear ${args.username} again`);
  }
}

/** An account's list comes back with it. */
@Listener({ event: 'login' })
export class RestoreIgnored {
  constructor(
    @inject(Tokens.Sessions) private readonly sessions: Sessions,
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Identities) private readonly identities: Identities,
  ) {}

  async run({ user }: ChatEvents['login']): Promise<void> {
    if (!(await this.identities.of(user))?.registered) return;
    for (const whom of (await this.store.get<string[]>(saved(user))) ?? []) if (typeof whom === 'string') this.sessions.ignore(user, whom);
  }
}
