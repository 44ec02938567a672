import type { Outgoing } from '../events/outgoing.js';
import { encodeJsonFrame } from '../protocol/frame.js';
import type { ServerMessage } from '../protocol/messages.js';

/** The protocol message for what the server says; the time of a line is stamped here. */
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
    case 'reply':
      return { t: 'reply', ...re(event.request), text: event.text };
    case 'refusal':
      return { t: 'error', ...re(event.request), code: event.code, message: event.message };
    case 'upload-offered':
      return { t: 'upload-offered', re: event.request, transfer: event.transfer, file: event.file, to: event.to, expiresMs: event.expiresMs };
    case 'file-offer':
      return { t: 'file-offer', transfer: event.transfer, from: event.from, name: event.name, size: event.size, expiresMs: event.expiresMs };
    case 'upload-queued':
      return { t: 'upload-queued', re: event.request, transfer: event.transfer, file: event.file, position: event.position };
    case 'upload-go':
      return { t: 'upload-go', re: event.request, transfer: event.transfer, file: event.file, waitedMs: event.waitedMs, window: event.window };
    case 'upload-credit':
      return { t: 'upload-credit', transfer: event.transfer, bytes: event.bytes };
    case 'upload-done':
      return { t: 'upload-done', transfer: event.transfer, file: event.file, to: event.to, bytes: event.bytes, ...(event.saved !== undefined ? { saved: event.saved } : {}) };
    case 'upload-failed':
      return { t: 'upload-failed', transfer: event.transfer, file: event.file, reason: event.reason };
    case 'file-start':
      return { t: 'file-start', transfer: event.transfer, from: event.from, name: event.name, size: event.size, sha256: event.sha256 };
    case 'file-end':
      return { t: 'file-end', transfer: event.transfer, ...(event.report ? { report: true } : {}) };
    case 'file-abort':
      return { t: 'file-abort', transfer: event.transfer, reason: event.reason };
  }
}

const re = (request: number | undefined) => (request === undefined ? {} : { re: request });

// The last event encoded. A room line is told to each member, a whisper to its recipient and
// back to its sender, a notice to everyone, one call each: the same event object is encoded
// once for all of them (one encode per fan-out), and all get the same time.
let lastEvent: Outgoing | undefined;
let lastFrame: Buffer | undefined;

/** One encoding for a whole fan-out: the same bytes go to every recipient, here and on other nodes. */
export function encodeOutgoing(event: Outgoing): Buffer {
  if (event !== lastEvent) {
    lastFrame = encodeJsonFrame(toWire(event));
    lastEvent = event;
  }
  return lastFrame!;
}
