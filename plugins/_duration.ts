// A helper module (the loader skips files starting with '_'), shared by the moderation plugins.
import { UserError } from '../core/plugin-api.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `10m`, `2h`, `1d` in seconds, or undefined when `text` is no duration (it may be a reason). */
export function parseDuration(text: string | undefined): number | undefined {
  const m = /^(\d{1,6})([smhd])$/.exec(text ?? '');
  if (!m) return undefined;
  const seconds = Number(m[1]) * UNITS[m[2]!]!;
  if (seconds < 1 || seconds > 365 * 86_400) throw new UserError('BAD_ARGUMENTS', 'a duration is 1s to 365d');
  return seconds;
}

/** `4 min` for people. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} days`;
}

/** Splits `[duration] [reason...]`: a leading duration, then the rest as the reason. */
export function durationAndReason(text: string | undefined): { seconds: number | undefined; reason: string | undefined } {
  const [first, ...rest] = (text ?? '').trim().split(/\s+/);
  const seconds = parseDuration(first);
  const reason = (seconds === undefined ? text?.trim() : rest.join(' ')) || undefined;
  return { seconds, reason };
}
