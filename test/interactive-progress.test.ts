import test from 'ava';
import { ProgressBoard, progressLine } from '../client/interactive/progress.js';
import type { TransferProgress } from '../client/transfers.js';

const MiB = 1024 * 1024;
const down = (state: TransferProgress['state'], bytes: number, extra: Partial<TransferProgress> = {}): TransferProgress => ({
  direction: 'down',
  transfer: 7,
  name: 'photo.jpg',
  peer: 'bob',
  bytes,
  total: 3 * MiB,
  state,
  ...extra,
});

test('a transfer gets a progress line only after half a second, and loses it when it ends', (t) => {
  let now = 1000;
  const board = new ProgressBoard(() => now);
  board.update(down('started', 0));
  board.update(down('progress', MiB));
  now += 499;
  t.deepEqual(board.lines(), []);
  now += 1;
  t.deepEqual(board.lines(), ['receiving photo.jpg from bob  33% [###-------] 1 MiB of 3 MiB, 2 MiB/s']);
  board.update(down('done', 3 * MiB, { path: '/tmp/photo.jpg' }));
  t.deepEqual(board.lines(), []);
  t.false(board.active);
});

test('percent, bytes and rate follow the bytes moved; uploads and downloads each have their line', (t) => {
  let now = 0;
  const board = new ProgressBoard(() => now);
  board.update(down('started', 0));
  board.update({ ...down('started', 0), direction: 'up', transfer: 9, name: 'report.pdf', peer: 'carol', total: 2 * MiB });
  now = 2000;
  board.update(down('progress', 1.5 * MiB));
  board.update({ ...down('progress', 512 * 1024), direction: 'up', transfer: 9, name: 'report.pdf', peer: 'carol', total: 2 * MiB });
  t.deepEqual(board.lines(), [
    'receiving photo.jpg from bob  50% [#####-----] 1.5 MiB of 3 MiB, 768 KiB/s',
    'sending report.pdf to carol  25% [###-------] 512 KiB of 2 MiB, 256 KiB/s',
  ]);
  board.update({ ...down('failed', 0), reason: 'connection lost' });
  t.is(board.lines().length, 1);
  t.true(board.active);
});

test('a queued upload has no progress line until it starts', (t) => {
  let now = 0;
  const board = new ProgressBoard(() => now);
  board.update({ ...down('queued', 0), direction: 'up', position: 3 });
  now = 5000;
  t.deepEqual(board.lines(), []);
  t.false(board.active);
});

test('names from the other side are cleaned and kept short in the progress line', (t) => {
  const line = progressLine(down('progress', 0, { name: `\x1b[2J${'x'.repeat(50)}.txt`, peer: 'b\u202eob' }), 1000);
  t.false(line.includes('\x1b'));
  t.false(line.includes('\u202e'));
  t.regex(line, /^receiving x{31}… from bob {3}0% \[-{10}\] 0 bytes of 3 MiB, 0 bytes\/s$/);
});

test('a narrow terminal gets a shorter progress line that still shows percent and rate', (t) => {
  const p = down('progress', 1.5 * MiB);
  t.is(progressLine(p, 2000, 80), 'receiving photo.jpg from bob  50% [#####-----] 1.5 MiB of 3 MiB, 768 KiB/s');
  t.is(progressLine(p, 2000, 60), 'recv photo.jpg 50% 1.5 MiB/3 MiB 768 KiB/s');
  t.is(progressLine(p, 2000, 39), 'recv 50% 768 KiB/s photo.jpg');
  t.is(progressLine({ ...p, direction: 'up' }, 2000, 20), 'send 50% 768 KiB/s …');
});
