import { FrameKind, HEADER_BYTES } from '../../protocol/frame.js';
import { EVENT_NAMES } from '../../events/events.js';
import { Kind, type Envelope } from './envelope.js';

const NODE_ID = /^[0-9a-f]{16}$/;
// Longer than any username a node accepts (a flag, but bounded well below this).
const MAX_NAME = 256;
// Longer than any line a node lets through (the message limit is a flag, well below this).
const MAX_TEXT = 64 * 1024;

/**
 * Whether a decoded envelope is one a node could have sent: a known kind, a node id, header
 * fields of the right types, for Room and User exactly one whole protocol frame as the body
 * (it is written as is to sockets, so a torn frame would derail the recipients' streams), and
 * for Report a save report and who made it, for Answer an answer to an offer and who gave it.
 * Whatever else a header carries is left alone.
 */
export function wellFormed({ kind, origin, header, body }: Envelope): boolean {
  if (!NODE_ID.test(origin) || typeof header !== 'object' || header === null || Array.isArray(header)) return false;
  const { to, ack, gone, reports, offers } = header;
  if (to !== undefined && (typeof to !== 'string' || to.length === 0 || to.length > MAX_NAME)) return false;
  if (ack !== undefined && !(Number.isSafeInteger(ack) && ack > 0)) return false;
  if (gone !== undefined && typeof gone !== 'boolean') return false;
  if (reports !== undefined && !Number.isSafeInteger(reports)) return false;
  if (offers !== undefined && !Number.isSafeInteger(offers)) return false;
  if (header.from !== undefined && !validName(header.from)) return false;
  switch (kind) {
    case Kind.Room:
      return to === undefined && oneFrame(body);
    case Kind.User:
      return to !== undefined && oneFrame(body);
    case Kind.Ack:
      return ack !== undefined && body.length === 0;
    case Kind.Report:
      return body.length === 0 && validName(header.from) && validReport(header.report);
    case Kind.End:
      return to !== undefined && body.length === 0 && validEnd(header.end);
    case Kind.Leave:
      return to !== undefined && body.length === 0 && validEnd({ text: '', ...(header.leave as object) });
    case Kind.Answer:
      return body.length === 0 && validName(header.from) && validAnswer(header.answer);
    case Kind.Event:
      return body.length === 0 && (EVENT_NAMES as readonly unknown[]).includes(header.event) && validPayload(header.payload);
    default:
      return false;
  }
}

function validEnd(end: unknown): boolean {
  if (typeof end !== 'object' || end === null) return false;
  const { reason, text } = end as Record<string, unknown>;
  return typeof reason === 'string' && reason.length > 0 && reason.length <= MAX_NAME && typeof text === 'string' && text.length <= MAX_TEXT;
}

const validName = (name: unknown) => typeof name === 'string' && name.length > 0 && name.length <= MAX_NAME;

function validReport(report: unknown): boolean {
  if (typeof report !== 'object' || report === null) return false;
  const { transfer, outcome, problem } = report as Record<string, unknown>;
  return Number.isSafeInteger(transfer) && ['saved', 'failed', 'unknown'].includes(outcome as string) && (problem === undefined || (typeof problem === 'string' && problem.length <= 64));
}

function validAnswer(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const { transfer, accept } = answer as Record<string, unknown>;
  return Number.isSafeInteger(transfer) && typeof accept === 'boolean';
}

/** What the core's events carry: names, reasons and text, flags and sizes; nothing nested. */
function validPayload(payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return false;
  return Object.values(payload).every((v) => typeof v === 'boolean' || Number.isFinite(v) || (typeof v === 'string' && v.length <= MAX_TEXT));
}

function oneFrame(body: Buffer): boolean {
  if (body.length < HEADER_BYTES || body.readUInt32BE(1) !== body.length - HEADER_BYTES) return false;
  return body[0] === FrameKind.Json || (body[0] === FrameKind.Chunk && body.length >= HEADER_BYTES + 4);
}
