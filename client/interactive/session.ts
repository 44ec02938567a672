import Enquirer from 'enquirer';
import { classifyLine } from '../../core/protocol/command-line.js';
import { usernameProblem } from '../../core/protocol/rules.js';
import type { ServerMessage } from '../../core/protocol/messages.js';
import { passwordProblem } from '../../core/services/accounts/password-hash.js';
import type { ClientOptions } from '../cli.js';
import { ChatConnection, ConnectError, type CloseInfo, type Credentials, type LoginResult, type TlsConnectOptions } from '../connection.js';
import { attention, formatEvent, formatTransfer, loggedInAs, palette, STAMP_COLUMNS, stamped, type Palette } from '../format.js';
import { sanitize } from '../sanitize.js';
import { askSecrets, secretArgs } from '../secrets.js';
import { historyFile, historyWriter, readHistory } from './history-file.js';
import { CONSENT_COMMANDS } from '../consent.js';
import { FileProblem, Transfers, type PendingOffer, type TransferProgress } from '../transfers.js';
import { secureWith } from '../trust.js';
import { ChatPrompt } from './chat-prompt.js';
import { choiceRows, Completer } from './completer.js';
import { routeConsole } from './console-route.js';
import { displayWidth } from './layout.js';
import { LineQueue } from './line-queue.js';
import { PathCandidates } from './paths.js';
import { Presence } from './presence.js';
import { ProgressBoard } from './progress.js';
import { backoffMs, Countdown, countdownText } from './reconnect.js';

export interface TerminalIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * Interactive mode (stdin is a terminal). A lost connection or an announced restart is waited
 * out: the client reconnects with backoff and logs in again. Resolves to the exit code: 0 after
 * /exit, Ctrl+C or Ctrl+D; 1 when connecting or logging in fails, when the user gives up
 * reconnecting, or when the server ends the connection for any other reason.
 */
export async function runInteractive(options: ClientOptions, io: TerminalIo): Promise<number> {
  const colour = options.color ?? (io.stdout.isTTY === true && io.stdout.hasColors());
  // On a terminal, a file is offered first unless the user said otherwise.
  const acceptFiles = options.acceptFiles ?? 'ask';
  options = { ...options, acceptFiles };
  const dial = (tls: TlsConnectOptions | undefined) => () =>
    ChatConnection.connect({ host: options.host, port: options.port, features: Transfers.features(acceptFiles), ...(tls ? { tls } : {}) });
  let connection: ChatConnection;
  try {
    connection = await dial(secureWith(options, (question) => confirm(question, io)))();
  } catch (error) {
    io.stderr.write(`chatclient: ${error instanceof ConnectError ? error.message : String(error)}\n`);
    return 1;
  }
  // Coming back, nothing is asked: a certificate that needs a yes now is refused, and reconnecting stops.
  const redial = dial(secureWith(options, async () => false));
  return new InteractiveSession(connection, redial, new ChatPrompt(io.stdin, io.stdout), palette(colour), options).run();
}

/** A y/n question before the chat prompt starts (enquirer's Confirm; Ctrl+C answers no). */
async function confirm(question: string, io: TerminalIo): Promise<boolean> {
  const { Confirm } = Enquirer as unknown as { Confirm: new (options: object) => { run(): Promise<boolean> } };
  return new Confirm({ name: 'trust', message: question, initial: false, stdin: io.stdin, stdout: io.stdout }).run().catch(() => false);
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Resolves once the work already started (promise callbacks) has run: the session has set up what comes next. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

class InteractiveSession {
  private readonly lines = new LineQueue();
  /** Lines sent without their optional secrets, by request id: asked for if the server says it needs them. */
  private readonly withoutOptional = new Map<number, string>();
  /** Lines to send again, this time asking for their optional secrets too. */
  private readonly askOptional = new Set<string>();
  private readonly board = new ProgressBoard();
  private readonly completer: Completer;
  private readonly presence: Presence;
  private loggedIn = false;
  /** The files waiting for our answer, once logged in. */
  private offers: () => PendingOffer[] = () => [];
  private leaving = false;
  private progressShown = '';
  private progressTimer: NodeJS.Timeout | undefined;
  /** The server's password once given: asked for once per run, and sent with every later login. */
  private serverPassword: string | undefined;
  private finish!: (result: { code: number; lines: string[] }) => void;
  private readonly ended = new Promise<{ code: number; lines: string[] }>((resolve) => (this.finish = resolve));

  /** What the session gives back to the user after a reconnect: the name, the credentials it logged in with (memory only), the room. */
  private credentials: Credentials = {};
  private readonly countdown = new Countdown();
  /** Resolved while connected and logged in; lines typed while reconnecting wait for it. */
  private online: Promise<void> = Promise.resolve();
  private backOnline: () => void = () => {};
  private reconnecting = false;
  private lostWithoutWord = false;
  private waitingLines = 0;
  private transfers: Transfers | undefined;

  constructor(
    private connection: ChatConnection,
    private readonly redial: () => Promise<ChatConnection>,
    private readonly prompt: ChatPrompt,
    private readonly p: Palette,
    private readonly options: ClientOptions,
  ) {
    this.presence = new Presence((what) => this.connection.query(what));
    const paths = new PathCandidates(process.cwd(), () => this.connection.welcome.limits.fileTypes);
    this.completer = new Completer({
      commands: () => [...this.connection.welcome.commands, ...CONSENT_COMMANDS],
      offers: () => this.offers().flatMap((o) => [o.name, o.from]),
      users: () => this.presence.get('users'),
      rooms: () => this.presence.get('rooms'),
      files: (prefix) => paths.candidates(prefix),
      self: () => this.connection.user,
    });
  }

  async run(): Promise<number> {
    const { prompt, connection } = this;
    const leave = () => this.leave();
    const restoreTerminal = () => prompt.finish();
    const ignore = () => {};
    // A terminal that goes away (its window closed) fails reads and writes: leave quietly.
    prompt.stdout.on('error', ignore);
    prompt.stdin.on('error', ignore);
    prompt.stdin.on('end', leave);
    for (const signal of SIGNALS) process.on(signal, leave);
    process.once('exit', restoreTerminal);
    const restoreConsole = routeConsole((lines) => prompt.print(lines));
    prompt.on('line', (line) => {
      if (this.reconnecting && !this.keptForLater(line)) return;
      this.lines.push(line);
      // Keys typed behind a name (before login) or a command with secrets wait for what comes
      // next: if that is a password prompt they go in hidden, never onto a line of their own.
      if (!this.loggedIn || secretArgs(this.connection, line).args.length > 0) prompt.hold(nextTurn());
    });
    prompt.on('exit', leave);
    prompt.on('tab', (reverse) => prompt.hold(this.tab(reverse)));
    prompt.on('edit', () => {
      this.completer.reset();
      this.countdown.skip(); // any key retries now
    });
    connection.on('close', (info) => this.closed(connection, info));
    const server = sanitize(connection.welcome.server);
    this.print([this.p.notice(`* connected to ${server} at ${connection.address}; type /help for the commands, Ctrl+D to leave`)]);
    prompt.start();

    void this.converse().catch((error: Error) => this.finish({ code: 1, lines: [this.p.error(`! ${error.stack ?? error.message}`)] }));
    const { code, lines } = await this.ended;

    this.lines.close();
    clearInterval(this.progressTimer);
    prompt.finish(lines);
    restoreConsole();
    process.off('exit', restoreTerminal);
    for (const signal of SIGNALS) process.off(signal, leave);
    prompt.stdout.off('error', ignore);
    prompt.stdin.off('error', ignore);
    prompt.stdin.off('end', leave);
    this.countdown.skip();
    if (!this.connection.closed) await this.connection.close();
    return code;
  }

  private async converse(): Promise<void> {
    if (!(await this.login())) return;
    this.loggedIn = true;
    this.prompt.recordHistory = true;
    // What was typed to this server before comes back with Up and Ctrl+R, and what is typed now is kept.
    const file = historyFile(this.options.host, this.options.port);
    this.prompt.history.load(readHistory(file, this.prompt.history.limit));
    this.prompt.history.kept = historyWriter(file);
    this.attach();
    for (let line = await this.lines.next(); line !== undefined; line = await this.lines.next()) {
      await this.online;
      const transfers = this.transfers!;
      if (line.trim().length === 0) continue;
      if (classifyLine(line).kind === 'command') this.printAt(Date.now(), [this.p.dim(`> ${line}`)]);
      if (this.answered(transfers, line)) continue;
      const all = this.askOptional.delete(line);
      const secrets = await this.commandSecrets(line, all);
      if (secrets === 'cancelled') continue;
      await this.connection.turn(); // a paste goes out at the server's pace, not refused past its burst
      try {
        const id = await transfers.send(line, secrets);
        if (!all && secretArgs(this.connection, line).args.some((a) => a.optional)) this.remember(id, line);
      } catch (error) {
        if (!(error instanceof FileProblem)) throw error;
        this.printAt(Date.now(), [this.p.error(`! ${error.message}`)]);
      }
    }
  }

  /**
   * Waits out a restart or a broken connection: tries again with backoff, logs in as the same
   * user with the same credentials, and goes back into the room. Ends the session when the
   * server will not take us back (a refusal that needs what we do not have, a new certificate).
   */
  private async reconnect(info: CloseInfo): Promise<void> {
    const { p } = this;
    const name = this.connection.user;
    const room = this.connection.room;
    const address = this.connection.address;
    this.reconnecting = true;
    this.lostWithoutWord = !info.shutdown;
    this.online = new Promise((resolve) => (this.backOnline = resolve));
    this.presence.forget();
    this.print([info.shutdown ? p.notice('* the server is restarting; reconnecting…') : p.error(`! connection to ${address} lost; reconnecting…`)]);
    let refusals = 0;
    for (let attempt = 1; !this.leaving; attempt++) {
      await this.countdown.wait(backoffMs(attempt), (left) => this.prompt.setHint([{ text: countdownText(left, attempt), style: p.dim }]));
      if (this.leaving) return;
      this.prompt.setHint([{ text: `reconnecting… (attempt ${attempt})`, style: p.dim }]);
      let connection: ChatConnection;
      try {
        connection = await this.redial();
      } catch (error) {
        const why = error instanceof ConnectError ? error.message : String(error);
        // A certificate that is not the one trusted is never waited out.
        if (/certificate|fingerprint/i.test(why)) return this.finish({ code: 1, lines: [p.error(`! ${sanitize(why)}; not reconnecting`)] });
        continue;
      }
      if (this.leaving) return void connection.close();
      const result = await connection.login(name, this.credentials).catch(() => undefined);
      if (!result) continue;
      if (!result.ok) {
        void connection.close();
        const final = result.needsPassword || result.needsNewPassword || result.needsServerPassword || ++refusals >= RELOGIN_TRIES;
        if (final) return this.finish({ code: 1, lines: [p.error(`! could not log in again as ${sanitize(name)}: ${sanitize(result.reason)}`)] });
        continue;
      }
      return this.back(connection, room);
    }
  }

  private async back(connection: ChatConnection, room: string | undefined): Promise<void> {
    this.connection = connection;
    connection.on('close', (info) => this.closed(connection, info));
    this.attach();
    if (room !== undefined) {
      const id = connection.send(`/join ${room}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, 10_000);
        function finish() {
          clearTimeout(timer);
          connection.off('event', answered);
          resolve();
        }
        const answered = (event: ServerMessage) => {
          if ((event.t === 'joined' && event.user === connection.user) || (event.t === 'error' && event.re === id)) finish();
        };
        connection.on('event', answered);
        connection.on('close', finish);
      });
      if (connection.closed) return; // lost again: the next reconnect is under way
    }
    this.reconnecting = false;
    this.waitingLines = 0;
    this.prompt.setHint([]);
    this.updateLabel();
    const missed = connection.room === undefined ? '' : `; lines sent to ${sanitize(connection.room)} while you were away are not shown`;
    this.print([this.p.notice(`* reconnected as ${sanitize(connection.user)}${missed}`)]);
    this.backOnline();
  }

  /** What a logged-in connection brings: its events on the screen, and file transfers. */
  private attach(): void {
    // Transfers hear each event first: what they make of it ("bob accepted …") comes before its own line.
    const transfers = new Transfers(this.connection, this.options.downloads, this.options.acceptFiles);
    this.transfers = transfers;
    this.offers = () => transfers.pending();
    transfers.on('progress', (progress) => this.progress(progress));
    this.connection.on('event', (event) => this.show(event));
  }

  /**
   * A line typed while reconnecting waits to be sent once back (in order); past a few, it stays
   * on the prompt instead, so nothing typed is lost. False when it was kept on the prompt.
   */
  private keptForLater(line: string): boolean {
    if (line.trim().length === 0) return false;
    if (this.waitingLines >= MAX_WAITING_LINES) {
      this.prompt.replace(line);
      this.print([this.p.error(`! not connected, and ${MAX_WAITING_LINES} lines are already waiting; this one stays on the prompt`)]);
      return false;
    }
    this.waitingLines++;
    this.printAt(Date.now(), [this.p.notice(`* not connected: "${sanitize(line.length > 40 ? `${line.slice(0, 40)}…` : line)}" is sent once reconnected`)]);
    return true;
  }

  /** Runs /accept and /decline here: the offers they answer are this client's. */
  private answered(transfers: Transfers, line: string): boolean {
    try {
      return transfers.answerLine(line);
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      this.printAt(Date.now(), [this.p.error(`! ${error.message}`)]);
      return true;
    }
  }

  /** Asks for a username until the server takes one. False when the session ended first. */
  private async login(): Promise<boolean> {
    const { connection, p } = this;
    let name = this.options.user;
    for (;;) {
      if (name === undefined) {
        this.prompt.setLabel(() => 'username: ');
        name = await this.lines.next();
        if (name === undefined) return false;
      }
      name = name.trim();
      const problem = usernameProblem(name, connection.welcome.limits.usernameMax);
      if (problem) {
        this.print([p.error(`! ${problem}; try another`)]);
        name = undefined;
        continue;
      }
      const taken = await this.logInAs(name);
      if (taken !== false) return taken === true;
      name = undefined;
    }
  }

  /**
   * Logs in as `name`, asking for what each refusal wants (the server's password, the account's,
   * a new one). True once logged in, false to try another name, undefined when the session ended.
   */
  private async logInAs(name: string): Promise<boolean | undefined> {
    const credentials: Credentials = this.serverPassword === undefined ? {} : { serverPassword: this.serverPassword };
    for (;;) {
      const answer = this.connection.login(name, credentials).catch(() => undefined);
      // Until the answer is in and what it asks for is on the prompt.
      this.prompt.hold(answer.then(nextTurn));
      const result = await answer;
      if (!result) return undefined;
      if (result.ok) {
        this.credentials = { ...credentials, ...(credentials.newPassword ? { password: credentials.newPassword, newPassword: undefined } : {}) };
        this.updateLabel();
        this.print([this.p.notice(`* logged in as ${loggedInAs(result)}; /join a room to start talking`)]);
        return true;
      }
      // The server asking for what was not given yet is no mistake: a notice, not an error.
      if (asksOnly(result, credentials)) this.print([this.p.notice(`* ${sanitize(result.reason)}`)]);
      else {
        const left = result.attemptsLeft > 0 ? ` (${result.attemptsLeft} ${result.attemptsLeft === 1 ? 'try' : 'tries'} left)` : '';
        this.print([this.p.error(`! ${sanitize(result.reason)}${left}`)]);
      }
      // The last refusal ends the connection: the session ends with it.
      if (result.attemptsLeft <= 0) return undefined;
      if (!(await this.askCredentials(name, result, credentials))) return false;
    }
  }

  /** Asks for what a refusal wants, into `credentials`. False when it wants none, or the user gave up (Escape). */
  private async askCredentials(name: string, refusal: LoginResult & { ok: false }, credentials: Credentials): Promise<boolean> {
    if (!refusal.needsServerPassword && !refusal.needsPassword && !refusal.needsNewPassword) return false;
    if (refusal.needsServerPassword) {
      const password = await this.askSecret('server password: ');
      if (password === undefined) return false;
      credentials.serverPassword = this.serverPassword = password;
    }
    // A one-time password was right: it is sent again beside its replacement, not asked for again.
    if (refusal.needsNewPassword ? credentials.password === undefined : refusal.needsPassword) {
      const password = await this.askSecret(`password for ${sanitize(name)}: `);
      if (password === undefined) return false;
      credentials.password = password;
    }
    if (refusal.needsNewPassword) {
      this.print([this.p.notice('* type it twice; Escape gives up')]);
      const password = await this.askNew({ label: 'new password', again: 'new password again', problem: passwordProblem });
      if (password === undefined) return false;
      credentials.newPassword = password;
    }
    return true;
  }

  /** A few lines at most: a server that never answers must not make this grow. */
  private remember(id: number, line: string): void {
    if (this.withoutOptional.size >= 16) this.withoutOptional.delete(this.withoutOptional.keys().next().value!);
    this.withoutOptional.set(id, line);
  }

  /**
   * The secret arguments of the command a line runs, asked for one by one; 'cancelled' on
   * Escape. Optional ones only when `all`: `/nick` needs a password only for a registered name,
   * and the server says so (PASSWORD_REQUIRED), upon which the line comes back with `all`.
   */
  private async commandSecrets(line: string, all: boolean): Promise<Record<string, string> | undefined | 'cancelled'> {
    const { command, args } = secretArgs(this.connection, line);
    const secrets = await askSecrets(all ? args : args.filter((a) => !a.optional), (spec) => {
      const label = `${sanitize(spec.description ?? spec.name)}${spec.optional ? ' (Enter if none)' : ''}`;
      return spec.confirm ? this.askNew({ label, again: `${sanitize(spec.name)} again`, optional: spec.optional }) : this.askSecret(`${label}: `, spec.optional);
    });
    if (secrets === 'cancelled') this.printAt(Date.now(), [this.p.notice(`* ${sanitize(command)} cancelled; nothing sent`)]);
    return secrets;
  }

  /** A secret, hidden; asked again while empty unless `optional` (then '' leaves it out). Undefined on Escape. */
  private async askSecret(label: string, optional = false): Promise<string | undefined> {
    for (;;) {
      const secret = await this.prompt.askSecret(label);
      if (secret !== '' || optional) return secret;
      this.print([this.p.error('! nothing typed; type it, or Escape to give up')]);
    }
  }

  /** A new secret, typed twice until both match (and `problem` finds nothing wrong with it). */
  private async askNew(ask: { label: string; again: string; optional?: boolean; problem?: (secret: string) => string | undefined }): Promise<string | undefined> {
    for (;;) {
      const first = await this.askSecret(`${ask.label}: `, ask.optional);
      if (!first) return first;
      const wrong = ask.problem?.(first);
      if (wrong) {
        this.print([this.p.error(`! ${wrong}; try another`)]);
        continue;
      }
      const again = await this.askSecret(`${ask.again}: `);
      if (again === undefined || again === first) return again;
      this.print([this.p.error('! the two did not match; once more')]);
    }
  }


  private show(event: ServerMessage): void {
    if (event.t === 'joined' || event.t === 'left') {
      this.presence.forget();
      if (event.user === this.connection.user) this.updateLabel();
    }
    if (event.t === 'renamed') this.updateLabel();
    if (event.t === 'error' && event.re !== undefined) {
      const line = this.withoutOptional.get(event.re);
      this.withoutOptional.delete(event.re);
      if (line !== undefined && event.code === 'PASSWORD_REQUIRED') {
        this.askOptional.add(line);
        this.lines.push(line);
      }
    }
    const call = attention(event, this.connection.user);
    // The bell goes out before the line, so whoever sees the line has heard it too.
    if (call && this.options.bell) this.prompt.bell();
    const lines = formatEvent(event, this.connection.user, this.p);
    const shown = call === 'mention' ? lines.map(this.p.mention) : lines;
    if (shown.length > 0) this.printAt('ts' in event ? event.ts : Date.now(), shown);
  }

  private progress(progress: TransferProgress): void {
    this.board.update(progress);
    // The progress line goes before the outcome is printed, so the two are never seen together.
    this.refreshProgress();
    const lines = formatTransfer(progress, this.p);
    if (lines.length > 0) this.printAt(Date.now(), lines);
    if (this.board.active && !this.progressTimer) {
      // Redrawn on a timer too: a line is due after half a second even if no bytes moved.
      this.progressTimer = setInterval(() => this.refreshProgress(), 200);
      this.progressTimer.unref();
    } else if (!this.board.active) {
      clearInterval(this.progressTimer);
      this.progressTimer = undefined;
    }
  }

  private refreshProgress(): void {
    const shown = this.board.lines(this.prompt.columns - 1).join('\n');
    if (shown === this.progressShown) return;
    this.progressShown = shown;
    this.prompt.setProgress((width) => this.board.lines(width).map((text) => ({ text, style: this.p.file })));
  }

  private async tab(reverse: boolean): Promise<void> {
    const { prompt } = this;
    if (!this.loggedIn) return prompt.alert();
    const line = prompt.input;
    const cursor = prompt.cursor;
    const result = await this.completer.tab(line, cursor, reverse);
    // The user went on typing while candidates were fetched: that wins.
    if (prompt.input !== line || prompt.cursor !== cursor || !prompt.running) return;
    if (!result.ok) {
      prompt.alert();
      prompt.setHint(result.reason ? [{ text: result.reason, style: this.p.dim }] : []);
      return;
    }
    const rows = result.choices.length > 0 ? choiceRows(result.choices, result.current, prompt.columns - 1) : [];
    prompt.setHint(rows.map((text) => ({ text, style: this.p.dim })));
    prompt.replace(result.line, result.cursor);
  }

  private updateLabel(): void {
    const { connection, p } = this;
    const user = sanitize(connection.user);
    const room = connection.room === undefined ? undefined : sanitize(connection.room);
    this.prompt.setLabel((columns) => {
      const full = room ? `[${room}] ${user}> ` : `${user}> `;
      if (displayWidth(full) <= columns / 2) return room ? `${p.dim('[')}${p.room(room)}${p.dim(']')} ${p.self(user)}> ` : `${p.self(user)}> `;
      if (room && room.length + 3 <= columns / 2) return `${p.dim('[')}${p.room(room)}${p.dim(']')}> `;
      return '> ';
    });
  }

  private print(lines: string[]): void {
    this.prompt.print(lines);
  }

  /** One event's lines behind its time; rows that wrap go on under the text, not the time. */
  private printAt(ts: number, lines: string[]): void {
    this.prompt.print(stamped(lines, ts, this.p), STAMP_COLUMNS);
  }

  /** Ctrl+C, Ctrl+D or a signal: leave the way /exit does; a second time, at once. */
  private leave(): void {
    if (this.reconnecting) {
      this.leaving = true;
      this.countdown.skip();
      // Giving up on a server that said it was stopping is no failure.
      return this.finish({ code: this.lostWithoutWord ? 1 : 0, lines: [this.p.error('! gave up reconnecting')] });
    }
    if (this.leaving || !this.loggedIn || !this.connection.command('exit')) {
      this.leaving = true;
      void this.connection.close();
      return;
    }
    this.leaving = true;
    this.connection.send('/exit');
    setTimeout(() => void this.connection.close(), 2000).unref();
  }

  private closed(connection: ChatConnection, info: CloseInfo): void {
    const { p } = this;
    if (connection !== this.connection) return;
    if (this.leaving || (info.how === 'bye' && info.reason === 'goodbye')) this.finish({ code: 0, lines: [p.notice('* bye')] });
    // A restart or a broken connection is waited out; being sent away by the server is not.
    else if (this.loggedIn && (info.shutdown || info.how === 'lost')) void this.reconnect(info).catch((error: Error) => this.finish({ code: 1, lines: [p.error(`! ${error.stack ?? error.message}`)] }));
    else if (info.shutdown) this.finish({ code: 0, lines: [p.notice('* the server shut down; disconnected')] });
    else if (info.how === 'lost') this.finish({ code: 1, lines: [p.error(`! connection to ${this.connection.address} lost`)] });
    else this.finish({ code: 1, lines: [p.error(`! disconnected by the server: ${sanitize(info.reason)}`)] });
  }
}

/** Lines typed while reconnecting that wait to be sent; more stay on the prompt. */
const MAX_WAITING_LINES = 20;
/** A refusal that asks for nothing (the name still held by our old connection, say) is tried again this often. */
const RELOGIN_TRIES = 6;

/** Whether a refusal only asks for a password the client has not sent yet. */
function asksOnly(refusal: LoginResult & { ok: false }, sent: Credentials): boolean {
  if (refusal.needsNewPassword) return sent.newPassword === undefined;
  if (refusal.needsPassword) return sent.password === undefined && (!refusal.needsServerPassword || sent.serverPassword === undefined);
  return refusal.needsServerPassword === true && sent.serverPassword === undefined;
}
