import test from 'ava';
import fc from 'fast-check';
import { encodeChunkFrame, encodeJsonFrame, FrameDecoder, FrameError, FrameKind, HEADER_BYTES, type Frame } from '../core/protocol/frame.js';

const RUNS = 500;

/** A frame as the encoder writes it, with what the decoder must give back. */
const frameArb = fc.oneof(
  fc.jsonValue().map((value) => ({ bytes: encodeJsonFrame(value), expect: { json: JSON.stringify(value) } })),
  fc.record({ transfer: fc.nat({ max: 0xffffffff }), data: fc.uint8Array({ maxLength: 300 }) }).map(({ transfer, data }) => ({
    bytes: encodeChunkFrame(transfer, Buffer.from(data)),
    expect: { transfer, data: Buffer.from(data).toString('hex') },
  })),
);

const describe = (frames: Frame[]) =>
  frames.map((f) => (f.kind === FrameKind.Json ? { json: f.payload.toString('utf8') } : { transfer: f.transfer, data: f.data.toString('hex') }));

/** Splits `bytes` at the given (unsorted, possibly repeated) offsets. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  return pieces;
}

// Strictly decreasing piece sizes summing to at most `bytes`: the most pieces the decoder keeps.
const pieceBound = (bytes: number) => Math.ceil(Math.sqrt(2 * bytes)) + 1;

test('valid streams decode to the same frames however they are chunked', (t) => {
  fc.assert(
    fc.property(fc.array(frameArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 40 }), (frames, cuts) => {
      const stream = Buffer.concat(frames.map((f) => f.bytes));
      const decoder = new FrameDecoder(64 * 1024);
      const decoded = split(stream, cuts).flatMap((piece) => decoder.push(piece));
      return JSON.stringify(describe(decoded)) === JSON.stringify(frames.map((f) => f.expect)) && decoder.bufferedBytes === 0;
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test('arbitrary bytes yield frames or a FrameError, never another exception, and never buffer more than the limit plus a header', (t) => {
  let errors = 0;
  const hostile = fc.array(fc.oneof(frameArb.map((f) => f.bytes), fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b))), { maxLength: 12 });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4096 }), hostile, fc.array(fc.nat(), { maxLength: 40 }), (limit, parts, cuts) => {
      const decoder = new FrameDecoder(limit);
      for (const piece of split(Buffer.concat(parts), cuts)) {
        let frames: Frame[];
        try {
          frames = decoder.push(piece);
        } catch (error) {
          if (!(error instanceof FrameError)) throw error;
          errors++;
          return ['FRAME_TOO_LARGE', 'BAD_FRAME_KIND', 'BAD_CHUNK'].includes(error.code);
        }
        for (const f of frames) if ((f.kind === FrameKind.Json ? f.payload.length : f.data.length + 4) > limit) return false;
        if (decoder.bufferedBytes > limit + HEADER_BYTES) return false;
        if (decoder.bufferedPieces > pieceBound(limit + HEADER_BYTES)) return false;
      }
      return true;
    }),
    { numRuns: RUNS * 2 },
  );
  t.true(errors > 0, 'some inputs were refused');
});

test('a frame trickled a byte at a time is held in a handful of pieces, and decodes whole', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20_000 }), (size) => {
      const frame = encodeChunkFrame(7, Buffer.alloc(size, 0x61));
      const decoder = new FrameDecoder(32 * 1024);
      let most = 0;
      let out: Frame[] = [];
      for (let i = 0; i < frame.length; i++) {
        out = out.concat(decoder.push(frame.subarray(i, i + 1)));
        most = Math.max(most, decoder.bufferedPieces);
      }
      return out.length === 1 && most <= Math.log2(frame.length) + 2;
    }),
    { numRuns: 30 },
  );
  t.pass();
});
