import { definePiece, pieceOf } from './piece.js';

/** One setting of a plugin, as it declares it. `T` is the type the plugin reads. */
export interface SettingDecl<T = unknown> {
  readonly kind: 'string' | 'integer' | 'number' | 'boolean' | 'list';
  readonly default: T;
  readonly description?: string;
  readonly min?: number;
  readonly max?: number;
}

export type SettingDecls = Readonly<Record<string, SettingDecl>>;

/** The type of a plugin's settings, inferred from the declaration. */
export type SettingsOf<D extends SettingDecls> = { readonly [K in keyof D]: D[K]['default'] };

interface Common<T> {
  default: T;
  description?: string;
}
interface Ranged<T> extends Common<T> {
  min?: number;
  max?: number;
}

/**
 * Setting builders, one per kind, each with its default: what a plugin reads when the
 * `--config` file does not say.
 *
 * @example
 * export const settings = Settings({ greeting: setting.string({ default: 'welcome' }), max: setting.integer({ default: 5, min: 1 }) });
 */
export const setting = {
  string: (o: Common<string>): SettingDecl<string> => Object.freeze({ kind: 'string', ...o }),
  integer: (o: Ranged<number>): SettingDecl<number> => Object.freeze({ kind: 'integer', ...o }),
  number: (o: Ranged<number>): SettingDecl<number> => Object.freeze({ kind: 'number', ...o }),
  boolean: (o: Common<boolean>): SettingDecl<boolean> => Object.freeze({ kind: 'boolean', ...o }),
  list: (o: Common<readonly string[]>): SettingDecl<readonly string[]> => Object.freeze({ kind: 'list', ...o }),
};

/**
 * Declares a plugin's settings: its section of the `--config` file (`[plugins.<name>]`),
 * checked against this declaration at start-up. The plugin's pieces read the values with
 * `@inject(Tokens.Settings)`.
 */
export function Settings<const D extends SettingDecls>(decls: D): D {
  const declared = { ...decls };
  definePiece(declared, 'settings', Object.freeze({ ...decls }));
  return Object.freeze(declared);
}

export const settingsOf = (value: unknown): SettingDecls | undefined => {
  const piece = pieceOf(value);
  return piece?.kind === 'settings' ? (piece.meta as SettingDecls) : undefined;
};

function problem(decl: SettingDecl, value: unknown): string | undefined {
  const range = (n: number) =>
    (decl.min !== undefined && n < decl.min) || (decl.max !== undefined && n > decl.max)
      ? `must be ${decl.min !== undefined && decl.max !== undefined ? `${decl.min} to ${decl.max}` : decl.min !== undefined ? `>= ${decl.min}` : `<= ${decl.max}`}`
      : undefined;
  switch (decl.kind) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'integer':
      return Number.isSafeInteger(value) ? range(value as number) : 'must be a whole number';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? range(value) : 'must be a number';
    case 'list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'must be a list of strings';
  }
}

/**
 * A plugin's settings from its section: every key checked, defaults for the rest. Returns the
 * values, or the first problem, naming the key (`plugins.greeter.max must be >= 1, not 0`).
 */
export function resolveSettings(decls: SettingDecls, section: Record<string, unknown>, where: string): Record<string, unknown> | string {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(section)) {
    if (!Object.hasOwn(decls, key)) return `${where}.${key} is not a setting of this plugin; it has ${Object.keys(decls).join(', ') || 'none'}`;
  }
  for (const [key, decl] of Object.entries(decls)) {
    const value = Object.hasOwn(section, key) ? section[key] : decl.default;
    const wrong = problem(decl, value);
    if (wrong) return `${where}.${key} ${wrong}, not ${JSON.stringify(value)}`;
    values[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  }
  return Object.freeze(values);
}
