import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ClientOptions } from './cli.js';
import { ChatConnection, ConnectError, type Credentials, type LoginResult } from './connection.js';
import { formatEvent, formatTransfer, loggedInAs, palette } from './format.js';
import { hangingRows, MIN_INDENT } from './interactive/layout.js';
import { askSecrets, howToGive, readSecrets, secretArgs, type SecretName, type SecretSources } from './secrets.js';
import { sanitize } from './sanitize.js';
import { backoffMs } from './interactive/reconnect.js';
import { FileProblem, Transfers } from './transfers.js';
import { secureWith } from './trust.js';

export interface ScriptIo {
  input: Readable;
  output: Writable;
  errors: Writable;
}

/**
 * Scripted mode: the first input line is the username (unless --user), every further line a
 * command; events are printed one per line. Resolves to the exit code: 0 after /exit, end of
 * input or an announced server shutdown; 1 when the connection fails or is lost. With
 * --reconnect a lost connection or a restart is waited out, as in interactive mode.
 */
export async function runScripted(options: ClientOptions, io: ScriptIo): Promise<number> {
  const paint = palette(options.color ?? (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0'));
  const terminal = io.output as Partial<NodeJS.WriteStream>;
  const print = (lines: string[]) => {
    if (lines.length === 0) return;
    // A program reading a pipe gets one line per event; on a terminal a long line goes on in
    // indented rows, as in interactive mode, so that no message can pass for a line of its own.
    const rows = terminal.isTTY ? lines.flatMap((line) => hangingRows(line, Math.max(terminal.columns || 80, 2), MIN_INDENT)) : lines;
    io.output.write(`${rows.join('\n')}\n`);
  };
  const lines = createInterface({ input: io.input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };

  let sources: SecretSources;
  try {
    sources = await readSecrets(options.secretFiles, process.env);
  } catch (error) {
    io.errors.write(`chatclient: ${(error as Error).message}\n`);
    return 2;
  }
  const tls = secureWith(options);
  // Scripts written before files were offered first keep working: they take every file.
  const policy = options.acceptFiles ?? 'all';
  const dial = () => ChatConnection.connect({ host: options.host, port: options.port, features: Transfers.features(policy), ...(tls ? { tls } : {}) });
  let connection: ChatConnection;
  try {
    connection = await dial();
  } catch (error) {
    io.errors.write(`chatclient: ${error instanceof ConnectError ? error.message : String(error)}\n`);
    return 1;
  }
  let settle!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (settle = resolve));
  let loggedIn = false;
  /** Resolved while connected; lines read while reconnecting wait for it (--reconnect). */
  let online = Promise.resolve();
  const watch = (watched: ChatConnection) =>
    watched.on('close', (info) => {
      if (watched !== connection) return;
      if (options.reconnect && loggedIn && (info.how === 'lost' || info.shutdown)) return void comeBack(info);
      if (info.how === 'lost') {
        io.errors.write(`chatclient: connection to ${watched.address} lost\n`);
        settle(1);
      } else {
        if (info.how === 'bye' && info.reason !== 'goodbye') print([`* disconnected: ${info.reason}`]);
        settle(0);
      }
    });
  watch(connection);

  const name = options.user ?? (await nextLine());
  if (name === undefined) {
    io.errors.write('chatclient: no username given (the first input line is the username)\n');
    await connection.close();
    return 1;
  }
  const login = await logIn(connection, name.trim(), sources, print);
  if (!login.ok) {
    await connection.close();
    return 1;
  }
  print([`* logged in as ${loggedInAs(login)}`]);
  loggedIn = true;
  let transfers!: Transfers;
  const attach = () => {
    const current = connection;
    // Transfers hear each event first: what they make of it ("bob accepted …") comes before its own line.
    transfers = new Transfers(current, options.downloads, policy);
    transfers.on('progress', (progress) => print(formatTransfer(progress, paint)));
    current.on('event', (event) => print(formatEvent(event, current.user, paint)));
  };
  attach();

  /** --reconnect: one line per attempt, the same name and secrets, the same room; lines read meanwhile wait. */
  const comeBack = (info: { shutdown: boolean }) => {
    let back!: () => void;
    online = new Promise((resolve) => (back = resolve));
    const { user, room, address } = connection;
    print([info.shutdown ? '* the server is restarting' : `! connection to ${address} lost`]);
    void (async () => {
      for (let attempt = 1; ; attempt++) {
        const wait = backoffMs(attempt);
        print([`* reconnecting in ${Math.ceil(wait / 1000)} s (attempt ${attempt})`]);
        await new Promise((resolve) => setTimeout(resolve, wait));
        let next: ChatConnection;
        try {
          next = await dial();
        } catch {
          continue;
        }
        const again = await logIn(next, user, sources, print);
        if (!again.ok) {
          await next.close();
          return settle(1);
        }
        connection = next;
        watch(next);
        attach();
        if (room !== undefined) next.send(`/join ${room}`);
        print([`* reconnected as ${loggedInAs(again)}${room === undefined ? '' : `; lines sent to ${room} while away are not shown`}`]);
        return back();
      }
    })();
  };

  const sending = (async () => {
    for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
      await online;
      if (connection.closed) return;
      if (line.trim().length === 0) continue;
      const secrets = await scriptedSecrets(connection, line, sources, print);
      if (secrets === 'cancelled') continue;
      await connection.turn();
      if (connection.closed) return;
      try {
        if (transfers.answerLine(line)) continue;
        await transfers.send(line, secrets);
      } catch (error) {
        if (!(error instanceof FileProblem)) throw error;
        print([paint.error(`! ${error.message}`)]);
      }
    }
    await online;
    if (connection.closed) return;
    // End of input: let our transfers finish, then leave the way /exit does (after all else ran).
    await transfers.idle();
    if (connection.closed) return;
    if (connection.command('exit')) connection.send('/exit');
    else await connection.close();
  })().catch((error: Error) => {
    io.errors.write(`chatclient: ${error.stack ?? error.message}\n`);
    void connection.close();
  });
  const code = await closed;
  await Promise.race([sending, Promise.resolve()]);
  return code;
}

/** What each refusal flag asks for; a one-time password is sent again beside its replacement. */
const NEEDED: [flag: 'needsServerPassword' | 'needsPassword' | 'needsNewPassword', secrets: SecretName[]][] = [
  ['needsServerPassword', ['serverPassword']],
  ['needsPassword', ['password']],
  ['needsNewPassword', ['password', 'newPassword']],
];

const WHAT: Record<SecretName, string> = {
  serverPassword: "the server's password",
  password: "the account's password",
  newPassword: 'a new password (the account has a one-time password)',
};

/**
 * Logs in, adding each secret the server asks for from the sources given (each sent once: the
 * same one refused again is not retried). Prints why a refusal is final, and what was missing.
 */
async function logIn(connection: ChatConnection, name: string, sources: SecretSources, print: (lines: string[]) => void): Promise<LoginResult> {
  const credentials: Credentials = {};
  for (;;) {
    const result: LoginResult = await connection.login(name, credentials).catch((error: Error) => ({ ok: false, reason: error.message, attemptsLeft: 0 }));
    if (result.ok) return result;
    const asked = NEEDED.filter(([flag]) => result[flag]).flatMap(([, secrets]) => secrets);
    const fresh = [...new Set(asked)].filter((secret) => credentials[secret] === undefined);
    const missing = fresh.filter((secret) => sources[secret] === undefined);
    if (fresh.length === 0 || missing.length > 0 || result.attemptsLeft <= 0) {
      print([`! login refused: ${sanitize(result.reason)}`, ...missing.map((secret) => `! ${WHAT[secret]} is needed: give it with ${howToGive(secret)}`)]);
      return result;
    }
    for (const secret of fresh) credentials[secret] = sources[secret];
  }
}

/** A command's secret arguments from the sources: a `confirm` one (a new password) from the new password's. */
async function scriptedSecrets(connection: ChatConnection, line: string, sources: SecretSources, print: (lines: string[]) => void) {
  const { command, args } = secretArgs(connection, line);
  return askSecrets(args, async (spec) => {
    const source: SecretName = spec.confirm ? 'newPassword' : 'password';
    const value = sources[source];
    if (value !== undefined || spec.optional) return value ?? '';
    print([`! ${sanitize(command)} needs <${sanitize(spec.name)}>, a secret given apart from the line: give it with ${howToGive(source)}; not sent`]);
    return undefined;
  });
}
