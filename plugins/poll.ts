import { arg, Command, guards, inject, Listener, Service, setting, Settings, Tokens, UserError, type Chat, type ChatEvents, type RoomContext, type SettingsOf } from '../core/plugin-api.js';

interface Poll {
  question: string;
  options: string[];
  /** The option each voter chose, by voter. */
  votes: Map<string, number>;
}

/** `[plugins.poll]` in the --config file. */
export const pollSettings = Settings({
  maxOptions: setting.integer({ default: 10, min: 2, max: 50, description: 'the most choices a poll may offer' }),
});

/** The open poll of each room on this server: one instance per server, shared by /poll and /vote. */
@Service()
export class Polls {
  private readonly byRoom = new Map<string, Poll>();

  open(room: string, question: string, options: string[]): Poll {
    const poll = { question, options, votes: new Map<string, number>() };
    this.byRoom.set(room.toLowerCase(), poll);
    return poll;
  }

  of(room: string): Poll | undefined {
    return this.byRoom.get(room.toLowerCase());
  }

  close(room: string): void {
    this.byRoom.delete(room.toLowerCase());
  }

  tally(poll: Poll): string {
    const counts = poll.options.map((_, i) => [...poll.votes.values()].filter((v) => v === i).length);
    return `${poll.question}: ${poll.options.map((o, i) => `${i + 1}) ${o} ${counts[i]}`).join(', ')}`;
  }
}

const pollArgs = {
  question: arg.word({ optional: true, description: 'the question; quote it if it has spaces' }),
  options: arg.text({ optional: true, description: 'two or more choices, separated by blanks' }),
};

@Command({
  name: 'poll',
  summary: 'Ask your room a question: /poll "lunch where?" pizza sushi; /poll alone shows the votes',
  args: pollArgs,
  guards: [guards.inRoom],
  usage: '/poll [<question> <option> <option>...]',
})
export class PollCommand {
  constructor(
    @inject(Polls) private readonly polls: Polls,
    @inject(Tokens.Chat) private readonly chat: Chat,
    @inject(Tokens.Settings) private readonly settings: SettingsOf<typeof pollSettings>,
  ) {}

  async run({ user, room, args, reply }: RoomContext<typeof pollArgs>): Promise<void> {
    const most = this.settings.maxOptions;
    if (args.question === undefined) {
      const poll = this.polls.of(room);
      return reply(poll ? this.polls.tally(poll) : `there is no poll in ${room}; /poll <question> <option> <option>... starts one`);
    }
    const options = args.options?.split(/\s+/).filter(Boolean) ?? [];
    if (options.length < 2 || options.length > most) {
      throw new UserError('BAD_ARGUMENTS', `a poll has 2 to ${most} options, not ${options.length}\nusage: /poll [<question> <option> <option>...]`);
    }
    const poll = this.polls.open(room, args.question, options);
    await this.chat.notice({ room }, `${user} asks: ${poll.question} ${options.map((o, i) => `${i + 1}) ${o}`).join(' ')} (/vote <number>)`);
    reply(`poll opened in ${room}`);
  }
}

const voteArgs = { choice: arg.word({ description: 'the number of your choice' }) };

@Command({ name: 'vote', summary: "Vote in your room's poll: /vote 2", args: voteArgs, guards: [guards.inRoom] })
export class VoteCommand {
  constructor(@inject(Polls) private readonly polls: Polls) {}

  run({ user, room, args, reply }: RoomContext<typeof voteArgs>): void {
    const poll = this.polls.of(room);
    if (!poll) throw new UserError('NO_POLL', `there is no poll in ${room}; /poll starts one`);
    const choice = Number(args.choice);
    if (!Number.isInteger(choice) || choice < 1 || choice > poll.options.length) {
      throw new UserError('BAD_ARGUMENTS', `choose 1 to ${poll.options.length}`);
    }
    poll.votes.set(user, choice - 1);
    reply(`you voted for ${poll.options[choice - 1]}; ${this.polls.tally(poll)}`);
  }
}

/** A poll ends with its room. */
@Listener({ event: 'roomEmptied' })
export class ClosePoll {
  constructor(@inject(Polls) private readonly polls: Polls) {}

  run({ room }: ChatEvents['roomEmptied']): void {
    this.polls.close(room);
  }
}
