import colors from 'ansi-colors';
import { formatBytes } from '../core/protocol/file-rules.js';
import type { Role, ServerMessage } from '../core/protocol/messages.js';
import { sanitize } from './sanitize.js';
import type { TransferProgress } from './transfers.js';

/** `alice (registered, admin)`: the name a login took, and what the server says it is. */
export function loggedInAs(login: { name: string; registered?: true; role?: Role }): string {
  const about = [...(login.registered ? ['registered'] : []), ...(login.role ? [sanitize(login.role)] : [])];
  return `${sanitize(login.name)}${about.length > 0 ? ` (${about.join(', ')})` : ''}`;
}

/** The styles of each kind of line; identity functions when colour is off (but for `mention`). */
export interface Palette {
  room(s: string): string;
  self(s: string): string;
  whisper(s: string): string;
  /** Whispers we sent, set apart from the ones we received. */
  whisperOut(s: string): string;
  notice(s: string): string;
  error(s: string): string;
  file(s: string): string;
  dim(s: string): string;
  user(name: string): string;
  /** A line that names us: inverse, or marked `>> ` when there is no colour to set it apart. */
  mention(s: string): string;
}

// Sender colours leave out the colours that mean a kind of line (red errors, magenta whispers, blue files).
const USER_COLORS = ['cyan', 'green', 'yellow', 'cyanBright', 'greenBright', 'yellowBright', 'whiteBright'] as const;

/** A palette on a private ansi-colors instance, so colour follows this terminal only. */
export function palette(enabled: boolean): Palette {
  const c = colors.create();
  c.enabled = enabled;
  const hash = (s: string) => [...s.toLowerCase()].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);
  return {
    room: (s) => c.cyan(s),
    self: (s) => c.bold(s),
    whisper: (s) => c.magenta(s),
    whisperOut: (s) => c.dim.magenta(s),
    notice: (s) => c.gray(s),
    error: (s) => c.red(s),
    file: (s) => c.blueBright(s),
    dim: (s) => c.dim(s),
    user: (name) => c[USER_COLORS[hash(name) % USER_COLORS.length]!](name),
    mention: (s) => (enabled ? c.inverse(s) : `>> ${s}`),
  };
}

export const plain = palette(false);

/**
 * Whether an event wants our attention (the interactive client rings the bell): a room line or
 * emote from someone else naming us, or a whisper from someone else. `me` is our current name.
 */
export function attention(event: ServerMessage, me: string): 'mention' | 'whisper' | undefined {
  // The text as shown: a name split by an invisible character still reads as the name.
  if (event.t === 'message' && event.from !== me && mentions(sanitize(event.text), me)) return 'mention';
  if (event.t === 'whisper' && event.from !== me) return 'whisper';
  return undefined;
}

/** `name` as a whole word of `text`, ignoring case: "hi Alice!" names alice, "malice" does not. */
export function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

/**
 * One server event as the lines a person reads. `me` is our own username. Everything that
 * came from another user passes through sanitize(). Returns no lines for protocol plumbing.
 */
export function formatEvent(event: ServerMessage, me: string, p: Palette = plain): string[] {
  const s = sanitize;
  const who = (name: string) => (name === me ? p.self('you') : p.user(s(name)));
  switch (event.t) {
    case 'message': {
      const from = event.from === me ? p.self(s(event.from)) : p.user(s(event.from));
      const text = event.from === me ? p.self(s(event.text)) : s(event.text);
      return [event.emote ? `${p.dim(`[${s(event.room)}]`)} * ${from} ${text}` : `${p.dim(`[${s(event.room)}]`)} ${from}: ${text}`];
    }
    case 'whisper':
      return event.from === me
        ? [p.whisperOut(`[${event.auto ? 'auto-reply' : 'whisper'} to ${s(event.to)}] ${s(event.text)}`)]
        : [p.whisper(`[${event.auto ? 'auto-reply' : 'whisper'} from ${s(event.from)}] ${s(event.text)}`)];
    case 'joined':
      return [p.notice(`* ${who(event.user)} joined ${s(event.room)}`)];
    case 'left': {
      const why = event.reason === 'left' || event.reason === 'switched' ? '' : ` (${event.reason})`;
      return [p.notice(`* ${who(event.user)} left ${s(event.room)}${why}`)];
    }
    case 'reply':
      return event.text.split('\n').map(s);
    case 'notice':
      // A plugin's notice names its plugin, so none can pass for the server's own "* …" lines.
      return [p.notice(event.plugin === undefined ? `* ${s(event.text)}` : `[${s(event.plugin)}] ${s(event.text)}`)];
    case 'error':
      return event.message.split('\n').map((line, i) => p.error(i === 0 ? `! ${s(line)}` : `  ${s(line)}`));
    case 'login-ok':
      return [p.notice(`* logged in as ${loggedInAs(event)}`)];
    case 'renamed':
      return [p.notice(`* you are now known as ${s(event.name)}`)];
    case 'login-refused':
      return [p.error(`! ${s(event.reason)}`)];
    case 'shutdown':
      return [p.notice('* the server is shutting down')];
    case 'upload-offered':
      return [p.file(`* waiting for ${s(event.to)} to accept ${s(event.file)} (they have ${duration(event.expiresMs)} to answer)`)];
    case 'upload-queued':
      return [p.file(`* upload of ${s(event.file)} queued: position ${event.position}`)];
    case 'upload-go':
      return [p.file(`* upload of ${s(event.file)} started`)];
    case 'upload-done': {
      const size = formatBytes(event.bytes);
      if (event.saved === true) return [p.file(`* ${s(event.to)} saved ${s(event.file)} (${size})`)];
      // Servers before 0.2 do not say; `false` means the recipient's client has not confirmed.
      const unconfirmed = event.saved === false ? `, but ${s(event.to)} has not confirmed saving it` : '';
      return [p.file(`* sent ${s(event.file)} to ${s(event.to)} (${size})${unconfirmed}`)];
    }
    case 'upload-failed':
      return [p.error(`! upload of ${s(event.file)} failed: ${s(event.reason)}`)];
    case 'file-start':
      return [p.file(`* receiving ${s(event.name)} (${formatBytes(event.size)}) from ${s(event.from)}`)];
    default:
      return [];
  }
}

/** The lines for a received file's outcome (uploads are reported by the server's events). */
export function formatTransfer(progress: TransferProgress, p: Palette = plain): string[] {
  const name = sanitize(progress.name);
  const from = sanitize(progress.peer);
  if (progress.direction === 'up') return progress.state === 'accepted' ? [p.file(`* ${from} accepted ${name}`)] : [];
  const size = formatBytes(progress.total);
  if (progress.state === 'offered') return [p.file(`* ${from} wants to send you ${name} (${size}): /accept or /decline`)];
  if (progress.state === 'accepted') return [p.file(`* accepted ${name} from ${from}`)];
  if (progress.state === 'declined') return [p.file(`* declined ${name} (${size}) from ${from}${progress.reason ? `: ${sanitize(progress.reason)}` : ''}`)];
  if (progress.state === 'done') return [p.file(`* saved ${name} from ${from} as ${progress.path}`)];
  if (progress.state === 'failed') return [p.error(`! ${name} from ${from} was not saved: ${sanitize(progress.reason ?? 'failed')}`)];
  return [];
}

/** `90 s`, `2 min`: how long someone has. */
function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 || seconds % 60 !== 0 ? `${seconds} s` : `${seconds / 60} min`;
}

/** `09:41`, local time: the interactive client's timestamp. */
export function clock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Columns a timestamp takes with its space (`09:41 `): continuation lines start this far in. */
export const STAMP_COLUMNS = 6;

/** Lines of one event behind a dim timestamp; continuation lines are indented to match. */
export function stamped(lines: readonly string[], ts: number, p: Palette = plain): string[] {
  const indent = ' '.repeat(STAMP_COLUMNS);
  return lines.map((line, i) => (i === 0 ? `${p.dim(clock(ts))} ${line}` : `${indent}${line}`));
}
