/**
 * Characters that draw nothing yet change how text reads, wraps or compares: every format
 * character (Unicode category Cf: zero-width space, non-joiner and joiner, word joiner, soft
 * hyphen, bidi marks, embeddings, overrides and isolates, the byte-order mark, interlinear
 * annotation, tags…), the rest of the tag block and of U+2060–U+206F, and the line and
 * paragraph separators. Shared by the client (shown text, saved file names) and the server's
 * log. Global: for replace().
 */
export const INVISIBLE = /[\p{Cf}\u2028\u2029\u2060-\u206f\u{e0000}-\u{e007f}]/gu;
