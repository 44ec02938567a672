import { arg, Command, guards, inject, Listener, Tokens, type Chat, type ChatEvents, type RoomContext, type Store } from '../core/plugin-api.js';

interface Topic {
  text: string;
  by: string;
}

const args = { text: arg.text({ optional: true, description: 'the new topic; without it, shows the topic' }) };
type Context = RoomContext<typeof args>;

// The topic lives in the room's bag of this plugin's store: the network's under --redis, and
// emptied by the core with the room, so a new room of the same name starts without one.
@Command({ name: 'topic', summary: 'Show or set the topic of your room', args, guards: [guards.inRoom] })
export class TopicCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ user, room, args, reply }: Context): Promise<void> {
    if (args.text === undefined) {
      const topic = await this.store.room(room).get<Topic>('topic');
      return reply(topic ? `topic of ${room}: ${topic.text} (set by ${topic.by})` : `${room} has no topic; /topic <text> sets one`);
    }
    await this.store.room(room).set('topic', { text: args.text, by: user } satisfies Topic);
    await this.chat.notice({ room }, `${user} set the topic of ${room}: ${args.text}`);
  }
}

/** Whoever joins later is told the topic. */
@Listener({ event: 'join' })
export class ShowTopicOnJoin {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ user, room }: ChatEvents['join']): Promise<void> {
    const topic = await this.store.room(room).get<Topic>('topic');
    if (topic) await this.chat.notice({ user }, `topic of ${room}: ${topic.text} (set by ${topic.by})`);
  }
}
