import type { LeaveReason } from '../protocol/messages.js';

/**
 * What the chat tells people, in its own words: services hand these to delivery, and only the
 * session layer (core/session/wire.ts) turns them into protocol messages and bytes.
 */
export type Outgoing =
  | { readonly kind: 'line'; readonly room: string; readonly from: string; readonly text: string; readonly emote?: boolean }
  | { readonly kind: 'whisper'; readonly from: string; readonly to: string; readonly text: string; readonly auto?: boolean }
  | { readonly kind: 'joined'; readonly room: string; readonly user: string }
  | { readonly kind: 'left'; readonly room: string; readonly user: string; readonly reason: LeaveReason }
  /** From the server when `plugin` is absent, otherwise from that plugin. */
  | { readonly kind: 'notice'; readonly text: string; readonly plugin?: string };

/** Who said it, for what a recipient may ignore: lines and whispers have a sender. */
export const senderOf = (event: Outgoing): string | undefined => (event.kind === 'line' || event.kind === 'whisper' ? event.from : undefined);
