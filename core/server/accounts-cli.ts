import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgv } from '../argv.js';
import { DEFAULTS } from '../config.js';
import { usernameProblem } from '../protocol/rules.js';
import { StartupError } from '../errors.js';
import { openAccounts, type AccountsConfig } from '../services/accounts/open.js';
import { redact } from '../services/redis/redact.js';
import { networkArgs } from './network-args.js';
import { passwordProblem } from '../services/accounts/password-hash.js';
import { importRoster, parseRoster } from '../services/accounts/roster.js';
import { ROLES, type Accounts, type Role } from '../tokens.js';
import { hiddenPrompt } from './hidden-prompt.js';

const PROGRAM = 'chatserver accounts';
const PASSWORD_ENV = 'CHATSERVER_ACCOUNT_PASSWORD';

/** What the user asked for cannot be done: one line on stderr, exit code 1. */
class Refused extends Error {}

interface Flag {
  type: 'string' | 'boolean';
  arg?: string;
  help: string;
  short?: string;
}

type Values = Record<string, string | boolean | undefined>;

interface Subcommand {
  /** The positional arguments, by the names the usage shows. */
  args: string[];
  summary: string;
  flags: Record<string, Flag>;
  run(accounts: Accounts, args: string[], values: Values): Promise<number>;
}

const COMMON: Record<string, Flag> = {
  'state-dir': { type: 'string', arg: 'DIR', help: `the server's state folder, which keeps the accounts (default ${DEFAULTS.stateDir})` },
  // A network keeps its accounts in Redis: the same flags (and environment) as its nodes.
  'redis-url-file': { type: 'string', arg: 'FILE', help: "a network's accounts: the Redis URL from the first line of FILE (or $CHATSERVER_REDIS_URL)" },
  'network-secret-file': { type: 'string', arg: 'FILE', help: "the network's secret, which signs its accounts (or $CHATSERVER_NETWORK_SECRET)" },
  'redis-ca': { type: 'string', arg: 'FILE', help: "trust this CA for a rediss:// Redis's certificate" },
  'redis-cert': { type: 'string', arg: 'FILE', help: 'client certificate for a rediss:// Redis' },
  'redis-key': { type: 'string', arg: 'FILE', help: 'the private key of --redis-cert' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};
const PASSWORD_FILE: Flag = { type: 'string', arg: 'FILE', help: `read the password from the first line of FILE, not the terminal (or set $${PASSWORD_ENV})` };

const SUBCOMMANDS: Record<string, Subcommand> = {
  add: {
    args: ['NAME'],
    summary: 'register NAME; the password is asked twice, hidden',
    flags: { role: { type: 'string', arg: 'ROLE', help: `give the account a role: ${ROLES.join(' or ')}` }, 'password-file': PASSWORD_FILE },
    async run(accounts, [name], values) {
      const problem = usernameProblem(name!, DEFAULTS.usernameMax);
      if (problem) throw new Refused(problem);
      const role = values.role === undefined ? undefined : roleArg(values.role as string, false);
      const taken = await accounts.find(name!);
      if (taken) throw new Refused(`'${taken.name}' is already registered (change its password with: ${PROGRAM} passwd ${taken.name})`);
      if (!(await accounts.add(name!, await newPassword(values), { role }))) throw new Refused(`'${name}' is already registered`);
      say(`added '${name}'${role ? ` (${role})` : ''}`);
      return 0;
    },
  },
  passwd: {
    args: ['NAME'],
    summary: "set NAME's password (which then need not be changed at login)",
    flags: { 'password-file': PASSWORD_FILE },
    async run(accounts, [name], values) {
      const account = await existing(accounts, name!);
      if (!(await accounts.setPassword(account, await newPassword(values)))) throw new Refused(`there is no account '${name}'`);
      say(`set the password of '${account}'`);
      return 0;
    },
  },
  remove: {
    args: ['NAME'],
    summary: "delete NAME's account (the name becomes free for anyone)",
    flags: {},
    async run(accounts, [name]) {
      const account = await existing(accounts, name!);
      if (!(await accounts.remove(account))) throw new Refused(`there is no account '${name}'`);
      say(`removed '${account}'`);
      return 0;
    },
  },
  role: {
    args: ['NAME', 'ROLE'],
    summary: `give NAME a role: ${ROLES.join(', ')} or none`,
    flags: {},
    async run(accounts, [name, roleText]) {
      const role = roleArg(roleText!, true);
      const account = await existing(accounts, name!);
      if (!(await accounts.setRole(account, role))) throw new Refused(`there is no account '${name}'`);
      say(`'${account}' is now ${role ?? 'without a role'}`);
      return 0;
    },
  },
  list: {
    args: [],
    summary: 'show the accounts: name, role, whether the password is one-time, when registered',
    flags: {},
    async run(accounts) {
      const rows = (await accounts.list()).map((a) => [a.name, a.role ?? '', a.mustChange ? 'yes' : '', new Date(a.created).toISOString().slice(0, 10)]);
      say(rows.length === 0 ? 'no accounts yet' : table([['NAME', 'ROLE', 'MUST CHANGE PASSWORD', 'CREATED'], ...rows]));
      return 0;
    },
  },
  import: {
    args: ['FILE'],
    summary: "register a class list (CSV, header 'name,role'; role may be empty) with one-time passwords, printed as name,password",
    flags: { out: { type: 'string', arg: 'FILE', help: 'write the names and passwords to FILE (a new file, readable only by you) instead of stdout' } },
    async run(accounts, [file], values) {
      const { rows, problems } = roster(file!);
      // Opened before any account exists, so that a bad --out cannot lose the passwords.
      const fd = values.out === undefined ? undefined : createPrivate(values.out as string);
      const write = (line: string) => void (fd === undefined ? process.stdout.write(`${line}\n`) : writeSync(fd, `${line}\n`));
      let count = 0;
      write('name,password');
      try {
        const taken = await importRoster(accounts, rows, (name, password) => {
          count++;
          write(`${name},${password}`);
        });
        problems.push(...taken);
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      const failed = problems.sort((a, b) => a.line - b.line);
      for (const { line, problem } of failed) process.stderr.write(`${file}, line ${line}: ${problem}\n`);
      const where = values.out === undefined ? '' : `; their passwords are in ${values.out}`;
      process.stderr.write(`created ${count} account${count === 1 ? '' : 's'}${where}; ${failed.length} row${failed.length === 1 ? '' : 's'} failed\n`);
      return failed.length === 0 ? 0 : 1;
    },
  },
};

/** Where the accounts are: the state folder, or a network's Redis (checked as the server checks it). */
function storeConfig(values: Values): AccountsConfig {
  const file = (flag: string) => (values[flag] === undefined ? null : resolve(values[flag] as string));
  const config = {
    ...DEFAULTS,
    stateDir: resolve((values['state-dir'] as string | undefined) ?? DEFAULTS.stateDir),
    redisCa: file('redis-ca'),
    redisCert: file('redis-cert'),
    redisKey: file('redis-key'),
  };
  try {
    for (const warning of networkArgs(values, process.env, config)) process.stderr.write(`${PROGRAM}: ${warning}\n`);
  } catch (error) {
    if (error instanceof StartupError) throw new Refused(error.message);
    throw error;
  }
  return config;
}

/** `chatserver accounts ...`: returns the exit code. */
export async function runAccountsCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help') {
    (name === undefined ? process.stderr : process.stdout).write(`${accountsUsage()}\n`);
    return name === undefined ? 1 : 0;
  }
  const subcommand = SUBCOMMANDS[name];
  try {
    if (!subcommand && name.startsWith('-')) throw new Refused(`the subcommand comes first, then its options: ${PROGRAM} SUBCOMMAND [options] (see ${PROGRAM} --help)`);
    if (!subcommand) throw new Refused(`unknown subcommand '${name}' (see ${PROGRAM} --help)`);
    const flags = { ...subcommand.flags, ...COMMON };
    const options = Object.fromEntries(Object.entries(flags).map(([n, f]) => [n, { type: f.type, ...(f.short ? { short: f.short } : {}) }]));
    const { values, positionals } = parseArgv(rest, options, `${PROGRAM} ${name}`, (message) => new Refused(message));
    if (values.help) {
      process.stdout.write(`${subcommandUsage(name, subcommand)}\n`);
      return 0;
    }
    if (positionals.length !== subcommand.args.length) {
      throw new Refused(`usage: ${PROGRAM} ${name} ${[...subcommand.args, '[options]'].join(' ')} (see ${PROGRAM} ${name} --help)`);
    }
    const config = storeConfig(values);
    const where = config.redisUrl ? redact(config.redisUrl, config.redisUrl) : config.stateDir;
    const accounts = await openAccounts(config).catch((error: Error) => {
      throw new Refused(`cannot open the accounts in ${where}: ${error.message}`);
    });
    try {
      return await subcommand.run(accounts, positionals, values as Values);
    } finally {
      await accounts.close();
    }
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    process.stderr.write(`${PROGRAM}: ${error.message}\n`);
    return 1;
  }
}

export function accountsUsage(): string {
  const commands = Object.entries(SUBCOMMANDS).map(([name, s]) => [`  ${[name, ...s.args].join(' ')}`, s.summary] as const);
  const users = new Map<string, { flag: Flag; by: string[] }>();
  for (const [name, s] of Object.entries(SUBCOMMANDS)) {
    for (const [flag, f] of Object.entries(s.flags)) users.set(flag, { flag: f, by: [...(users.get(flag)?.by ?? []), name] });
  }
  const options = [...[...users].map(([n, u]) => flagRow(n, u.flag, ` (${u.by.join(', ')})`)), ...Object.entries(COMMON).map(([n, f]) => flagRow(n, f, ''))];
  return [
    `usage: ${PROGRAM} SUBCOMMAND [options]`,
    '',
    'Manages the registered names of the server in --state-dir: their passwords and roles.',
    'A running server sees the changes at the next login.',
    '',
    'subcommands:',
    ...columns(commands),
    '',
    'options:',
    ...columns(options),
  ].join('\n');
}

function subcommandUsage(name: string, s: Subcommand): string {
  const options = Object.entries({ ...s.flags, ...COMMON }).map(([n, f]) => flagRow(n, f, ''));
  return [`usage: ${PROGRAM} ${[name, ...s.args, '[options]'].join(' ')}`, '', `${s.summary[0]!.toUpperCase()}${s.summary.slice(1)}.`, '', 'options:', ...columns(options)].join('\n');
}

const flagRow = (name: string, f: Flag, suffix: string) => [`  ${f.short ? `-${f.short}, ` : ''}--${name}${f.arg ? ` ${f.arg}` : ''}`, f.help + suffix] as const;

function columns(rows: (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, h]) => l.padEnd(width) + h);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const say = (line: string) => void process.stdout.write(`${line}\n`);

function roleArg(text: string, noneAllowed: boolean): Role | undefined {
  if (noneAllowed && text === 'none') return undefined;
  if (ROLES.includes(text as Role)) return text as Role;
  throw new Refused(`role '${text}' is not one of ${[...ROLES, ...(noneAllowed ? ['none'] : [])].join(', ')}`);
}

/** The registered spelling of `name`. */
async function existing(accounts: Accounts, name: string): Promise<string> {
  const account = await accounts.find(name);
  if (!account) throw new Refused(`there is no account '${name}'`);
  return account.name;
}

/** From --password-file, $CHATSERVER_ACCOUNT_PASSWORD, or typed twice; never echoed or printed. */
async function newPassword(values: Values): Promise<string> {
  const file = values['password-file'] as string | undefined;
  const password = file !== undefined ? readText(file).split(/\r?\n/)[0]! : (process.env[PASSWORD_ENV] ?? (await typedTwice()));
  const problem = passwordProblem(password);
  if (problem) throw new Refused(problem);
  return password;
}

async function typedTwice(): Promise<string> {
  if (!process.stdin.isTTY) throw new Refused(`standard input is not a terminal to type the password in: give --password-file FILE or set $${PASSWORD_ENV}`);
  const prompt = hiddenPrompt();
  const ask = async (question: string) => {
    const reply = await prompt.ask(question);
    if ('ended' in reply) throw new Refused(reply.ended === 'cancelled' ? 'cancelled' : 'no password given');
    return reply.answer;
  };
  try {
    const first = await ask('password: ');
    const problem = passwordProblem(first);
    if (problem) throw new Refused(problem);
    if ((await ask('again: ')) !== first) throw new Refused('the two passwords differ; nothing was changed');
    return first;
  } finally {
    prompt.close();
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Refused(`cannot read ${file}: ${fileProblem(error)}`);
  }
}

function roster(file: string): ReturnType<typeof parseRoster> {
  const text = readText(file);
  try {
    return parseRoster(text, DEFAULTS.usernameMax);
  } catch (error) {
    throw new Refused(`${file}: ${(error as Error).message}`);
  }
}

/** A new file only its owner can read: refusing to overwrite keeps an earlier batch's passwords. */
function createPrivate(file: string): number {
  try {
    return openSync(file, 'wx', 0o600);
  } catch (error) {
    throw new Refused(`cannot create ${file}: ${fileProblem(error)}`);
  }
}

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EEXIST' ? 'it exists already (remove it or choose another name)' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
}
