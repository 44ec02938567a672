/** Name rules shared by server and client (the client checks early; the server decides). */
const ALNUM = /^[A-Za-z0-9]+$/;

export function usernameProblem(name: string, max: number): string | undefined {
  if (name.length === 0) return 'a username cannot be empty';
  if (name.length > max) return `username '${clip(name)}' is too long (${name.length} characters; the limit is ${max})`;
  if (!ALNUM.test(name)) return `username '${clip(name)}' may only contain ASCII letters and digits`;
  return undefined;
}

export function roomNameProblem(name: string, max: number): string | undefined {
  if (name.length === 0) return 'a room name cannot be empty';
  if (name.length > max) return `room name '${clip(name)}' is too long (${name.length} characters; the limit is ${max})`;
  if (!ALNUM.test(name)) return `room name '${clip(name)}' may only contain ASCII letters and digits`;
  return undefined;
}

/** Keeps error messages short when someone sends a megabyte of name. */
function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

const NAMES = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The order names are listed in: ignoring case, digits by value (cap2 before cap10). */
export const byName = (a: string, b: string): number => NAMES.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
