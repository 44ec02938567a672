import type { LeaveReason } from '../protocol/messages.js';

/**
 * What the server tells people, in its own words: services hand these to sessions and delivery,
 * and only the session layer (core/session/wire.ts) turns them into protocol messages and bytes.
 */
export type Outgoing =
  | { readonly kind: 'line'; readonly room: string; readonly from: string; readonly text: string; readonly emote?: boolean }
  | { readonly kind: 'whisper'; readonly from: string; readonly to: string; readonly text: string; readonly auto?: boolean }
  | { readonly kind: 'joined'; readonly room: string; readonly user: string }
  | { readonly kind: 'left'; readonly room: string; readonly user: string; readonly reason: LeaveReason }
  /** From the server when `plugin` is absent, otherwise from that plugin. */
  | { readonly kind: 'notice'; readonly text: string; readonly plugin?: string }
  /** The answer to a command (`request`: the line it answers), or a refusal with its code. */
  | { readonly kind: 'reply'; readonly request?: number; readonly text: string }
  | { readonly kind: 'refusal'; readonly request?: number; readonly code: string; readonly message: string }
  | Transfer;

/** A file on its way: to its sender (`upload-…`) and to its recipient (`file-…`). */
export type Transfer =
  | { readonly kind: 'upload-offered'; readonly request: number; readonly transfer: number; readonly file: string; readonly to: string; readonly expiresMs: number }
  | { readonly kind: 'file-offer'; readonly transfer: number; readonly from: string; readonly name: string; readonly size: number; readonly expiresMs: number }
  | { readonly kind: 'upload-queued'; readonly request: number; readonly transfer: number; readonly file: string; readonly position: number }
  | { readonly kind: 'upload-go'; readonly request: number; readonly transfer: number; readonly file: string; readonly waitedMs: number; readonly window: number }
  | { readonly kind: 'upload-credit'; readonly transfer: number; readonly bytes: number }
  /** `saved`: whether the recipient's client confirmed it kept the file; absent when it cannot say. */
  | { readonly kind: 'upload-done'; readonly transfer: number; readonly file: string; readonly to: string; readonly bytes: number; readonly saved?: boolean }
  | { readonly kind: 'upload-failed'; readonly transfer: number; readonly file: string; readonly reason: string }
  | { readonly kind: 'file-start'; readonly transfer: number; readonly from: string; readonly name: string; readonly size: number; readonly sha256: string }
  /** `report`: the recipient's client should say whether it saved the file. */
  | { readonly kind: 'file-end'; readonly transfer: number; readonly report?: boolean }
  | { readonly kind: 'file-abort'; readonly transfer: number; readonly reason: string };

/** Who said it, for what a recipient may ignore: lines and whispers have a sender. */
export const senderOf = (event: Outgoing): string | undefined => (event.kind === 'line' || event.kind === 'whisper' || event.kind === 'file-offer' ? event.from : undefined);
