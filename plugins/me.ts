import { arg, Command, guards, inject, Tokens, type Chat, type RoomContext } from '../core/plugin-api.js';

const args = { action: arg.text() };
type Context = RoomContext<typeof args>;

@Command({ name: 'me', summary: 'Tell your room what you are doing: /me waves shows "* alice waves"', args, guards: [guards.inRoom] })
export class MeCommand {
  constructor(@inject(Tokens.Chat) private readonly chat: Chat) {}

  run({ user, room, args }: Context): Promise<void> {
    return this.chat.say(room, user, args.action, { emote: true });
  }
}
