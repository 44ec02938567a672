import { resolve } from 'node:path';
import { DEFAULTS, type ServerConfig } from '../config.js';
import { parseArgv } from '../argv.js';
import { StartupError } from '../errors.js';
import { given, networkArgs } from './network-args.js';

type Parsed = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: ServerConfig; warnings: string[] };

interface Flag {
  /** ServerConfig field it sets (absent for flags handled by hand). */
  key?: keyof ServerConfig;
  type: 'string' | 'boolean';
  parse?: (text: string, flag: string) => unknown;
  arg?: string;
  help: string;
  multiple?: boolean;
  /** One-letter alias, as most CLIs have for help and version. */
  short?: string;
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string, flag: string): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new StartupError(`--${flag} needs a whole number ${range}, not '${text}'`);
    }
    return n;
  };
}

const seconds = (text: string, flag: string): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new StartupError(`--${flag} needs a number of seconds > 0, not '${text}'`);
  return Math.round(n * 1000);
};

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };
const bytes = (text: string, flag: string): number => {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new StartupError(`--${flag} needs a size such as 3145728, 64KiB or 3MiB, not '${text}'`);
  return Math.floor(Number(m[1]) * unit);
};

const positiveBytes = (text: string, flag: string): number => {
  const n = bytes(text, flag);
  if (n < 1) throw new StartupError(`--${flag} needs at least 1 byte, not '${text}'`);
  return n;
};

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const pluginNames = (text: string, flag: string): string[] => {
  const names = list(text);
  // An empty list would start a server on which no line does anything.
  if (names.length === 0) throw new StartupError(`--${flag} needs at least one command name, such as --${flag} join,leave,broadcast`);
  return names;
};

const fileTypes = (text: string, flag: string): string[] => {
  const types = list(text).map((t) => (t.startsWith('.') ? t : `.${t}`).toLowerCase());
  if (types.length === 0) throw new StartupError(`--${flag} needs at least one extension`);
  return types;
};

const tlsMode = (text: string, flag: string): boolean => {
  if (text !== 'auto') throw new StartupError(`--${flag} takes 'auto' (a self-signed certificate); for your own use --tls-cert and --tls-key`);
  return true;
};

const d = DEFAULTS;
const FLAGS: Record<string, Flag> = {
  port: { key: 'port', type: 'string', parse: integer(0), arg: 'N', help: `port to listen on (also the first argument; default ${d.port})` },
  host: { key: 'host', type: 'string', arg: 'ADDR', help: 'address to listen on (default: all interfaces)' },
  log: { key: 'logFile', type: 'string', arg: 'FILE', help: `action log file (default ${d.logFile})` },
  'no-log-file': { type: 'boolean', help: 'do not write a log file' },
  quiet: { type: 'boolean', help: 'do not copy the log to standard output' },
  'log-messages': { key: 'logMessages', type: 'boolean', help: 'log the text of broadcasts and whispers too' },
  plugins: { key: 'pluginNames', type: 'string', parse: pluginNames, arg: 'A,B', help: 'load only these commands (default: all)' },
  config: { key: 'configFile', type: 'string', parse: (text) => resolve(text), arg: 'FILE', help: 'plugin settings, a section per plugin (.toml or .json)' },
  'plugins-dir': { type: 'string', multiple: true, arg: 'DIR', help: 'also load plugin files from DIR (repeatable)' },
  watch: { key: 'watch', type: 'boolean', help: 'development: reload the plugins when their files change (clients get the new commands)' },
  plugin: { type: 'string', multiple: true, arg: 'NAME', help: 'also load the installed plugin package NAME, or the package folder at a path (repeatable)' },
  'max-username': { key: 'usernameMax', type: 'string', parse: integer(1), arg: 'N', help: `longest username (default ${d.usernameMax})` },
  'max-room-name': { key: 'roomNameMax', type: 'string', parse: integer(1), arg: 'N', help: `longest room name (default ${d.roomNameMax})` },
  'room-capacity': { key: 'roomCapacity', type: 'string', parse: integer(1), arg: 'N', help: `members per room (default ${d.roomCapacity})` },
  'max-message': { key: 'messageMax', type: 'string', parse: integer(1), arg: 'N', help: `characters per message (default ${d.messageMax})` },
  'max-file-size': { key: 'fileMaxBytes', type: 'string', parse: bytes, arg: 'SIZE', help: 'largest file (default 3MiB)' },
  'file-types': { key: 'fileTypes', type: 'string', parse: fileTypes, arg: 'LIST', help: `accepted extensions (default ${d.fileTypes.join(',')})` },
  'upload-slots': { key: 'uploadSlots', type: 'string', parse: integer(1), arg: 'N', help: `uploads in progress at once (default ${d.uploadSlots})` },
  'upload-queue': { key: 'uploadQueue', type: 'string', parse: integer(0), arg: 'N', help: `uploads waiting at most (default ${d.uploadQueue})` },
  'uploads-per-user': { key: 'uploadsPerUser', type: 'string', parse: integer(1), arg: 'N', help: `uploads in progress at once per sender (default ${d.uploadsPerUser})` },
  'queue-per-user': { key: 'queuePerUser', type: 'string', parse: integer(0), arg: 'N', help: `uploads waiting at most per sender (default ${d.queuePerUser})` },
  'upload-stall': { key: 'uploadStallMs', type: 'string', parse: seconds, arg: 'SEC', help: `seconds an upload may move no bytes before it fails (default ${d.uploadStallMs / 1000})` },
  'upload-min-rate': { key: 'uploadMinRate', type: 'string', parse: positiveBytes, arg: 'SIZE', help: 'slowest average upload per second, which sets its deadline (default 16KiB)' },
  'offer-timeout': { key: 'offerTimeoutMs', type: 'string', parse: seconds, arg: 'SEC', help: `seconds a recipient has to accept a file offered to them (default ${d.offerTimeoutMs / 1000})` },
  'offers-per-user': { key: 'offersPerUser', type: 'string', parse: integer(1), arg: 'N', help: `file offers waiting for an answer per recipient and per sender (default ${d.offersPerUser})` },
  'login-attempts': { key: 'loginAttempts', type: 'string', parse: integer(1), arg: 'N', help: `failed logins before disconnect (default ${d.loginAttempts})` },
  'login-timeout': { key: 'loginTimeoutMs', type: 'string', parse: seconds, arg: 'SEC', help: `seconds to log in (default ${d.loginTimeoutMs / 1000})` },
  heartbeat: { key: 'heartbeatMs', type: 'string', parse: seconds, arg: 'SEC', help: `silent seconds before a client counts as dead (default ${d.heartbeatMs / 1000})` },
  'shutdown-grace': { key: 'shutdownGraceMs', type: 'string', parse: seconds, arg: 'SEC', help: `seconds for transfers to finish on shutdown (default ${d.shutdownGraceMs / 1000})` },
  'max-frame': { key: 'maxFrameBytes', type: 'string', parse: bytes, arg: 'SIZE', help: 'largest protocol frame (default 128KiB)' },
  'flood-rate': { key: 'floodRate', type: 'string', parse: integer(0), arg: 'N', help: `commands per second per user, 0 for no limit (default ${d.floodRate})` },
  'flood-burst': { key: 'floodBurst', type: 'string', parse: integer(1), arg: 'N', help: `burst allowance (default ${d.floodBurst})` },
  'frame-rate': { key: 'frameRate', type: 'string', parse: integer(0), arg: 'N', help: `frames of any kind per second per connection, 0 for no limit (default ${d.frameRate})` },
  'frame-burst': { key: 'frameBurst', type: 'string', parse: integer(1), arg: 'N', help: `frames past the rate before "excess flood" disconnects (default ${d.frameBurst})` },
  'byte-rate': { key: 'byteRate', type: 'string', parse: bytes, arg: 'SIZE', help: 'bytes of JSON frames per second per connection, 0 for no limit (default 256KiB)' },
  'byte-burst': { key: 'byteBurst', type: 'string', parse: bytes, arg: 'SIZE', help: 'JSON bytes past the rate before "excess flood" disconnects, at least --max-frame (default 1MiB)' },
  'frame-timeout': { key: 'frameTimeoutMs', type: 'string', parse: seconds, arg: 'SEC', help: `seconds a frame may take to arrive once begun (default ${d.frameTimeoutMs / 1000})` },
  'out-buffer': { key: 'outBufferBytes', type: 'string', parse: bytes, arg: 'SIZE', help: 'unsent bytes per client before it is dropped (default 4MiB)' },
  'output-budget': { key: 'outputBudgetBytes', type: 'string', parse: bytes, arg: 'SIZE', help: 'unsent bytes of all clients together; past it the furthest behind are dropped (default 128MiB)' },
  'command-timeout': { key: 'commandTimeoutMs', type: 'string', parse: seconds, arg: 'SEC', help: `time limit per command (default ${d.commandTimeoutMs / 1000})` },
  'max-connections': { key: 'maxConnections', type: 'string', parse: integer(1), arg: 'N', help: `connections in total (default ${d.maxConnections})` },
  'max-per-address': { key: 'maxConnectionsPerAddress', type: 'string', parse: integer(1), arg: 'N', help: `connections per client network (default ${d.maxConnectionsPerAddress})` },
  'prefix-v4': { key: 'prefixV4', type: 'string', parse: integer(0, 32), arg: 'BITS', help: `an IPv4 client's network is its /BITS (default ${d.prefixV4}; 32: each address)` },
  'prefix-v6': { key: 'prefixV6', type: 'string', parse: integer(0, 128), arg: 'BITS', help: `an IPv6 client's network is its /BITS (default ${d.prefixV6})` },
  'connect-rate': { key: 'connectRate', type: 'string', parse: integer(0), arg: 'N', help: `new connections per second per client network, 0 for no limit (default ${d.connectRate})` },
  'connect-burst': { key: 'connectBurst', type: 'string', parse: integer(1), arg: 'N', help: `new connections at once per client network (default ${d.connectBurst})` },
  redis: {
    type: 'string',
    arg: 'URL',
    help: 'be a node of the network sharing this Redis, e.g. redis://10.0.0.5:6379 (also $CHATSERVER_REDIS_URL, which ps does not show)',
  },
  'redis-url-file': { type: 'string', arg: 'FILE', help: 'read the Redis URL from the first line of FILE (keeps a password out of ps)' },
  'redis-ca': { key: 'redisCa', type: 'string', arg: 'FILE', help: "trust this CA for a rediss:// Redis's certificate (PEM)" },
  'redis-cert': { key: 'redisCert', type: 'string', arg: 'FILE', help: 'client certificate for a rediss:// Redis that asks for one (PEM)' },
  'redis-key': { key: 'redisKey', type: 'string', arg: 'FILE', help: 'the private key of --redis-cert (PEM)' },
  'network-secret': {
    type: 'string',
    arg: 'SECRET',
    help: 'sign what nodes send each other with this shared secret, drop what fails (also $CHATSERVER_NETWORK_SECRET, which ps does not show)',
  },
  'network-secret-file': { type: 'string', arg: 'FILE', help: 'read the network secret from the first line of FILE' },
  workers: { key: 'workers', type: 'string', parse: integer(1), arg: 'N', help: 'run N worker processes on the port, one network through --redis (default: 1 process)' },
  'node-lease': { key: 'nodeLeaseMs', type: 'string', parse: seconds, arg: 'SEC', help: `with --redis: seconds before a silent node's users are dropped; logins wait up to twice this after Redis restarts (default ${d.nodeLeaseMs / 1000})` },
  'tls-cert': { key: 'tlsCert', type: 'string', parse: (text) => resolve(text), arg: 'FILE', help: 'serve TLS on the same port with this certificate (PEM; SIGHUP reloads it)' },
  'tls-key': { key: 'tlsKey', type: 'string', parse: (text) => resolve(text), arg: 'FILE', help: 'the private key of --tls-cert (PEM)' },
  tls: { key: 'tlsAuto', type: 'string', parse: tlsMode, arg: 'auto', help: 'serve TLS with a self-signed certificate made on first start in --state-dir' },
  'require-tls': { key: 'requireTls', type: 'boolean', help: 'refuse connections that do not use TLS' },
  'state-dir': { key: 'stateDir', type: 'string', parse: (text) => resolve(text), arg: 'DIR', help: `where the server keeps its state (default ${d.stateDir})` },
  'password-file': { type: 'string', arg: 'FILE', help: 'every login must give the password on the first line of FILE (also $CHATSERVER_PASSWORD)' },
  'accounts-only': { key: 'accountsOnly', type: 'boolean', help: 'only registered names may log in (an admin adds the accounts)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  version: { type: 'boolean', short: 'v', help: 'show the version' },
};

export function serverUsage(): string {
  const rows = Object.entries(FLAGS).map(([name, f]) => [`  ${f.short ? `-${f.short}, ` : ''}--${name}${f.arg ? ` ${f.arg}` : ''}`, f.help] as const);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [
    'usage: chatserver [port] [options]',
    '       chatserver accounts SUBCOMMAND [options]',
    '',
    'Starts the chat server (default port 5000). Ctrl+C stops it gracefully; a second Ctrl+C forces.',
    "'chatserver accounts' adds, lists and removes registered names, sets their passwords and roles, and",
    'imports a class list with one-time passwords (see chatserver accounts --help).',
    '',
    'options:',
    ...rows.map(([l, h]) => l.padEnd(width) + h),
  ].join('\n');
}

/** Turns chatserver's argv into a config. Throws StartupError with one clear line. */
export function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Parsed {
  const options = Object.fromEntries(Object.entries(FLAGS).map(([n, f]) => [n, { type: f.type, multiple: f.multiple ?? false, ...(f.short ? { short: f.short } : {}) }]));
  const parsed = parseArgv(argv, options, 'chatserver', (message) => new StartupError(message));
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length > 1) throw new StartupError(`unexpected argument '${positionals[1]}' (see chatserver --help)`);
  const config: ServerConfig = { ...DEFAULTS, fileTypes: [...DEFAULTS.fileTypes] };
  const record = config as unknown as Record<string, unknown>;
  if (positionals[0] !== undefined) config.port = integer(0)(positionals[0], 'port');
  for (const [name, flag] of Object.entries(FLAGS)) {
    const value = (values as Record<string, unknown>)[name];
    if (value === undefined || !flag.key) continue;
    record[flag.key] = flag.parse ? flag.parse(value as string, name) : value;
  }
  const warnings = networkArgs(values, env, config);
  const password = given(values, 'password', 'password-file', ['CHATSERVER_PASSWORD'], env);
  if (password !== undefined) {
    if (password.value.length === 0) throw new StartupError(`${password.from} gives an empty server password`);
    config.serverPassword = password.value;
  }
  if (config.workers > 0 && config.redisUrl === null) {
    throw new StartupError('--workers needs --redis: the workers form one network through Redis');
  }
  if (config.byteRate > 0 && config.byteBurst < config.maxFrameBytes) {
    throw new StartupError(`--byte-burst (${config.byteBurst}) must be at least --max-frame (${config.maxFrameBytes}), or the largest frame could never be read`);
  }
  if (config.port > 65535) throw new StartupError(`port ${config.port} is out of range (0-65535)`);
  if ((config.tlsCert === null) !== (config.tlsKey === null)) throw new StartupError('--tls-cert and --tls-key go together: the certificate and its private key');
  if (config.tlsAuto && config.tlsCert) throw new StartupError('--tls auto makes its own certificate: leave out --tls-cert and --tls-key, or --tls auto');
  if (config.requireTls && !config.tlsAuto && !config.tlsCert) throw new StartupError('--require-tls needs TLS: add --tls auto, or --tls-cert and --tls-key');
  if (values['no-log-file']) config.logFile = null;
  if (values.quiet) config.logToStdout = false;
  config.pluginDirs = ((values['plugins-dir'] as string[] | undefined) ?? []).map((dir) => resolve(dir));
  config.pluginPackages = (values.plugin as string[] | undefined) ?? [];
  return { kind: 'run', config, warnings };
}
