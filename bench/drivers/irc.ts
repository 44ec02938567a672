import { connect, type Socket } from 'node:net';
import { deferred, type Address, type Deferred, type Client, type Protocol, type Sink } from './types.js';

/**
 * The least IRC a chat benchmark needs (RFC 2812): NICK/USER, JOIN, PRIVMSG to a channel or a
 * nick, PING/PONG. Rooms become channels `#room`. TCP_NODELAY is on for the same reason as ours.
 */
class IrcClient implements Client {
  private readonly socket: Socket;
  private readonly login = deferred();
  private join_?: { channel: string; done: Deferred };
  private channel = '';
  private partial = '';
  private readonly prefix: string;

  constructor(
    address: Address,
    readonly name: string,
    private readonly sink: Sink,
  ) {
    this.prefix = `:${name}!`;
    this.socket = connect({ host: address.host, port: address.port, noDelay: true });
    this.socket.setEncoding('latin1');
    this.socket.on('connect', () => this.socket.write(`NICK ${name}\r\nUSER ${name} 0 * :${name}\r\n`));
    this.socket.on('data', (text: string) => this.data(text));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error(`${name}: connection closed`)));
  }

  get ready(): Promise<void> {
    return this.login.promise;
  }

  join(room: string): Promise<void> {
    this.channel = `#${room}`;
    this.join_ = { channel: this.channel.toLowerCase(), done: deferred() };
    this.socket.write(`JOIN ${this.channel}\r\n`);
    return this.join_.done.promise;
  }

  say(text: string): void {
    this.socket.write(`PRIVMSG ${this.channel} :${text}\r\n`);
  }

  whisper(to: string, text: string): void {
    this.socket.write(`PRIVMSG ${to} :${text}\r\n`);
  }

  close(): void {
    this.socket.destroy();
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
    if (command === 'JOIN' && line.startsWith(this.prefix) && this.join_) {
      const channel = words[2]!.replace(/^:/, '').toLowerCase();
      if (channel === this.join_.channel) this.join_.done.resolve();
      return;
    }
    // Numeric replies 400-599 are errors (433 nick in use, 401 no such nick, 471 channel full...).
    if (command && /^[45]\d\d$/.test(command)) {
      const error = new Error(`${this.name}: ${line}`);
      this.login.reject(error);
      this.join_?.done.reject(error);
      this.sink.onError(this, command);
    }
    if (words[0] === 'ERROR') this.fail(new Error(`${this.name}: ${line}`));
  }

  private fail(error: Error): void {
    this.login.reject(error);
    this.join_?.done.reject(error);
    this.socket.destroy();
  }
}

export const irc: Protocol = {
  name: 'irc',
  connect: (address, name, sink) => new IrcClient(address, name, sink),
};
