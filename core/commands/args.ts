import type { ArgKind, FileOffer } from '../protocol/messages.js';

/** One declared argument as the core keeps it: plain data, sent to clients in the manifest. */
export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional: boolean;
  readonly description?: string;
  /** A `secret` the client asks for twice. */
  readonly confirm?: boolean;
}

/** What `arg.user()` and its siblings return: an argument waiting for its name (its key). */
export interface ArgDecl<K extends ArgKind = ArgKind, O extends boolean = boolean> {
  readonly kind: K;
  readonly optional: O;
  readonly description?: string;
  readonly confirm?: boolean;
}

/** A command's arguments, by name, in the order they are typed. */
export type ArgDecls = Readonly<Record<string, ArgDecl>>;

/** What the plugin receives for each kind. */
interface KindValues {
  word: string;
  user: string;
  room: string;
  text: string;
  file: FileOffer;
  secret: string;
}

type RequiredArgs<D extends ArgDecls> = { [N in keyof D as D[N]['optional'] extends true ? never : N]: KindValues[D[N]['kind']] };
type OptionalArgs<D extends ArgDecls> = { [N in keyof D as D[N]['optional'] extends true ? N : never]?: KindValues[D[N]['kind']] };

/** The type of `ctx.args`, inferred from the declaration: `{ username: string; reason?: string }`. */
export type InferArgs<D extends ArgDecls> = { readonly [N in keyof (RequiredArgs<D> & OptionalArgs<D>)]: (RequiredArgs<D> & OptionalArgs<D>)[N] };

function make<K extends ArgKind>(kind: K) {
  function build(options: { optional: true; description?: string }): ArgDecl<K, true>;
  function build(options?: { optional?: false; description?: string }): ArgDecl<K, false>;
  function build(options: { optional?: boolean; description?: string } = {}): ArgDecl<K> {
    return Object.freeze({ kind, optional: options.optional ?? false, description: options.description });
  }
  return build;
}

/** A secret: `confirm` makes the client ask twice (a new password). */
function secret(options: { optional: true; confirm?: boolean; description?: string }): ArgDecl<'secret', true>;
function secret(options?: { optional?: false; confirm?: boolean; description?: string }): ArgDecl<'secret', false>;
function secret(options: { optional?: boolean; confirm?: boolean; description?: string } = {}): ArgDecl<'secret'> {
  return Object.freeze({ kind: 'secret' as const, optional: options.optional ?? false, description: options.description, confirm: options.confirm === true });
}

/**
 * Argument builders, one per kind; the key a builder is given under is the argument's name. The
 * core parses and checks each kind before the plugin runs: `word` one token; `user` an online
 * user (case-insensitive, given to the plugin in its canonical spelling); `room` a valid room
 * name; `text` the rest of the line (must be last); `file` a file the client uploads (the plugin
 * receives its offer: name, size, digest); `secret` a password the client asks for, hidden, and
 * sends beside the line, never in it (the plugin receives the string; nothing logs it).
 *
 * @example
 * args: { username: arg.user(), message: arg.text() }
 */
export const arg = {
  word: make('word'),
  user: make('user'),
  room: make('room'),
  text: make('text'),
  file: make('file'),
  secret,
};

/** The declaration as the core keeps it: in key order, each with its name. */
export function argSpecs(decls: ArgDecls): readonly ArgSpec[] {
  if (Array.isArray(decls) || typeof decls !== 'object') {
    throw new TypeError('args must be an object of arguments by name, such as { username: arg.user(), message: arg.text() }');
  }
  return Object.freeze(
    Object.entries(decls).map(([name, d]) => Object.freeze({ name, kind: d?.kind, optional: d?.optional === true, description: d?.description, ...(d?.confirm ? { confirm: true } : {}) })),
  );
}

/** `/whisper <username> <message...>` from the declaration. */
export function usageOf(name: string, args: readonly ArgSpec[]): string {
  const parts = args.filter((a) => a.kind !== 'secret').map((a) => {
    const label = a.kind === 'text' ? `${a.name}...` : a.name;
    return a.optional ? `[${label}]` : `<${label}>`;
  });
  return [`/${name}`, ...parts].join(' ');
}
