import { parse } from 'csv-parse/sync';
import { randomBytes } from 'node:crypto';
import { usernameProblem } from '../../protocol/rules.js';
import { ROLES, type Accounts, type Role } from '../../tokens.js';

export interface RosterRow {
  /** Where the row ends in the file, as a teacher's editor numbers lines. */
  line: number;
  name: string;
  role: Role | undefined;
}

export interface RosterProblem {
  line: number;
  problem: string;
}

/**
 * A class list: CSV with a header naming a `name` column and optionally a `role` column (other
 * columns, as a spreadsheet export has, are ignored). Rows that cannot be accounts are problems,
 * each with its line; a file that is not CSV at all throws.
 */
export function parseRoster(text: string, usernameMax: number): { rows: RosterRow[]; problems: RosterProblem[] } {
  const records = parse(text, { info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as unknown as {
    info: { lines: number };
    record: string[];
  }[];
  const header = records.shift()?.record.map((cell) => cell.toLowerCase()) ?? [];
  const nameAt = header.indexOf('name');
  const roleAt = header.indexOf('role');
  if (nameAt < 0) throw new Error(`the first line must be a header with a 'name' column (and optionally 'role'), such as: name,role`);
  const rows: RosterRow[] = [];
  const problems: RosterProblem[] = [];
  const seen = new Map<string, number>();
  for (const { info, record } of records) {
    const line = info.lines;
    const name = record[nameAt] ?? '';
    const role = roleAt < 0 ? '' : (record[roleAt] ?? '').toLowerCase();
    const earlier = seen.get(name.toLowerCase());
    const problem =
      usernameProblem(name, usernameMax) ??
      (role === '' || ROLES.includes(role as Role) ? undefined : `role '${role}' is not one of ${ROLES.join(', ')} (or empty)`) ??
      (earlier === undefined ? undefined : `'${name}' is already on line ${earlier}`);
    if (problem) {
      problems.push({ line, problem });
      continue;
    }
    seen.set(name.toLowerCase(), line);
    rows.push({ line, name, role: (role || undefined) as Role | undefined });
  }
  return { rows, problems };
}

/** Crockford's base32: no i, l, o or u, so nothing is misread when copied from paper. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** 12 random base32 characters (60 bits) in groups of four, e.g. `k7qm-3xpa-9rtd`. */
export function oneTimePassword(): string {
  // 32 divides 256, so taking the low five bits of each byte is unbiased.
  const chars = [...randomBytes(12)].map((byte) => ALPHABET[byte & 31]);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/**
 * Registers each row with a one-time password, handed to `created` at once (so that a failure
 * part-way loses none of those already made), leaving names that are already registered as
 * they are: those are problems too.
 */
export async function importRoster(accounts: Accounts, rows: RosterRow[], created: (name: string, password: string) => void): Promise<RosterProblem[]> {
  const problems: RosterProblem[] = [];
  for (const row of rows) {
    const password = oneTimePassword();
    if (await accounts.add(row.name, password, { role: row.role, mustChange: true })) created(row.name, password);
    else problems.push({ line: row.line, problem: `'${row.name}' is already registered; left as it is` });
  }
  return problems;
}
