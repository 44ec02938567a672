import type { Address, Protocol, Sink } from './types.js';
import { SocketClient } from './socket-client.js';

/**
 * The least IRC a chat benchmark needs (RFC 2812): NICK/USER, JOIN, PRIVMSG to a channel or a
 * nick, PING/PONG. Rooms become channels `#room`.
 */
class IrcClient extends SocketClient {
  private channel = '';
  private partial = '';
  private readonly prefix: string;

  constructor(address: Address, name: string, sink: Sink) {
    super(address, name, sink);
    this.prefix = `:${name}!`;
    this.socket.setEncoding('latin1');
    this.socket.on('connect', () => this.socket.write(`NICK ${name}\r\nUSER ${name} 0 * :${name}\r\n`));
    this.socket.on('data', (text: string) => this.data(text));
  }

  protected requestJoin(room: string): void {
    this.channel = `#${room}`;
    this.socket.write(`JOIN ${this.channel}\r\n`);
  }

  say(text: string): void {
    this.socket.write(`PRIVMSG ${this.channel} :${text}\r\n`);
  }

  whisper(to: string, text: string): void {
    this.socket.write(`PRIVMSG ${to} :${text}\r\n`);
  }

  private data(text: string): void {
    const lines = (this.partial + text).split('\r\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    // ":nick!user@host PRIVMSG target :text" is the hot path: find it without a full parse.
    const privmsg = line.indexOf(' PRIVMSG ');
    if (privmsg > 0 && line.charCodeAt(0) === 58 /* : */) {
      const colon = line.indexOf(' :', privmsg + 9);
      if (colon < 0) return;
      const whisper = line.charCodeAt(privmsg + 9) !== 35; /* # */
      this.sink.onText(this, line.slice(colon + 2), whisper);
      return;
    }
    const words = line.split(' ');
    if (words[0] === 'PING') return void this.socket.write(`PONG ${words.slice(1).join(' ')}\r\n`);
    const command = words[1];
    if (command === '001') return this.login.resolve();
    if (command === 'JOIN' && line.startsWith(this.prefix)) return this.joined(words[2]!.replace(/^:?#/, ''));
    // Numeric replies 400-599 are errors (433 nick in use, 401 no such nick, 471 channel full...).
    if (command && /^[45]\d\d$/.test(command)) {
      const error = new Error(`${this.name}: ${line}`);
      this.login.reject(error);
      this.joining?.done.reject(error);
      this.sink.onError(this, command);
    }
    if (words[0] === 'ERROR') this.fail(new Error(`${this.name}: ${line}`));
  }
}

export const irc: Protocol = {
  connect: (address, name, sink) => new IrcClient(address, name, sink),
};
