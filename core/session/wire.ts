import type { Outgoing } from '../events/outgoing.js';
import { encodeJsonFrame } from '../protocol/frame.js';
import type { ServerMessage } from '../protocol/messages.js';

/** The protocol message for what the chat says; the time of a line is stamped here. */
export function toWire(event: Outgoing): ServerMessage {
  switch (event.kind) {
    case 'line':
      return { t: 'message', room: event.room, from: event.from, text: event.text, ts: Date.now(), ...(event.emote ? { emote: true as const } : {}) };
    case 'whisper':
      return { t: 'whisper', from: event.from, to: event.to, text: event.text, ts: Date.now(), ...(event.auto ? { auto: true as const } : {}) };
    case 'joined':
      return { t: 'joined', room: event.room, user: event.user };
    case 'left':
      return { t: 'left', room: event.room, user: event.user, reason: event.reason };
    case 'notice':
      return event.plugin === undefined ? { t: 'notice', text: event.text } : { t: 'notice', text: event.text, plugin: event.plugin };
  }
}

/** One encoding for a whole fan-out: the same bytes go to every recipient, here and on other nodes. */
export function encodeOutgoing(event: Outgoing): Buffer {
  return encodeJsonFrame(toWire(event));
}
