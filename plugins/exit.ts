import { Command, inject, Tokens, type CommandContext, type CommandHandler, type Sessions } from '../core/plugin-api.js';

@Command({ name: 'exit', aliases: ['quit'], summary: 'Leave the server (your room is told)', floodExempt: true })
export class ExitCommand implements CommandHandler {
  constructor(@inject(Tokens.Sessions) private readonly sessions: Sessions) {}

  run(ctx: CommandContext): void {
    this.sessions.disconnect(ctx.user, 'quit');
  }
}
