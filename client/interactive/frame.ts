import { advance, cursorPosition, rowsOf } from './layout.js';

const ESC = '\x1b[';
export const HIDE_CURSOR = `${ESC}?25l`;
export const SHOW_CURSOR = `${ESC}?25h`;

/** What sits at the bottom of the screen: status lines (progress, candidates), then the prompt. */
export interface Frame {
  status: readonly string[];
  label: string;
  input: string;
  /** Offset into `input` (UTF-16 units, as enquirer keeps it). */
  cursor: number;
}

/** The text of a drawn frame, kept so that it can be erased later at whatever width then holds. */
export interface Drawn {
  status: readonly string[];
  before: string;
  after: string;
}

/**
 * Moves from the cursor to the frame's first row and clears to the end of the screen. Row
 * counts use the current width: terminals that re-wrap on resize (tmux, VTE, iTerm2) have
 * re-wrapped the frame the same way.
 */
export function erase(drawn: Drawn | undefined, width: number): string {
  if (!drawn) return `\r${ESC}J`;
  const up = drawn.status.reduce((rows, line) => rows + rowsOf(line, width), 0) + cursorPosition(drawn.before, drawn.after, width).row;
  return `\r${up > 0 ? `${ESC}${up}A` : ''}${ESC}J`;
}

/** Draws a frame from column 0 and leaves the cursor where the user is editing. */
export function draw(frame: Frame, width: number): { text: string; drawn: Drawn } {
  const before = frame.label + frame.input.slice(0, frame.cursor);
  const after = frame.input.slice(frame.cursor);
  let text = frame.status.map((line) => `${line}\r\n`).join('') + frame.label + frame.input;
  const end = advance(frame.label + frame.input, width);
  const target = cursorPosition(before, after, width);
  if (target.row > end.row) {
    // The text exactly fills its last row and the cursor is at its end: wrap now, or the
    // terminal leaves the cursor pending on the last cell. That puts it in place.
    text += ' \r';
  } else {
    const up = end.row - target.row;
    text += `${up > 0 ? `${ESC}${up}A` : ''}\r${target.col > 0 ? `${ESC}${target.col}C` : ''}`;
  }
  return { text, drawn: { status: frame.status, before, after } };
}
