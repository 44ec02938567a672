import { INVISIBLE } from './invisible.js';

/**
 * File rules both sides apply (SPEC §6): the client checks early, the server is the authority.
 * Every problem is a plain sentence that names the file.
 */
const SIGNATURES: Record<string, Buffer> = {
  '.pdf': Buffer.from('%PDF-', 'latin1'),
  '.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  '.jpg': Buffer.from([0xff, 0xd8, 0xff]),
  '.jpeg': Buffer.from([0xff, 0xd8, 0xff]),
};

/** Bytes of a file's start needed to check its type. */
export const SNIFF_BYTES = 8;

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1024 * 1024) return `${trim(bytes / 1024)} KiB`;
  return `${trim(bytes / 1024 / 1024)} MiB`;
}

// One decimal, without a trailing ".0": 292.97 KiB reads "293 KiB", not "293.0 KiB".
const trim = (n: number) => String(Math.round(n * 10) / 10);

export function typeProblem(name: string, types: readonly string[]): string | undefined {
  const ext = extensionOf(name);
  if (types.includes(ext)) return undefined;
  const allowed = types.join(' ');
  return ext ? `${name} is a ${ext} file; only ${allowed} files can be sent` : `${name} has no file extension; only ${allowed} files can be sent`;
}

export function sizeProblem(name: string, size: number, max: number): string | undefined {
  if (size <= max) return undefined;
  let shown = formatBytes(size);
  // "3.0 MiB; the limit is 3 MiB" would read as a contradiction: give bytes when they round alike.
  if (shown === formatBytes(max)) shown = `${size.toLocaleString('en-US')} bytes`;
  return `${name} is ${shown}; the limit is ${formatBytes(max)}`;
}

/**
 * Checks that the content matches the extension, from the file's first bytes (`head`, at least
 * SNIFF_BYTES unless the file is shorter). Text files are checked chunk by chunk with hasNul.
 */
export function contentProblem(name: string, head: Buffer): string | undefined {
  const ext = extensionOf(name);
  const signature = SIGNATURES[ext];
  if (signature) {
    if (head.length < signature.length || !head.subarray(0, signature.length).equals(signature)) {
      return `${name} is not really a ${ext.slice(1).toUpperCase()} file (its content does not match its name)`;
    }
  } else if (ext === '.txt' && hasNul(head)) {
    return textProblem(name);
  }
  return undefined;
}

export const hasNul = (data: Buffer): boolean => data.indexOf(0) !== -1;
export const textProblem = (name: string): string => `${name} is not a text file (it contains NUL bytes)`;

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
const RESERVED = /[<>:"|?*]/g;
// Device names Windows opens instead of a file, with any extension and spaces before it: `aux.txt`.
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]) *(\.|$)/i;
const MAX_NAME = 100;
// File systems allow 255 bytes per name; the temporary `.name.xxxxxxxxxxxx.part` and " (n)" need room.
const MAX_NAME_BYTES = 200;

/**
 * A file name safe to create in a downloads folder: the base name only (no directories, no
 * `..`), no control or invisible format characters (bidi overrides, zero-width ones, tags…),
 * no characters Windows reserves, no name it keeps for a device (`aux.txt` becomes
 * `_aux.txt`), at most 100 characters and 200 UTF-8 bytes with the extension kept. The server
 * announces this name and the receiving client applies it again before saving.
 */
export function safeFileName(name: string): string {
  let base = name.split(/[/\\]/).pop() ?? '';
  base = base.replace(CONTROLS, '').replace(INVISIBLE, '').replace(RESERVED, '_').trim();
  base = base.replace(/^\.+/, '').replace(/[. ]+$/, '');
  if (base.length === 0) base = 'file';
  if (DEVICE.test(base)) base = `_${base}`;
  if (base.length > MAX_NAME || Buffer.byteLength(base) > MAX_NAME_BYTES) {
    const ext = extensionOf(base).slice(0, 16);
    base = clip(base.slice(0, base.length - ext.length), MAX_NAME - ext.length, MAX_NAME_BYTES - Buffer.byteLength(ext)) + ext;
  }
  return base;
}

/** The longest start of `text` within both limits, cut between code points. */
function clip(text: string, maxUnits: number, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (out.length + ch.length > maxUnits || bytes > maxBytes) break;
    out += ch;
  }
  return out;
}
