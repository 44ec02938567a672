/** Protocol v1 messages. Both sides import these types; see docs/PROTOCOL.md. */
export const PROTOCOL_VERSION = 1;

/** An account's role: admins may do all that moderators may, in every room. */
export type Role = 'admin' | 'moderator';

/** `secret`: never typed on the line; the client asks for it (hidden) and sends it in `cmd.secrets`. */
export type ArgKind = 'word' | 'user' | 'room' | 'text' | 'file' | 'secret';

export interface ArgManifest {
  name: string;
  kind: ArgKind;
  optional: boolean;
  description?: string;
  /** A secret the client asks for twice (a new password). */
  confirm?: true;
}

export interface CommandManifest {
  name: string;
  aliases: string[];
  usage: string;
  summary: string;
  description?: string;
  /** Lines typed without a slash run this command (at most one command has it). */
  plainText?: boolean;
  args: ArgManifest[];
}

/** The limits the server enforces, sent in the welcome so a client can check input early. */
export interface Limits {
  maxFrameBytes: number;
  usernameMax: number;
  roomNameMax: number;
  roomCapacity: number;
  messageMax: number;
  fileMaxBytes: number;
  fileTypes: string[];
  chunkBytes: number;
  uploadSlots: number;
  uploadQueue: number;
  loginAttempts: number;
  loginTimeoutMs: number;
  heartbeatMs: number;
  /** Command lines and queries per second, and the burst (absent from servers before 0.2; 0 rate: no limit). */
  floodRate?: number;
  floodBurst?: number;
  /**
   * Frames (of any kind) and bytes of JSON frames per second per connection, and their bursts; past
   * a burst the server disconnects ("excess flood"). Absent from older servers; 0 rate: no limit.
   */
  frameRate?: number;
  frameBurst?: number;
  byteRate?: number;
  byteBurst?: number;
}

/** A client that declares this in its hello answers `file-end {report: true}` with `file-result`. */
export const FILE_RESULT = 'file-result';
/** A client that declares this is offered each file first (`file-offer`) and answers `file-answer`. */
export const FILE_CONSENT = 'file-consent';

/** Why a recipient's client could not keep a file it received whole. */
export type SaveProblem = 'unwritable' | 'disk-full' | 'corrupt' | 'other';

/** What a client attaches to a command for each `file` argument it has read locally. */
export interface FileOffer {
  arg: string;
  name: string;
  size: number;
  sha256: string;
}

export type ClientMessage =
  | { t: 'hello'; v: number; client?: string; features?: string[] }
  /** `serverPassword`: the server's own (`--password-file`); `newPassword`: replaces a one-time password. */
  | { t: 'login'; name: string; password?: string; newPassword?: string; serverPassword?: string }
  /** `secrets`: the command's `secret` arguments by name, kept off the line (and so out of any echo or history). */
  | { t: 'cmd'; id: number; line: string; files?: FileOffer[]; secrets?: Record<string, string> }
  | { t: 'query'; id: number; what: 'users' | 'rooms' }
  | { t: 'upload-end'; transfer: number }
  | { t: 'upload-cancel'; transfer: number; reason?: string }
  | { t: 'file-result'; transfer: number; saved: boolean; problem?: SaveProblem }
  /** Whether the user takes the file offered as `transfer` (file-consent). */
  | { t: 'file-answer'; transfer: number; accept: boolean }
  | { t: 'ping' }
  | { t: 'pong' };

/** Why someone left a room: the core's reasons, or a plugin's own word (`kicked`). */
export type LeaveReason = 'left' | 'switched' | 'quit' | 'connection lost' | 'shutdown' | (string & {});

export type ServerMessage =
  | { t: 'welcome'; v: number; server: string; limits: Limits; commands: CommandManifest[] }
  /** `registered`: the name is an account (guests have neither field); `role`: its role, if any. */
  | { t: 'login-ok'; name: string; registered?: true; role?: Role }
  /**
   * What to send again: `needsServerPassword` the server's password; `needsPassword` the name is
   * registered, so its password; `needsNewPassword` the password was one-time, so a new one too.
   */
  | { t: 'login-refused'; reason: string; attemptsLeft: number; needsPassword?: true; needsNewPassword?: true; needsServerPassword?: true }
  /** You are known by a new name from now on (/nick). */
  | { t: 'renamed'; name: string }
  | { t: 'reply'; re?: number; text: string }
  | { t: 'error'; re?: number; code: string; message: string }
  | { t: 'message'; room: string; from: string; text: string; ts: number; emote?: true }
  | { t: 'whisper'; from: string; to: string; text: string; ts: number; auto?: true }
  | { t: 'joined'; room: string; user: string }
  | { t: 'left'; room: string; user: string; reason: LeaveReason }
  | { t: 'notice'; text: string; plugin?: string }
  | { t: 'query-result'; re: number; items: string[] }
  /** After login, when some commands' guards hide them from this user: the commands they may use. */
  | { t: 'commands'; commands: CommandManifest[] }
  | { t: 'shutdown'; reason: string; graceMs: number }
  | { t: 'bye'; reason: string }
  | { t: 'ping' }
  | { t: 'pong' }
  | FileServerMessage;

/** File transfer messages (see docs/PROTOCOL.md, "Files"). */
export type FileServerMessage =
  /** The recipient asks before taking files: they have `expiresMs` to accept; nothing is queued until then. */
  | { t: 'upload-offered'; re: number; transfer: number; file: string; to: string; expiresMs: number }
  /** To a recipient that declared file-consent: answer with `file-answer` within `expiresMs`. */
  | { t: 'file-offer'; transfer: number; from: string; name: string; size: number; expiresMs: number }
  | { t: 'upload-queued'; re: number; transfer: number; file: string; position: number }
  | { t: 'upload-go'; re: number; transfer: number; file: string; waitedMs: number; window: number }
  | { t: 'upload-credit'; transfer: number; bytes: number }
  /** `saved`: the recipient's client confirmed it kept the file (false: not confirmed; absent from servers before 0.2). */
  | { t: 'upload-done'; transfer: number; file: string; to: string; bytes: number; saved?: boolean }
  | { t: 'upload-failed'; transfer: number; file: string; reason: string }
  | { t: 'file-start'; transfer: number; from: string; name: string; size: number; sha256: string }
  /** `report`: answer with `file-result` once the file is saved, or could not be. */
  | { t: 'file-end'; transfer: number; report?: boolean }
  | { t: 'file-abort'; transfer: number; reason: string };

export type ServerMessageOf<T extends ServerMessage['t']> = Extract<ServerMessage, { t: T }>;

const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStr = (v: unknown, max = 65_536): v is string => typeof v === 'string' && v.length <= max;

const isSecrets = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length <= 4 && Object.entries(v).every(([k, s]) => k.length <= 64 && isStr(s, 1024));

const isList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 16 && v.every((s) => isStr(s, 64));

function isOffer(v: unknown): v is FileOffer {
  const o = v as FileOffer;
  return typeof o === 'object' && o !== null && isStr(o.arg, 64) && isStr(o.name, 4096) && isInt(o.size) && isStr(o.sha256, 64);
}

/** A JSON frame that is not a message: the error code and why, for the peer. No ClientMessage has t 'bad'. */
export interface BadMessage {
  t: 'bad';
  code: 'BAD_MESSAGE' | 'TOO_DEEP';
  why: string;
}

/** Nesting of arrays and objects a client message may have; the deepest real one (cmd, files, offer) has 3. */
export const MAX_JSON_DEPTH = 8;
const MALFORMED: BadMessage = { t: 'bad', code: 'BAD_MESSAGE', why: 'malformed or unknown message' };
const TOO_DEEP: BadMessage = { t: 'bad', code: 'TOO_DEEP', why: `JSON nested deeper than ${MAX_JSON_DEPTH} levels; no message needs that` };

/**
 * Parses one JSON frame from a client. Anything that is not a well-formed message of protocol
 * v1 is a BadMessage, so hostile input never reaches the handlers.
 */
export function parseClientMessage(payload: Buffer): ClientMessage | BadMessage {
  // JSON.parse of deeply nested arrays costs far more per byte than anything else it reads.
  if (nestsDeeper(payload, MAX_JSON_DEPTH)) return TOO_DEEP;
  return checkClientMessage(payload) ?? MALFORMED;
}

function checkClientMessage(payload: Buffer): ClientMessage | undefined {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return undefined;
  switch (m.t) {
    case 'hello':
      return isInt(m.v) && (m.client === undefined || isStr(m.client, 200)) && (m.features === undefined || isList(m.features)) ? (m as ClientMessage) : undefined;
    case 'login':
      return isStr(m.name, 1024) && [m.password, m.newPassword, m.serverPassword].every((p) => p === undefined || isStr(p, 1024)) ? (m as ClientMessage) : undefined;
    case 'cmd':
      return isInt(m.id) &&
        isStr(m.line) &&
        (m.files === undefined || (Array.isArray(m.files) && m.files.length <= 8 && m.files.every(isOffer))) &&
        (m.secrets === undefined || isSecrets(m.secrets))
        ? (m as ClientMessage)
        : undefined;
    case 'query':
      return isInt(m.id) && (m.what === 'users' || m.what === 'rooms') ? (m as ClientMessage) : undefined;
    case 'upload-end':
    case 'upload-cancel':
      return isInt(m.transfer) && (m.reason === undefined || isStr(m.reason, 500)) ? (m as ClientMessage) : undefined;
    case 'file-answer':
      return isInt(m.transfer) && typeof m.accept === 'boolean' ? (m as ClientMessage) : undefined;
    case 'file-result':
      return isInt(m.transfer) && typeof m.saved === 'boolean' && (m.problem === undefined || isStr(m.problem, 32)) ? (m as ClientMessage) : undefined;
    case 'ping':
    case 'pong':
      return m as ClientMessage;
    default:
      return undefined;
  }
}

/**
 * Whether JSON text opens more than `max` arrays or objects inside each other: one pass over
 * the bytes, outside strings, that stops at the first level too deep.
 */
function nestsDeeper(json: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Parses one JSON frame from the server; undefined for anything that is not a message. */
export function parseServerMessage(payload: Buffer): ServerMessage | undefined {
  try {
    const m = JSON.parse(payload.toString('utf8'));
    return typeof m === 'object' && m !== null && typeof m.t === 'string' ? (m as ServerMessage) : undefined;
  } catch {
    return undefined;
  }
}
