import { arg, Command, guards, inject, Listener, Tokens, type Chat, type ChatEvents, type RoomContext, type Store } from '../core/plugin-api.js';

interface Topic {
  text: string;
  by: string;
}

const key = (room: string) => `room:${room.toLowerCase()}`;
const args = { text: arg.text({ optional: true, description: 'the new topic; without it, shows the topic' }) };
type Context = RoomContext<typeof args>;

@Command({ name: 'topic', summary: 'Show or set the topic of your room', args, guards: [guards.inRoom] })
export class TopicCommand {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ user, room, args, reply }: Context): Promise<void> {
    if (args.text === undefined) {
      const topic = await this.store.get<Topic>(key(room));
      return reply(topic ? `topic of ${room}: ${topic.text} (set by ${topic.by})` : `${room} has no topic; /topic <text> sets one`);
    }
    await this.store.set(key(room), { text: args.text, by: user } satisfies Topic);
    await this.chat.notice({ room }, `${user} set the topic of ${room}: ${args.text}`);
  }
}

/** Whoever joins later is told the topic. The store is the network's, so it is the same on every node. */
@Listener({ event: 'join' })
export class ShowTopicOnJoin {
  constructor(
    @inject(Tokens.Store) private readonly store: Store,
    @inject(Tokens.Chat) private readonly chat: Chat,
  ) {}

  async run({ user, room }: ChatEvents['join']): Promise<void> {
    const topic = await this.store.get<Topic>(key(room));
    if (topic) await this.chat.notice({ user }, `topic of ${room}: ${topic.text} (set by ${topic.by})`);
  }
}

/** A room that empties is gone, and a new one of the same name starts without a topic. */
@Listener({ event: 'roomEmptied' })
export class ForgetTopic {
  constructor(@inject(Tokens.Store) private readonly store: Store) {}

  async run({ room }: ChatEvents['roomEmptied']): Promise<void> {
    await this.store.delete(key(room));
  }
}
