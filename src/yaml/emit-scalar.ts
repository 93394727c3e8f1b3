/**
 * The low level of a yaml.v2-compatible printer: the output state (column, "after
 * whitespace", "inside indentation") and the four ways a string scalar is written — plain,
 * single-quoted, double-quoted, literal block — with yaml.v2's choice between them and its
 * folding of long lines at 80 columns. Columns count characters, as yaml.v2 does.
 */
import { plainReadsAsString } from './emit-resolve.js';

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

export class EmitState {
  /** The text so far, in pieces (joined once at the end). */
  parts: string[] = [];
  col = 0;
  /** The last thing written was whitespace (or nothing on this line yet). */
  ws = true;
  /** Only indentation has been written on this line so far. */
  ind = true;

  /** An indicator such as ':', '-', '?', '|', a quote. */
  indicator(text: string, needWs: boolean, isWs: boolean, isInd: boolean): void {
    if (needWs && !this.ws) {
      this.parts.push(' ' + text);
      this.col += 1 + text.length;
    } else {
      this.parts.push(text);
      this.col += text.length;
    }
    this.ws = isWs;
    this.ind = this.ind && isInd;
  }

  /** Go to column `indent`, on a new line unless this line holds only indentation before it. */
  indent(n: number): void {
    const indent = n < 0 ? 0 : n;
    if (!this.ind || this.col > indent || (this.col === indent && !this.ws)) {
      this.parts.push(newlineSpaces(indent));
      this.col = indent;
    } else if (this.col < indent) {
      this.parts.push(spaces(indent - this.col));
      this.col = indent;
    }
    this.ws = true;
    this.ind = true;
  }
}

const SPACES: string[] = [];
const NEWLINE_SPACES: string[] = [];

export function spaces(n: number): string {
  let s = SPACES[n];
  if (s === undefined) {
    s = ' '.repeat(n);
    if (n < 256) SPACES[n] = s;
  }
  return s;
}

/** A line break and n spaces of indentation. */
function newlineSpaces(n: number): string {
  let s = NEWLINE_SPACES[n];
  if (s === undefined) {
    s = '\n' + ' '.repeat(n);
    if (n < 256) NEWLINE_SPACES[n] = s;
  }
  return s;
}

/** yaml.v2's printable set: LF, 0x20–0x7E, U+00A0–U+D7FF, U+E000–U+FFFD but not U+FEFF. Astral is not. */
function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

function isBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
}

export enum Style {
  Plain,
  Single,
  Double,
  Literal,
}

// Allowed styles, as yaml.v2's scalar analysis decides them (flow context never occurs here:
// only empty collections are printed in flow style).
const MULTILINE = 1;
const BLOCK_PLAIN = 2;
const SINGLE = 4;
const BLOCK = 8;
const ALL_SINGLE_LINE = BLOCK_PLAIN | SINGLE | BLOCK;

// Strings made only of these, not starting with '-' or '.', need no further analysis.
const SIMPLE = /^[A-Za-z0-9_/][A-Za-z0-9_./,=()+@%!&*?[\]{}-]*$/;
// Characters outside yaml.v2's printable set (astral characters show up as surrogates).
const NOT_PRINTABLE = /[^\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;
const BREAK_THEN_SPACE = /[\n\r\u0085\u2028\u2029] /;
const SPACE_THEN_BREAK = / [\n\r\u0085\u2028\u2029]/;
// ": " (or ':' at the end) and " #" anywhere make a plain scalar impossible in block context.
const INNER_INDICATOR = /:[ \t]|:$|[ \t\n\r\u0085\u2028\u2029\x00]#/;

/** yaml.v2's scalar analysis, as native regex scans rather than a loop over characters. */
function analyze(s: string): number {
  if (s.length === 0) return BLOCK_PLAIN | SINGLE; // and block not allowed
  if (SIMPLE.test(s)) return ALL_SINGLE_LINE;
  const n = s.length;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(n - 1);
  const second = n > 1 ? s.charCodeAt(1) : -1;
  const firstFollowedByWs = second === -1 || second === 0x20 || second === 0x09;
  let blockIndicators = s.startsWith('---') || s.startsWith('...') || INNER_INDICATOR.test(s);
  switch (first) {
    case 0x23: case 0x2c: case 0x5b: case 0x5d: case 0x7b: case 0x7d: case 0x26: case 0x2a:
    case 0x21: case 0x7c: case 0x3e: case 0x27: case 0x22: case 0x25: case 0x40: case 0x60:
      // # , [ ] { } & * ! | > ' " % @ `
      blockIndicators = true;
      break;
    case 0x3f: case 0x3a: case 0x2d: // ? : - followed by a blank
      if (firstFollowedByWs) blockIndicators = true;
      break;
  }
  const special = NOT_PRINTABLE.test(s);
  const lineBreaks = LINE_BREAK.test(s);
  const trailingSpace = last === 0x20;
  const edge = first === 0x20 || isBreak(first) || trailingSpace || isBreak(last);
  const breakSpace = lineBreaks && BREAK_THEN_SPACE.test(s);
  const spaceBreak = lineBreaks && SPACE_THEN_BREAK.test(s);
  let blockPlain = true;
  let single = true;
  let block = true;
  if (edge) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) blockPlain = single = false;
  if (spaceBreak || special) blockPlain = single = block = false;
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return (lineBreaks ? MULTILINE : 0) | (blockPlain ? BLOCK_PLAIN : 0) | (single ? SINGLE : 0) | (block ? BLOCK : 0);
}

export interface StringInfo {
  /** Style for a value (or a complex key). */
  style: Style;
  /** Whether it can be a simple `key:` (one line, at most 128 UTF-8 bytes). */
  simpleKey: boolean;
  /** Style as a simple key. */
  keyStyle: Style;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdbff ? 1 : 2; // a pair is 4 bytes
  }
  return n;
}

/** What the encoder asks for, narrowed to what the analysis allows (yaml.v2's select_scalar_style). */
function selectStyle(requested: Style, flags: number, simpleKey: boolean): Style {
  if (simpleKey && flags & MULTILINE) return Style.Double;
  let st = requested;
  if (st === Style.Plain && !(flags & BLOCK_PLAIN)) st = Style.Single;
  if (st === Style.Single && !(flags & SINGLE)) st = Style.Double;
  if (st === Style.Literal && (!(flags & BLOCK) || simpleKey)) st = Style.Double;
  return st;
}

/**
 * yaml.v2's choice of style for a string: the encoder asks for a literal block when the
 * string has a newline, plain when it reads back as the same string, double quotes
 * otherwise; the emitter then falls back from plain to single quotes to double quotes, and
 * from a block to double quotes, as the characters require.
 */
export function stringInfo(s: string): StringInfo {
  const flags = analyze(s);
  let requested: Style;
  if (s.includes('\n')) requested = Style.Literal;
  else if (plainReadsAsString(s)) requested = Style.Plain;
  else requested = Style.Double;
  const simpleKey = !(flags & MULTILINE) && (s.length <= 32 || utf8Length(s) <= 128);
  return { style: selectStyle(requested, flags, false), simpleKey, keyStyle: selectStyle(requested, flags, true) };
}

const INFO_CACHE = new Map<string, StringInfo>();

/** stringInfo, remembered for short strings (keys and common values repeat a lot). */
export function cachedStringInfo(s: string): StringInfo {
  if (s.length > 64) return stringInfo(s);
  let info = INFO_CACHE.get(s);
  if (info === undefined) {
    if (INFO_CACHE.size > 100_000) INFO_CACHE.clear();
    info = stringInfo(s);
    INFO_CACHE.set(s, info);
  }
  return info;
}

/** A plain scalar that never folds (numbers, booleans, null). */
export function writePlainWord(e: EmitState, text: string): void {
  if (!e.ws) {
    e.parts.push(' ' + text);
    e.col += 1 + text.length;
  } else {
    e.parts.push(text);
    e.col += text.length;
  }
  e.ws = false;
  e.ind = false;
}

/**
 * Write a string scalar in the given style. `indent` is the scalar's own indentation (its
 * parent's plus two), where folded and block lines start. Folding happens only outside
 * simple keys.
 */
export function writeString(e: EmitState, s: string, style: Style, indent: number, simpleKey: boolean): void {
  switch (style) {
    case Style.Plain:
      return writePlain(e, s, indent, !simpleKey);
    case Style.Single:
      return writeSingle(e, s, indent, !simpleKey);
    case Style.Double:
      return writeDouble(e, s, indent, !simpleKey);
    case Style.Literal:
      return writeLiteral(e, s, indent);
  }
}

function writePlain(e: EmitState, s: string, indent: number, allowBreaks: boolean): void {
  if (!e.ws) {
    e.parts.push(' ');
    e.col++;
  }
  // No space sits beyond column 80, so nothing can fold. (Plain strings hold no astral
  // characters, so UTF-16 length is the character count.)
  if (!allowBreaks || e.col + s.length <= BEST_WIDTH + 1 || !s.includes(' ')) {
    e.parts.push(s);
    e.col += s.length;
  } else {
    let start = 0; // start of the pending run in s
    let col = e.col; // column of s[start]
    let out = '';
    let inSpaces = false;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) === 0x20) {
        const at = col + (i - start);
        if (!inSpaces && at > BEST_WIDTH && s.charCodeAt(i + 1) !== 0x20) {
          out += s.slice(start, i) + newlineSpaces(indent);
          start = i + 1;
          col = indent;
        }
        inSpaces = true;
      } else {
        inSpaces = false;
      }
    }
    out += s.slice(start);
    e.parts.push(out);
    e.col = col + (s.length - start);
  }
  e.ws = false;
  e.ind = false;
}

function writeSingle(e: EmitState, s: string, indent: number, allowBreaks: boolean): void {
  e.indicator("'", true, false, false);
  const hasBreak = /[\u2028\u2029]/.test(s); // other breaks never reach a single-quoted scalar
  const body = s.includes("'") ? s.replace(/'/g, "''") : s;
  if (!hasBreak && (!allowBreaks || e.col + body.length <= BEST_WIDTH + 1 || !s.includes(' '))) {
    e.parts.push(body);
    e.col += body.length;
  } else {
    let out = '';
    let col = e.col;
    let inSpaces = false;
    let inBreaks = false;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x20) {
        if (allowBreaks && !inSpaces && col > BEST_WIDTH && i > 0 && i < n - 1 && s.charCodeAt(i + 1) !== 0x20) {
          out += newlineSpaces(indent);
          col = indent;
        } else {
          out += ' ';
          col++;
        }
        inSpaces = true;
      } else if (c === 0x2028 || c === 0x2029) {
        // The break character itself ends the line; the next line is indented.
        out += s[i];
        col = 0;
        inBreaks = true;
      } else {
        if (inBreaks) {
          out += spaces(indent);
          col = indent;
        }
        out += c === 0x27 ? "''" : s[i];
        col += c === 0x27 ? 2 : 1;
        inSpaces = false;
        inBreaks = false;
      }
    }
    e.parts.push(out);
    e.col = col;
  }
  e.indicator("'", false, false, false);
  e.ws = false;
  e.ind = false;
}

const HEX = '0123456789ABCDEF';
function hex(v: number, digits: number): string {
  let out = '';
  for (let k = (digits - 1) * 4; k >= 0; k -= 4) out += HEX[(v >> k) & 15];
  return out;
}

function escapeFor(c: number): string {
  switch (c) {
    case 0x00: return '\\0';
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x09: return '\\t';
    case 0x0a: return '\\n';
    case 0x0b: return '\\v';
    case 0x0c: return '\\f';
    case 0x0d: return '\\r';
    case 0x1b: return '\\e';
    case 0x22: return '\\"';
    case 0x5c: return '\\\\';
    case 0x85: return '\\N';
    case 0xa0: return '\\_';
    case 0x2028: return '\\L';
    case 0x2029: return '\\P';
  }
  if (c <= 0xff) return '\\x' + hex(c, 2);
  if (c <= 0xffff) return '\\u' + hex(c, 4);
  return '\\U' + hex(c, 8);
}

function needsEscape(c: number): boolean {
  return !isPrintable(c) || isBreak(c) || c === 0x22 || c === 0x5c;
}

const DQ_PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;

function writeDouble(e: EmitState, s: string, indent: number, allowBreaks: boolean): void {
  e.indicator('"', true, false, false);
  if (DQ_PLAIN.test(s) && (!allowBreaks || e.col + s.length <= BEST_WIDTH + 1 || !s.includes(' '))) {
    e.parts.push(s);
    e.col += s.length;
  } else {
    // yaml.v2 looks for a byte order mark at the start of the value, not at each
    // position: a value that starts with one has every character escaped.
    const escapeAll = s.charCodeAt(0) === 0xfeff;
    let out = '';
    let col = e.col;
    let inSpaces = false;
    const n = s.length;
    for (let i = 0; i < n; ) {
      let c = s.charCodeAt(i);
      let w = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          w = 2;
        }
      }
      if (escapeAll || needsEscape(c)) {
        const esc = escapeFor(c);
        out += esc;
        col += esc.length;
        inSpaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !inSpaces && col > BEST_WIDTH && i !== 0 && i !== n - 1) {
          out += newlineSpaces(indent);
          col = indent;
          if (s.charCodeAt(i + 1) === 0x20) {
            out += '\\';
            col++;
          }
        } else {
          out += ' ';
          col++;
        }
        inSpaces = true;
      } else {
        out += w === 1 ? s[i] : s.slice(i, i + 2);
        col++;
        inSpaces = false;
      }
      i += w;
    }
    e.parts.push(out);
    e.col = col;
  }
  e.indicator('"', false, false, false);
  e.ws = false;
  e.ind = false;
}

function isBreakUnit(c: number): boolean {
  return c === 0x0a || c === 0x2028 || c === 0x2029; // \r and NEL never reach a literal block
}

function writeLiteral(e: EmitState, s: string, indent: number): void {
  e.indicator('|', true, false, false);
  // Header: an indentation indicator when the text starts with a space or a break, and
  // '-' (strip) when it does not end with a break, '+' (keep) when it ends with two or is
  // only a break, nothing (clip) when it ends with one.
  const first = s.charCodeAt(0);
  if (first === 0x20 || isBreakUnit(first)) e.indicator(String(BEST_INDENT), false, false, false);
  const n = s.length;
  const last = s.charCodeAt(n - 1);
  if (n === 0 || !isBreakUnit(last)) e.indicator('-', false, false, false);
  else if (n === 1 || isBreakUnit(s.charCodeAt(n - 2))) e.indicator('+', false, false, false);
  let out = '\n';
  const pad = spaces(indent);
  let col = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isBreakUnit(c)) {
      if (i > start) out += pad + s.slice(start, i);
      out += c === 0x0a ? '\n' : s[i];
      start = i + 1;
    }
  }
  if (start < n) {
    out += pad + s.slice(start);
    col = indent + (n - start);
  }
  e.parts.push(out);
  e.col = col;
  e.ws = true;
  e.ind = col === 0;
}
