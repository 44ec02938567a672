import { UserError } from '../errors.js';
import type { EventBus } from '../services/event-bus.js';
import { characterCount } from '../commands/kinds.js';
import type { ServerConfig } from '../config.js';
import type { ActionLog, Chat, Delivery, UserDirectory } from '../tokens.js';

/**
 * The chat as plugins speak it: lines, whispers and notices, never protocol messages. Lines and
 * whispers pass the hooks first (which may refuse or rewrite them), then reach people, then the
 * listeners hear of them. `forPlugin` gives each plugin a Chat whose notices carry its name.
 */
export class ChatService {
  constructor(
    private readonly delivery: Delivery,
    private readonly users: Pick<UserDirectory, 'list'>,
    private readonly events: EventBus,
    private readonly log: ActionLog,
    private readonly config: ServerConfig,
  ) {}

  forPlugin(plugin: string): Chat {
    return {
      say: (room, from, text, options) => this.say(room, from, text, options?.emote ?? false),
      whisper: (from, to, text, options) => this.whisper(from, to, text, options?.auto ?? false),
      notice: (to, text) => this.notice(to, text, plugin),
    };
  }

  private async say(room: string, from: string, text: string, emote: boolean): Promise<void> {
    const line = await this.events.before('message', { user: from, room, text, emote });
    this.checkLength(line.text);
    await this.delivery.toRoom(room, { kind: 'line', room, from, text: line.text, emote });
    this.log.message('broadcast', emote ? { user: from, room, emote: 1 } : { user: from, room }, line.text);
    this.events.emit('message', line);
  }

  private async whisper(from: string, to: string, text: string, auto: boolean): Promise<void> {
    if (to === from) throw new UserError('WHISPER_SELF', 'you cannot whisper to yourself');
    const line = await this.events.before('whisper', { from, to, text, auto });
    this.checkLength(line.text);
    const message = { kind: 'whisper', from, to, text: line.text, auto } as const;
    if (!(await this.delivery.toUser(to, message))) throw new UserError('NO_SUCH_USER', `no user named '${to}' is online`);
    await this.delivery.toUser(from, message);
    this.log.message('whisper', auto ? { user: from, to, auto: 1 } : { user: from, to }, line.text);
    this.events.emit('whisper', line);
  }

  private async notice(to: { room: string } | { user: string } | { everyone: true }, text: string, plugin: string): Promise<void> {
    this.checkLength(text);
    const message = { kind: 'notice', text, plugin } as const;
    if ('everyone' in to) for (const user of await this.users.list()) await this.delivery.toUser(user, message);
    else if ('room' in to) await this.delivery.toRoom(to.room, message);
    else await this.delivery.toUser(to.user, message);
  }

  /** A hook that lengthens a line must not get past the limit the sender was held to. */
  private checkLength(text: string): void {
    if (text.length <= this.config.messageMax) return; // no more code points than UTF-16 units: it fits
    const length = characterCount(text);
    if (length > this.config.messageMax) {
      throw new UserError('MESSAGE_TOO_LONG', `message is ${length.toLocaleString('en-US')} characters; the limit is ${this.config.messageMax.toLocaleString('en-US')} (nothing was sent)`);
    }
  }
}
