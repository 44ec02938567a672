/**
 * Wire framing: every frame is a 5-byte header — kind (u8) and payload length (u32, big-endian) —
 * followed by the payload. Kind 1 carries one UTF-8 JSON message; kind 2 carries a binary file
 * chunk whose payload starts with the transfer id (u32, big-endian).
 */
export const HEADER_BYTES = 5;
export const enum FrameKind {
  Json = 1,
  Chunk = 2,
}

export type Frame =
  | { kind: FrameKind.Json; payload: Buffer }
  | { kind: FrameKind.Chunk; transfer: number; data: Buffer };

export class FrameError extends Error {
  constructor(
    readonly code: 'FRAME_TOO_LARGE' | 'BAD_FRAME_KIND' | 'BAD_CHUNK',
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

export function encodeJsonFrame(message: unknown): Buffer {
  const json = JSON.stringify(message);
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  frame[0] = FrameKind.Json;
  frame.writeUInt32BE(length, 1);
  frame.write(json, HEADER_BYTES, 'utf8');
  return frame;
}

export function encodeChunkHeader(transfer: number, dataLength: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES + 4);
  header[0] = FrameKind.Chunk;
  header.writeUInt32BE(dataLength + 4, 1);
  header.writeUInt32BE(transfer, HEADER_BYTES);
  return header;
}

export function encodeChunkFrame(transfer: number, data: Buffer): Buffer {
  return Buffer.concat([encodeChunkHeader(transfer, data.length), data]);
}

/**
 * Incremental decoder. Feed it whatever the socket delivers; it returns whole frames. The
 * payload length is checked against `maxPayload` as soon as the header is complete, so an
 * oversized frame is refused before any of its payload is buffered. After an error the
 * decoder is spent: the connection must be closed.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(private readonly maxPayload: number) {}

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(data: Buffer): Frame[] {
    if (this.failed) throw new Error('FrameDecoder used after an error');
    this.chunks.push(data);
    this.buffered += data.length;
    const frames: Frame[] = [];
    while (this.buffered >= HEADER_BYTES) {
      const header = this.peek(HEADER_BYTES);
      const kind = header[0];
      const length = header.readUInt32BE(1);
      if (kind !== FrameKind.Json && kind !== FrameKind.Chunk) {
        this.failed = true;
        throw new FrameError('BAD_FRAME_KIND', `unknown frame kind ${kind}`);
      }
      if (length > this.maxPayload) {
        this.failed = true;
        throw new FrameError('FRAME_TOO_LARGE', `frame of ${length} bytes exceeds the limit of ${this.maxPayload}`);
      }
      if (this.buffered < HEADER_BYTES + length) break;
      this.take(HEADER_BYTES);
      const payload = this.take(length);
      if (kind === FrameKind.Json) {
        frames.push({ kind, payload });
      } else {
        if (length < 4) {
          this.failed = true;
          throw new FrameError('BAD_CHUNK', 'chunk frame shorter than its transfer id');
        }
        frames.push({ kind, transfer: payload.readUInt32BE(0), data: payload.subarray(4) });
      }
    }
    this.compact();
    return frames;
  }

  /** Pieces held for an incomplete frame (kept small however the peer splits its bytes). */
  get bufferedPieces(): number {
    return this.chunks.length;
  }

  /**
   * A peer that trickles a frame a byte at a time would otherwise cost a Buffer object of some
   * hundred bytes per byte. Merging the last piece into the one before while it is at least as
   * big keeps the pieces in decreasing size, so they stay few (about log2 of the bytes when
   * they come one at a time) for O(n log n) copying.
   */
  private compact(): void {
    const c = this.chunks;
    while (c.length >= 2 && c[c.length - 1]!.length >= c[c.length - 2]!.length) {
      const last = c.pop()!;
      c.push(Buffer.concat([c.pop()!, last]));
    }
  }

  /** Returns the first n buffered bytes without consuming them. */
  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first!.length === n) {
      this.chunks.shift();
      return first!;
    }
    if (first!.length > n) {
      this.chunks[0] = first!.subarray(n);
      return first!.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, n - offset);
      chunk.copy(out, offset, 0, used);
      offset += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}
