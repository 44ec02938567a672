import { INVISIBLE } from '../core/protocol/invisible.js';

/**
 * Removes everything that could steer a terminal from text another user wrote: escape
 * sequences (CSI, OSC, DCS and the rest, 7-bit and 8-bit), C0 and C1 control characters, and
 * the invisible format characters (zero-width ones, bidi overrides, tags…) that hide text or
 * make it read differently from what it is. Line breaks of any kind become spaces, so one
 * event stays one line.
 */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~]?)|\x9b[0-?]*[ -/]*[@-~]?|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

const BREAKS = /[\r\n\t\x85\u2028\u2029]/g;

export function sanitize(text: string): string {
  return text.replace(ESCAPES, '').replace(BREAKS, ' ').replace(CONTROLS, '').replace(INVISIBLE, '');
}
