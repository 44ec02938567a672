import { arg, banTarget, Command, guards, inject, Tokens, UserError, type ActionLog, type CommandContext, type ServerBan, type ServerBans, type Sessions } from '../core/plugin-api.js';
import { durationAndReason, formatSeconds } from './_duration.js';

const describe = (target: ServerBan['target']) => ('name' in target ? target.name : target.address);

const banArgs = {
  target: arg.word({ description: 'a name, an address or a prefix such as 10.0.0.0/24' }),
  details: arg.text({ optional: true, description: '[duration such as 10m, 2h, 1d] [reason]' }),
};

@Command({
  name: 'serverban',
  summary: 'Keep a name or an address range off the whole server (admins only)',
  args: banArgs,
  guards: [guards.role('admin')],
  usage: '/serverban <name|address[/bits]> [duration] [reason...]',
})
export class ServerBanCommand {
  constructor(
    @inject(Tokens.ServerBans) private readonly bans: ServerBans,
    @inject(Tokens.Sessions) private readonly sessions: Sessions,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  async run({ user, args, reply }: CommandContext<typeof banArgs>): Promise<void> {
    const target = banTarget(args.target);
    if ('name' in target && target.name.toLowerCase() === user.toLowerCase()) throw new UserError('BAN_SELF', 'you cannot ban yourself');
    const { seconds, reason } = durationAndReason(args.details);
    await this.bans.add({ target, by: user, ...(reason ? { reason } : {}), ...(seconds ? { until: Date.now() + seconds * 1000 } : {}), created: Date.now() });
    this.log.action('server-ban', { by: user, target: describe(target), seconds, reason });
    const online = 'name' in target && this.sessions.disconnect(target.name, 'banned', `banned from this server${reason ? `: ${reason}` : ''}`);
    reply(`${describe(target)} is banned from the server${seconds ? ` for ${formatSeconds(seconds)}` : ''}${online ? '; their connection is closed' : ''}`);
  }
}

const unbanArgs = { target: arg.word() };

@Command({ name: 'unserverban', summary: 'Lift a server ban (admins only)', args: unbanArgs, guards: [guards.role('admin')] })
export class UnServerBanCommand {
  constructor(
    @inject(Tokens.ServerBans) private readonly bans: ServerBans,
    @inject(Tokens.Log) private readonly log: ActionLog,
  ) {}

  async run({ user, args, reply }: CommandContext<typeof unbanArgs>): Promise<void> {
    const target = banTarget(args.target);
    if (!(await this.bans.remove(target))) throw new UserError('NOT_BANNED', `${describe(target)} is not banned from the server`);
    this.log.action('server-unban', { by: user, target: describe(target) });
    reply(`${describe(target)} may log in again`);
  }
}

@Command({ name: 'bans', summary: 'List the server bans in force (admins only)', guards: [guards.role('admin')] })
export class BansCommand {
  constructor(@inject(Tokens.ServerBans) private readonly bans: ServerBans) {}

  async run({ reply }: CommandContext): Promise<void> {
    const bans = await this.bans.list();
    if (bans.length === 0) return reply('no server bans');
    const now = Date.now();
    reply(
      [
        `${bans.length} server ban${bans.length === 1 ? '' : 's'}:`,
        ...bans.map((b) => `  ${describe(b.target)} by ${b.by}, ${b.until === undefined ? 'until lifted' : `${formatSeconds((b.until - now) / 1000)} left`}${b.reason ? `: ${b.reason}` : ''}`),
      ].join('\n'),
    );
  }
}
