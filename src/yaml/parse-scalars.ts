/**
 * Scanners for the scalar styles: one line of a plain scalar, single- and double-quoted
 * scalars (escapes and line folding) and literal/folded block scalars (chomping, explicit and
 * detected indentation). They work on the source string with indices and slices; the reader
 * owns the cursor, and parse.ts turns ScanError (which the reader throws too) into a
 * positioned YamlError.
 *
 * Line breaks are LF, CR LF and a lone CR (kustomize rewrites CR LF first; libyaml takes a lone
 * CR as a break); each becomes "\n" in values. Where libyaml differs from the YAML 1.2 text we
 * follow libyaml (yaml.v3's scanner): "\/" is not an escape, "\'" is one, surrogate code points
 * from \u escapes are rejected, and tabs may not stand in for block scalar indentation.
 */

/** The part of the reader the scanners move. */
export interface Cursor {
  readonly src: string;
  pos: number;
  lineStart: number;
}

/** A reading failure at a source offset (parse.ts adds the line and column). */
export class ScanError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/**
 * libyaml refuses C0 and C1 control characters (but tab, LF, CR and NEL) and U+FFFE/U+FFFF
 * anywhere in the input. The scanners check the characters they pass over; anything else
 * they meet is a syntax error, which parse.ts reports as this error when such a character
 * comes first.
 */
export function controlCharacter(c: number, i: number): never {
  throw new ScanError(`control characters are not allowed (U+${c.toString(16).toUpperCase().padStart(4, '0')})`, i);
}

/** True for a character libyaml refuses (see controlCharacter). */
export function isControl(c: number): boolean {
  return c < 0x20 ? c !== 9 && c !== 10 && c !== 13 : c >= 0x7f && (c <= 0x9f ? c !== 0x85 : c >= 0xfffe);
}

/** Index of the line break (or end) at or after i: the rest of a comment or line. */
export function skipLine(src: string, i: number): number {
  const len = src.length;
  for (; i < len; i++) {
    const c = src.charCodeAt(i);
    if (c < 0x20) {
      if (c === 10 || c === 13) return i;
      if (c !== 9) controlCharacter(c, i);
    } else if (c >= 0x7f && (c <= 0x9f || c >= 0x2028)) {
      if (c === 0x85 || c === 0x2028 || c === 0x2029) return i;
      if (c <= 0x9f || c >= 0xfffe) controlCharacter(c, i);
    }
  }
  return i;
}

/** True for a space, tab, line break or the end of input (libyaml's "blankz"). */
export function isBlankz(src: string, i: number): boolean {
  if (i >= src.length) return true;
  const c = src.charCodeAt(i);
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
}

/** True when a document marker ("---" or "..." then a blank) starts at i, which begins a line. */
export function isDocMarker(src: string, i: number): boolean {
  const c = src.charCodeAt(i);
  if (c !== 45 && c !== 46) return false;
  return src.charCodeAt(i + 1) === c && src.charCodeAt(i + 2) === c && isBlankz(src, i + 3);
}

/** Index after the line break at i (CR LF counts as one). */
function afterBreak(src: string, i: number): number {
  return src.charCodeAt(i) === 13 && src.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
}

/**
 * Scans one line of a plain scalar starting at i. Stops at a line break or the end, at ": "
 * (':' before a blank), at " #", and in flow context at , ? [ ] { }. Sets cur.pos to the stop
 * and returns the end of the text with trailing blanks trimmed.
 */
export function scanPlainLine(cur: Cursor, i: number, flow: boolean): number {
  const src = cur.src;
  const len = src.length;
  for (; i < len; i++) {
    const c = src.charCodeAt(i);
    if (c === 58) {
      if (isBlankz(src, i + 1)) break;
    } else if (c === 35) {
      const p = src.charCodeAt(i - 1);
      if (p === 32 || p === 9) break;
    } else if (c < 0x20) {
      if (c === 10 || c === 13) break;
      if (c !== 9) controlCharacter(c, i);
    } else if (c > 0x7e) {
      if (c === 0x85 || c === 0x2028 || c === 0x2029) break;
      if (c <= 0x9f || c >= 0xfffe) controlCharacter(c, i);
    } else if (flow && (c === 44 || c === 63 || c === 91 || c === 93 || c === 123 || c === 125)) {
      break; // libyaml ends plain scalars in flow collections at '?' too
    }
  }
  cur.pos = i;
  let e = i;
  while (e > 0) {
    const p = src.charCodeAt(e - 1);
    if (p !== 32 && p !== 9) break;
    e--;
  }
  return e;
}

/** A line break: LF, CR, and (as libyaml reads YAML 1.1) NEL, LS and PS. */
export function isBreakCode(c: number): boolean {
  return c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
}

/** What a line break reads as: "\n", except LS and PS which libyaml keeps as they are. */
function breakText(c: number): string {
  return c === 0x2028 || c === 0x2029 ? String.fromCharCode(c) : '\n';
}

/**
 * Line folding inside quoted scalars, at the break at i: consumes the break and any empty
 * lines with the next line's leading blanks, and returns the index of the next content. What
 * the breaks fold into (" ", or one "\n" per empty line) is left in `fold.text`.
 */
const fold = { text: '' };
function foldQuoted(cur: Cursor, i: number, open: number): number {
  const src = cur.src;
  const len = src.length;
  const first = breakText(src.charCodeAt(i));
  let rest = '';
  for (;;) {
    i = afterBreak(src, i);
    cur.lineStart = i;
    if (isDocMarker(src, i)) throw new ScanError('found unexpected document indicator while scanning a quoted scalar', i);
    let c = src.charCodeAt(i);
    while (c === 32 || c === 9) c = src.charCodeAt(++i);
    if (isBreakCode(c)) {
      rest += breakText(c);
      continue;
    }
    if (i >= len) throw new ScanError('found unexpected end of stream while scanning a quoted scalar', open);
    fold.text = first === '\n' ? (rest === '' ? ' ' : rest) : first + rest;
    return i;
  }
}

/** End index of the text before i with trailing blanks dropped (not before start). */
function trimEnd(src: string, start: number, i: number): number {
  while (i > start) {
    const p = src.charCodeAt(i - 1);
    if (p !== 32 && p !== 9) break;
    i--;
  }
  return i;
}

/** A single-quoted scalar; cur.pos is at the opening quote and ends after the closing one. */
export function readSingleQuoted(cur: Cursor): string {
  const src = cur.src;
  const start = cur.pos + 1;
  const end = src.indexOf("'", start);
  // fast path: one line, no '' escape
  if (end >= 0 && src.charCodeAt(end + 1) !== 39) {
    let i = start;
    for (; i < end; i++) {
      const c = src.charCodeAt(i);
      if (c < 0x20 || (c >= 0x7f && (c <= 0x9f || c >= 0x2028))) break;
    }
    if (i === end) {
      cur.pos = end + 1;
      return src.slice(start, end);
    }
  }
  return readSingleQuotedSlow(cur);
}

function readSingleQuotedSlow(cur: Cursor): string {
  const src = cur.src;
  const len = src.length;
  const open = cur.pos;
  let i = open + 1;
  let start = i;
  let out = '';
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 39) {
      if (src.charCodeAt(i + 1) === 39) {
        out += src.slice(start, i + 1);
        i += 2;
        start = i;
        continue;
      }
      cur.pos = i + 1;
      return out + src.slice(start, i);
    }
    if (c === 10 || c === 13 || (c >= 0x85 && isBreakCode(c))) {
      out += src.slice(start, trimEnd(src, start, i));
      i = foldQuoted(cur, i, open);
      out += fold.text;
      start = i;
      continue;
    }
    if (i >= len) throw new ScanError('found unexpected end of stream while scanning a quoted scalar', open);
    if (isControl(c)) controlCharacter(c, i);
    i++;
  }
}

const SIMPLE_ESCAPES: Record<number, string> = {
  48: '\0',
  97: '\x07',
  98: '\b',
  116: '\t',
  9: '\t',
  110: '\n',
  118: '\v',
  102: '\f',
  114: '\r',
  101: '\x1b',
  32: ' ',
  34: '"',
  39: "'",
  92: '\\',
  78: '\x85',
  95: '\xa0',
  76: '\u2028',
  80: '\u2029',
};

/**
 * Set when an escape produced a character that kustomize's JSON re-read changes or refuses
 * (U+007F-U+009F, U+FFFE, U+FFFF); the reader takes it after each double-quoted scalar.
 */
let rereadChar = false;
export function takeRereadFlag(): boolean {
  const f = rereadChar;
  rereadChar = false;
  return f;
}

function hexEscape(src: string, i: number, digits: number): string {
  let code = 0;
  for (let k = 0; k < digits; k++) {
    const c = src.charCodeAt(i + k);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else throw new ScanError('did not find expected hexdecimal number while parsing a quoted scalar', i + k);
    code = code * 16 + d;
  }
  if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
    throw new ScanError('found invalid Unicode character escape code while parsing a quoted scalar', i - 2);
  }
  if ((code >= 0x7f && code <= 0x9f) || code === 0xfffe || code === 0xffff) rereadChar = true;
  return String.fromCodePoint(code);
}

/** A double-quoted scalar; cur.pos is at the opening quote and ends after the closing one. */
export function readDoubleQuoted(cur: Cursor): string {
  const src = cur.src;
  const len = src.length;
  const open = cur.pos;
  let i = open + 1;
  let start = i;
  // fast path: no escape and no line break
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 34) {
      cur.pos = i + 1;
      return src.slice(start, i);
    }
    if (c === 92 || c < 0x20 || i >= len || (c >= 0x7f && (c <= 0x9f || c >= 0x2028))) break;
    i++;
  }
  return readDoubleQuotedSlow(cur, start, i);
}

function readDoubleQuotedSlow(cur: Cursor, start: number, i: number): string {
  const src = cur.src;
  const len = src.length;
  const open = start - 1;
  let out = '';
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 34) {
      cur.pos = i + 1;
      return out + src.slice(start, i);
    }
    if (c === 92) {
      out += src.slice(start, i);
      const e = src.charCodeAt(i + 1);
      if (e === 120 || e === 117 || e === 85) {
        const digits = e === 120 ? 2 : e === 117 ? 4 : 8;
        out += hexEscape(src, i + 2, digits);
        i += 2 + digits;
      } else if (e === 10 || e === 13 || (e >= 0x85 && isBreakCode(e))) {
        // an escaped line break joins the lines; empty lines after it still count
        i = afterBreak(src, i + 1);
        cur.lineStart = i;
        if (isDocMarker(src, i)) throw new ScanError('found unexpected document indicator while scanning a quoted scalar', i);
        for (;;) {
          let d = src.charCodeAt(i);
          while (d === 32 || d === 9) d = src.charCodeAt(++i);
          if (isBreakCode(d)) {
            out += breakText(d);
            i = afterBreak(src, i);
            cur.lineStart = i;
            if (isDocMarker(src, i)) throw new ScanError('found unexpected document indicator while scanning a quoted scalar', i);
            continue;
          }
          break;
        }
      } else {
        const s = SIMPLE_ESCAPES[e];
        if (s === undefined) {
          if (i + 1 >= len) throw new ScanError('found unexpected end of stream while scanning a quoted scalar', open);
          throw new ScanError('found unknown escape character while parsing a quoted scalar', i);
        }
        if (e === 78) rereadChar = true; // \N
        out += s;
        i += 2;
      }
      start = i;
      continue;
    }
    if (c === 10 || c === 13 || (c >= 0x85 && isBreakCode(c))) {
      out += src.slice(start, trimEnd(src, start, i));
      i = foldQuoted(cur, i, open);
      out += fold.text;
      start = i;
      continue;
    }
    if (i >= len) throw new ScanError('found unexpected end of stream while scanning a quoted scalar', open);
    if (isControl(c)) controlCharacter(c, i);
    i++;
  }
}

/**
 * A literal ('|') or folded ('>') block scalar. cur.pos is at the indicator; n is the
 * indentation of the enclosing block collection (-1 at the document level). Leaves cur.pos at
 * the first non-space character of the first line that is not part of the scalar (or the
 * end), with cur.lineStart at that line's start.
 */
export function readBlockScalar(cur: Cursor, n: number): string {
  const src = cur.src;
  const len = src.length;
  const literal = src.charCodeAt(cur.pos) === 124;
  let i = cur.pos + 1;
  let chomp = 0; // -1 strip, 0 clip, 1 keep
  let increment = 0;
  for (let k = 0; k < 2; k++) {
    const c = src.charCodeAt(i);
    if ((c === 43 || c === 45) && chomp === 0) {
      chomp = c === 43 ? 1 : -1;
      i++;
    } else if (c >= 48 && c <= 57 && increment === 0) {
      if (c === 48) throw new ScanError('found an indentation indicator equal to 0 while scanning a block scalar', i);
      increment = c - 48;
      i++;
    }
  }
  let c = src.charCodeAt(i);
  while (c === 32 || c === 9) c = src.charCodeAt(++i);
  if (c === 35) {
    i = skipLine(src, i);
    c = src.charCodeAt(i);
  }
  if (i < len && !isBreakCode(c)) {
    throw new ScanError('did not find expected comment or line break while scanning a block scalar', i);
  }
  if (i < len) i = afterBreak(src, i);

  let indent = increment > 0 ? (n >= 0 ? n + increment : increment) : 0;
  let out = '';
  let leadingBreak = ''; // the break after the last content line, not yet written
  let trailingBreaks = ''; // the empty lines since then
  let leadingBlank = false; // the last content line started with a blank (folded: kept as is)
  let lineStart = i;
  let col = 0;

  // Empty lines (and the next line's indentation). While the indentation is still to be
  // detected, it also measures the deepest leading empty line, which libyaml lets raise it.
  const scanBreaks = (): void => {
    let maxIndent = 0;
    for (;;) {
      lineStart = i;
      col = 0;
      while ((indent === 0 || col < indent) && src.charCodeAt(i) === 32) {
        i++;
        col++;
      }
      if (col > maxIndent) maxIndent = col;
      const d = src.charCodeAt(i);
      if ((indent === 0 || col < indent) && d === 9) {
        throw new ScanError('found a tab character where an indentation space is expected while scanning a block scalar', i);
      }
      if (d === 10 || d === 13 || (d >= 0x85 && isBreakCode(d))) {
        trailingBreaks += breakText(d);
        i = afterBreak(src, i);
        continue;
      }
      break;
    }
    if (indent === 0) indent = Math.max(maxIndent, n + 1, 1);
  };

  scanBreaks();
  while (col === indent && i < len) {
    // a content line: everything after the indentation
    const first = src.charCodeAt(i);
    const blank = first === 32 || first === 9;
    if (!literal && leadingBreak === '\n' && !leadingBlank && !blank) {
      out += trailingBreaks === '' ? ' ' : trailingBreaks;
    } else {
      out += leadingBreak + trailingBreaks;
    }
    leadingBlank = blank;
    trailingBreaks = '';
    const e = skipLine(src, i);
    const d = src.charCodeAt(e);
    out += src.slice(i, e);
    if (e >= len) {
      i = e;
      leadingBreak = '';
      lineStart = i;
      col = 0;
      break;
    }
    leadingBreak = breakText(d);
    i = afterBreak(src, e);
    scanBreaks();
  }
  if (chomp !== -1) out += leadingBreak;
  if (chomp === 1) out += trailingBreaks;
  // the line that ended the scalar: move past its remaining indentation
  while (src.charCodeAt(i) === 32) i++;
  cur.pos = i;
  cur.lineStart = lineStart;
  return out;
}
