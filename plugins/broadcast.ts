import { arg, Command, guards, inject, Tokens, type Chat, type RoomContext } from '../core/plugin-api.js';

const args = { message: arg.text() };
type Context = RoomContext<typeof args>;

@Command({
  name: 'broadcast',
  aliases: ['b', 'say'],
  summary: 'Send a message to everyone in your room (plain text does the same)',
  args,
  guards: [guards.inRoom],
  plainText: true,
})
export class BroadcastCommand {
  constructor(@inject(Tokens.Chat) private readonly chat: Chat) {}

  run({ user, room, args }: Context): Promise<void> {
    return this.chat.say(room, user, args.message);
  }
}
