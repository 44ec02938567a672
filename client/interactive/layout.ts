import stringWidth from 'string-width';
import { stripVTControlCharacters } from 'node:util';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** A position on the terminal relative to the start of what was written: row and column. */
export interface Position {
  row: number;
  col: number;
}

/** Display width of text that may hold our own colour codes. */
export function displayWidth(text: string): number {
  return stringWidth(stripVTControlCharacters(text));
}

/**
 * Where the terminal leaves the cursor after writing `text` from column 0 on rows `width`
 * wide. Mirrors how terminals wrap: a character that does not fit on the rest of the row
 * (a wide one with one column left) goes to the next row. `col` may equal `width`, the
 * "pending wrap" state after the row's last cell is written.
 */
export function advance(text: string, width: number, from: Position = { row: 0, col: 0 }): Position {
  let { row, col } = from;
  for (const { segment } of graphemes.segment(stripVTControlCharacters(text))) {
    const w = stringWidth(segment);
    if (w === 0) continue;
    if (col + w > width) {
      row++;
      col = 0;
    }
    col += w;
  }
  return { row, col };
}

/**
 * Where the cursor shows when it sits between `before` and `after`: on the cell the next
 * character will take, so at the start of the next row when that character (or the end of
 * the text, which we wrap by hand) does not fit on this one.
 */
export function cursorPosition(before: string, after: string, width: number): Position {
  const at = advance(before, width);
  const next = firstGrapheme(after);
  const needs = next === undefined ? 1 : Math.max(1, stringWidth(next));
  return at.col + needs > width ? { row: at.row + 1, col: 0 } : at;
}

/** How many rows a line of output takes (at least one, even when empty). */
export function rowsOf(line: string, width: number): number {
  return advance(line, width).row + 1;
}

/** Cuts text (no escape codes) to at most `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/** Rows a line wraps into start at least this far in, never in column 1. */
export const MIN_INDENT = 2;

// Our own colour codes: the only escapes left in a line once other people's text is sanitised.
// eslint-disable-next-line no-control-regex
const SGR = /(\x1b\[[\d;]*m)/;

/**
 * Columns a grapheme may take, erring wide: a terminal that does not join a sequence (a skin
 * tone, an old emoji) draws its parts side by side, and a row we thought fitted would wrap.
 */
function columnsOf(grapheme: string): number {
  let parts = 0;
  for (const ch of grapheme) parts += stringWidth(ch);
  return Math.max(stringWidth(grapheme), parts);
}

/**
 * Cuts a line (which may hold our colour codes) into rows of at most `width` columns, each
 * row after the first starting with `indent` spaces (fewer on a very narrow terminal). The
 * terminal then never wraps a line itself, so no text can begin a row in column 1 and pass
 * for a line of its own. Colour runs on across the cut, as the terminal keeps it.
 */
export function hangingRows(line: string, width: number, indent: number): string[] {
  const pad = ' '.repeat(Math.max(0, Math.min(indent, width - 2)));
  const rows: string[] = [];
  let row = '';
  let used = 0;
  line.split(SGR).forEach((piece, i) => {
    if (i % 2 === 1) return void (row += piece);
    for (const { segment } of graphemes.segment(piece)) {
      const w = columnsOf(segment);
      // A grapheme wider than a whole row stays where it is rather than leave an empty one.
      if (used + w > width && used > (rows.length === 0 ? 0 : pad.length)) {
        rows.push(row);
        row = pad;
        used = pad.length;
      }
      row += segment;
      used += w;
    }
  });
  rows.push(row);
  return rows;
}

function firstGrapheme(text: string): string | undefined {
  for (const { segment } of graphemes.segment(text)) return segment;
  return undefined;
}

/** The offset of the grapheme boundary before (`-1`) or after (`+1`) `pos` in `text`. */
export function graphemeStep(text: string, pos: number, direction: -1 | 1): number {
  let previous = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    const end = index + segment.length;
    if (direction === 1 && index >= pos) return end;
    if (direction === -1 && end >= pos) return index < pos ? index : previous;
    previous = index;
  }
  return direction === 1 ? text.length : previous;
}
