import { arg, Command, inject, Listener, pluginService, Service, Tokens, type ChatEvents, type CommandContext, type Identities, type Rooms } from '../core/plugin-api.js';
import type { AwayStatus } from './away.js';

/** /whois shows away messages: the away plugin must be loaded too. */
export const requires = ['away'];

/** When this server's users last said something, since it loaded this plugin; others have no entry here. */
@Service()
export class LastSeen {
  private readonly at = new Map<string, number>();

  saw(user: string): void {
    this.at.set(user, Date.now());
  }

  forget(user: string): void {
    this.at.delete(user);
  }

  idleSeconds(user: string): number | undefined {
    const at = this.at.get(user);
    return at === undefined ? undefined : Math.floor((Date.now() - at) / 1000);
  }
}

@Listener({ event: 'login' })
export class LoginSeen {
  constructor(@inject(LastSeen) private readonly seen: LastSeen) {}
  run({ user }: ChatEvents['login']): void {
    this.seen.saw(user);
  }
}

@Listener({ event: 'message' })
export class LineSeen {
  constructor(@inject(LastSeen) private readonly seen: LastSeen) {}
  run({ user }: ChatEvents['message']): void {
    this.seen.saw(user);
  }
}

@Listener({ event: 'whisper' })
export class WhisperSeen {
  constructor(@inject(LastSeen) private readonly seen: LastSeen) {}
  run({ from, auto }: ChatEvents['whisper']): void {
    if (!auto) this.seen.saw(from);
  }
}

@Listener({ event: 'logout' })
export class LogoutSeen {
  constructor(@inject(LastSeen) private readonly seen: LastSeen) {}
  run({ user }: ChatEvents['logout']): void {
    this.seen.forget(user);
  }
}

const whoisArgs = { username: arg.user() };

@Command({ name: 'whois', summary: 'Who a user is: registered or guest, role, room, idle time and away message', args: whoisArgs })
export class WhoisCommand {
  constructor(
    @inject(Tokens.Identities) private readonly identities: Identities,
    @inject(Tokens.Rooms) private readonly rooms: Rooms,
    @inject(LastSeen) private readonly seen: LastSeen,
    @inject(pluginService<AwayStatus>('away')) private readonly away: AwayStatus,
  ) {}

  async run({ args, reply }: CommandContext<typeof whoisArgs>): Promise<void> {
    const name = args.username;
    const identity = await this.identities.of(name);
    const room = await this.rooms.current(name);
    const idle = this.seen.idleSeconds(name);
    const away = await this.away.message(name);
    const who = identity?.registered ? `registered${identity.role ? `, ${identity.role}` : ''}` : 'guest';
    reply(`${name}: ${who}; ${room ? `in ${room}` : 'in no room'}; ${idle === undefined ? 'idle time unknown' : `idle ${formatIdle(idle)}`}${away === undefined ? '' : `; away: ${away}`}`);
  }
}

function formatIdle(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
