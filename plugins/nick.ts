import { arg, Command, inject, Tokens, type CommandContext, type Identities } from '../core/plugin-api.js';

// The password is only for taking a registered name: the client asks for it when the server
// answers PASSWORD_REQUIRED, and sends the line again with it.
const nickArgs = { name: arg.word({ description: 'the new name' }), password: arg.secret({ optional: true, description: "the name's password, if it is registered" }) };

@Command({ name: 'nick', summary: 'Change your name; your room sees it (a registered name needs its password)', args: nickArgs })
export class NickCommand {
  constructor(@inject(Tokens.Identities) private readonly identities: Identities) {}

  async run({ user, args, reply }: CommandContext<typeof nickArgs>): Promise<void> {
    const renamed = await this.identities.rename(user, args.name, args.password);
    if (renamed.lostRoom) reply(`you could not go back into ${renamed.lostRoom.room}: ${renamed.lostRoom.why}`);
  }
}
