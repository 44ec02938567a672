import test from 'ava';
import { encodeChunkFrame, encodeJsonFrame, FrameDecoder, FrameError, FrameKind, type Frame } from '../core/protocol/frame.js';

const messages = [{ t: 'hello', v: 1 }, { t: 'cmd', id: 1, line: '/join ñandú 🎉' }, { t: 'ping' }];
const stream = Buffer.concat([...messages.map((m) => encodeJsonFrame(m)), encodeChunkFrame(7, Buffer.from([0, 1, 2, 255]))]);

function decodeAll(chunks: Buffer[]): Frame[] {
  const decoder = new FrameDecoder(1024);
  return chunks.flatMap((c) => decoder.push(c));
}

function describe(frames: Frame[]) {
  return frames.map((f) => (f.kind === FrameKind.Json ? JSON.parse(f.payload.toString()) : { transfer: f.transfer, data: [...f.data] }));
}

test('a stream split at every byte decodes to the same frames', (t) => {
  const whole = describe(decodeAll([stream]));
  t.deepEqual(whole, [...messages, { transfer: 7, data: [0, 1, 2, 255] }]);
  for (let cut = 1; cut < stream.length; cut++) {
    t.deepEqual(describe(decodeAll([stream.subarray(0, cut), stream.subarray(cut)])), whole, `cut at ${cut}`);
  }
  t.deepEqual(describe(decodeAll([...stream].map((b) => Buffer.from([b])))), whole);
});

test('a frame announcing more than the limit is refused from its header alone', (t) => {
  const decoder = new FrameDecoder(1024);
  const header = Buffer.from([FrameKind.Json, 0, 0, 4, 1]); // 1025 bytes announced
  const error = t.throws(() => decoder.push(header), { instanceOf: FrameError });
  t.is(error?.code, 'FRAME_TOO_LARGE');
  t.is(decoder.bufferedBytes, 5);
});

test('an unknown frame kind is refused', (t) => {
  const error = t.throws(() => new FrameDecoder(1024).push(Buffer.from([9, 0, 0, 0, 0])), { instanceOf: FrameError });
  t.is(error?.code, 'BAD_FRAME_KIND');
});
