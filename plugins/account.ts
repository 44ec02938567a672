import { arg, Command, guards, inject, Tokens, type CommandContext, type Identities } from '../core/plugin-api.js';

// Passwords are `secret` arguments: the client asks for them hidden and sends them apart from
// the line, so they are never echoed, kept in history or logged.
const registerArgs = { password: arg.secret({ confirm: true, description: 'the password, asked for twice' }) };

@Command({
  name: 'register',
  summary: 'Reserve the name you are logged in with: from now on it logs in only with your password',
  args: registerArgs,
  guards: [guards.guest],
})
export class RegisterCommand {
  constructor(@inject(Tokens.Identities) private readonly identities: Identities) {}

  async run({ user, args, reply }: CommandContext<typeof registerArgs>): Promise<void> {
    await this.identities.register(user, args.password);
    reply(`'${user}' is registered: next time, log in with your password`);
  }
}

const passwordArgs = {
  current: arg.secret({ description: 'your current password' }),
  password: arg.secret({ confirm: true, description: 'the new password, asked for twice' }),
};

@Command({ name: 'password', summary: "Change your account's password", args: passwordArgs, guards: [guards.registered] })
export class PasswordCommand {
  constructor(@inject(Tokens.Identities) private readonly identities: Identities) {}

  async run({ user, args, reply }: CommandContext<typeof passwordArgs>): Promise<void> {
    await this.identities.changePassword(user, args.current, args.password);
    reply('your password is changed');
  }
}
