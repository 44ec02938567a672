import { inject, injectable } from 'tsyringe';
import type { Token } from '../tokens.js';

/**
 * A piece is one exported class (or object) of a plugin file that the loader picks up: a
 * command, a listener, a hook, a guard or a service. Its decorator records frozen metadata
 * under one symbol; `pieceOf` is the typed reader. `Symbol.for`: plugins loaded from other
 * folders may see another copy of this module.
 */
const PIECE = Symbol.for('chatserver:piece');

export type PieceKind = 'command' | 'listener' | 'hook' | 'guard' | 'service' | 'settings';

export interface PieceRecord<M = unknown> {
  readonly kind: PieceKind;
  readonly meta: M;
}

export function definePiece<M>(target: object, kind: PieceKind, meta: M): void {
  if (Object.prototype.hasOwnProperty.call(target, PIECE)) throw new TypeError(`a class can be one piece only; this one is already a ${pieceOf(target)!.kind}`);
  Object.defineProperty(target, PIECE, { value: Object.freeze({ kind, meta: Object.freeze(meta) }), enumerable: false });
}

export function pieceOf(value: unknown): PieceRecord | undefined {
  if ((typeof value !== 'function' && typeof value !== 'object') || value === null) return undefined;
  return Object.prototype.hasOwnProperty.call(value, PIECE) ? (value as Record<symbol, PieceRecord>)[PIECE] : undefined;
}

/**
 * Makes a piece constructible by the server's container. `tokens` is the constructor's
 * dependencies in order, for plain JavaScript, which has no parameter decorators.
 */
export function injectableWith(target: object, tokens: readonly Token<unknown>[] | undefined): void {
  tokens?.forEach((tok, index) => inject(tok)(target as never, undefined, index));
  injectable()(target as never);
}
