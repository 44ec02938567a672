/**
 * What happened, told to listeners after the fact. Names are canonical spellings. Reasons are
 * open strings: the core uses `left`, `switched`, `quit`, `connection lost`, `shutdown`;
 * plugins add their own (`kicked`).
 */
export interface ChatEvents {
  login: { readonly user: string };
  logout: { readonly user: string; readonly reason: string };
  join: { readonly user: string; readonly room: string; readonly previous?: string };
  leave: { readonly user: string; readonly room: string; readonly reason: string };
  roomCreated: { readonly room: string; readonly by: string };
  roomEmptied: { readonly room: string };
  message: { readonly user: string; readonly room: string; readonly text: string; readonly emote: boolean };
  whisper: { readonly from: string; readonly to: string; readonly text: string; readonly auto: boolean };
  fileOffered: { readonly from: string; readonly to: string; readonly file: string; readonly size: number };
  fileDelivered: { readonly from: string; readonly to: string; readonly file: string; readonly size: number };
  started: Record<string, never>;
  stopping: Record<string, never>;
}
export type EventName = keyof ChatEvents;

/**
 * What hooks see before it happens, and may change. A hook refuses by throwing a `UserError`
 * (the sender gets its message) or rewrites a line by returning `{ text }`.
 */
export interface HookEvents {
  message: ChatEvents['message'];
  whisper: ChatEvents['whisper'];
  join: { readonly user: string; readonly room: string };
}
export type HookName = keyof HookEvents;
export type HookResult<E extends HookName> = E extends 'join' ? void : void | { readonly text: string };

export const EVENT_NAMES: readonly EventName[] = Object.freeze([
  'login', 'logout', 'join', 'leave', 'roomCreated', 'roomEmptied', 'message', 'whisper', 'fileOffered', 'fileDelivered', 'started', 'stopping',
]);
export const HOOK_NAMES: readonly HookName[] = Object.freeze(['message', 'whisper', 'join']);
