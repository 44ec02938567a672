const MASK = '***';
// Userinfo of a URL that does not parse: `scheme://user:password@`.
const RAW_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)([^/@]*)@/i;

/**
 * `text` with the password of the Redis URL `url` masked: in the URL (`redis://:***@host:6379`)
 * and wherever else it appears as a word of its own, as in some Redis errors, both as written in
 * the URL and percent-decoded. Every place that prints the URL, or an error about it, goes
 * through here.
 */
export function redact(text: string, url: string | null): string {
  const password = url === null ? '' : passwordOf(url);
  if (!password) return text;
  let out = text.replaceAll(`:${password}@`, `:${MASK}@`);
  for (const form of new Set([password, decoded(password)])) {
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escape(form)}(?![\\p{L}\\p{N}])`, 'gu'), MASK);
  }
  return out;
}

function passwordOf(url: string): string {
  if (URL.canParse(url)) return new URL(url).password;
  return RAW_USERINFO.exec(url)?.[2] ?? '';
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// The characters a regular expression in unicode mode lets (and needs) a backslash before.
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
