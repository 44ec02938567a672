import type { SaveReport } from '../../tokens.js';

/**
 * What nodes publish to each other: one Buffer with the kind, the sending node, a small JSON
 * header and a body (an encoded protocol frame, sent as is to the recipients' sockets, so a
 * message is encoded once wherever its recipients are).
 */
export const enum Kind {
  /** To the local members of a room (the channel names the room). */
  Room = 1,
  /** To one user of the node; `ack` asks for an Ack once their socket has taken the frame. */
  User = 2,
  /** The frame numbered `ack` was written to its recipient, or (`gone`) the recipient is not here. */
  Ack = 3,
  /** A recipient's save report (`report`) on a transfer the receiving node runs. */
  Report = 4,
  /** Something that happened on the origin node (`event`, `payload`), for network-wide listeners. */
  Event = 5,
  /** End the connection of user `to` of the node (`/kill`, a server ban), telling them `end`. */
  End = 6,
  /** Take user `to` of the node out of their room, for `leave.reason` (a kick on another node). */
  Leave = 7,
  /** User `from` of the sending node takes (`answer.accept`) or declines a file the receiving node offered them. */
  Answer = 8,
}

export interface Header {
  to?: string;
  ack?: number;
  gone?: boolean;
  /** On a User frame (file-end): send the recipient's save report on this transfer back to the origin. */
  reports?: number;
  /** On a User frame (file-offer): the recipient's answer on this transfer goes back to the origin. */
  offers?: number;
  /** On a Report: who reports, and what. On a Room or User frame: who said it (for recipients who ignore them). */
  from?: string;
  report?: SaveReport;
  /** On an Event: its name and what happened. */
  event?: string;
  payload?: Record<string, unknown>;
  /** On an End: why, as the user's room and client are told. */
  end?: { reason: string; text: string };
  /** On a Leave: why. */
  leave?: { reason: string };
  /** On an Answer. */
  answer?: { transfer: number; accept: boolean };
}

export interface Envelope {
  kind: Kind;
  origin: string;
  header: Header;
  body: Buffer;
}

const NODE_BYTES = 16;

export function encodeEnvelope(kind: Kind, origin: string, header: Header, body: Buffer = EMPTY): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.allocUnsafe(1 + NODE_BYTES + 2);
  head.writeUInt8(kind, 0);
  head.write(origin, 1, NODE_BYTES, 'latin1');
  head.writeUInt16BE(json.length, 1 + NODE_BYTES);
  return Buffer.concat([head, json, body]);
}

export function decodeEnvelope(data: Buffer): Envelope | undefined {
  if (data.length < 1 + NODE_BYTES + 2) return undefined;
  const length = data.readUInt16BE(1 + NODE_BYTES);
  const start = 1 + NODE_BYTES + 2;
  try {
    return {
      kind: data.readUInt8(0) as Kind,
      origin: data.toString('latin1', 1, 1 + NODE_BYTES),
      header: JSON.parse(data.toString('utf8', start, start + length)) as Header,
      body: data.subarray(start + length),
    };
  } catch {
    return undefined;
  }
}

const EMPTY = Buffer.alloc(0);
