/**
 * Typing of scalars as gopkg.in/yaml.v3 does when it decodes into interface{} (what kustomize
 * does before it prints), written from its documented behaviour and probes of kustomize v5.5.
 *
 * Untagged plain scalars: only those whose first character is a sign, a digit, '.', or one
 * of "yYnNtTfFoO~" can be anything but a string. Words: true/True/TRUE, false/False/FALSE,
 * ~/null/Null/NULL (and the empty scalar) and .inf/.nan spellings; YAML 1.1's yes/no/on/off
 * stay strings. A sign or digit start is tried, in order, as a timestamp, as a Go integer
 * literal with underscores removed (0x, 0o, 0b prefixes and a leading 0 for octal, so 0777 is
 * 511), as an unsigned 64-bit integer, as a decimal float, and as 0b/0o with a sign after the
 * prefix. A '.' start is tried as a Go float (underscores allowed between digits).
 * Integers are numbers when exact in a double and bigints beyond ±(2^53-1); a float that
 * overflows stays a string, as it does in Go. -0 becomes 0 (JSON output cannot tell them apart).
 */
import { parseTimestamp, timestampCandidate } from './resolve-timestamp.js';
import type { Scalar } from './types.js';

/** Resolved types, named as yaml.v3's short tags. */
export const TAG_STR = '!!str';
export const TAG_INT = '!!int';
export const TAG_FLOAT = '!!float';
export const TAG_BOOL = '!!bool';
export const TAG_NULL = '!!null';
export const TAG_TIMESTAMP = '!!timestamp';
export const TAG_BINARY = '!!binary';
export const TAG_MERGE = '!!merge';
export const TAG_MAP = '!!map';
export const TAG_SEQ = '!!seq';

/** A scalar that cannot be decoded with the tag it was given; the parser adds the position. */
export class ResolveError extends Error {}

/** The tag the last resolvePlain call chose (yaml.v3's "rtag"); read `resolved.tag` right after the call. */
export const resolved = { tag: TAG_STR };

const MAX_INT64 = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 99;
}

/** How many digits of each base always fit exactly in a double. */
function safeDigits(base: number): number {
  return base === 10 ? 15 : base === 16 ? 13 : base === 8 ? 17 : 53;
}

/** Exact integer value of digits in base, or undefined when a digit is invalid or there are none. */
function digitsValue(s: string, start: number, base: number): number | bigint | undefined {
  const n = s.length - start;
  if (n <= 0) return undefined;
  for (let i = start; i < s.length; i++) if (digitValue(s.charCodeAt(i)) >= base) return undefined;
  if (n <= safeDigits(base)) return parseInt(s.slice(start), base);
  const prefix = base === 10 ? '' : base === 16 ? '0x' : base === 8 ? '0o' : '0b';
  return BigInt(prefix + s.slice(start));
}

function narrow(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** Applies a sign and Go's int64 range; undefined when out of range. */
function signed(v: number | bigint, negative: boolean): number | bigint | undefined {
  if (typeof v === 'number') return negative ? (v === 0 ? 0 : -v) : v;
  const r = negative ? -v : v;
  if (r > MAX_INT64 || r < -MAX_INT64 - 1n) return undefined;
  return narrow(r);
}

/** strconv.ParseInt(s, 0, 64) (underscores already removed). */
function goParseIntBase0(s: string): number | bigint | undefined {
  let i = 0;
  const c0 = s.charCodeAt(0);
  const negative = c0 === 0x2d;
  if (negative || c0 === 0x2b) i = 1;
  if (i >= s.length) return undefined;
  let base = 10;
  if (s.charCodeAt(i) === 0x30) {
    const p = s.charCodeAt(i + 1) | 0x20;
    if (s.length - i >= 3 && (p === 0x78 || p === 0x6f || p === 0x62)) {
      base = p === 0x78 ? 16 : p === 0x6f ? 8 : 2;
      i += 2;
    } else {
      base = 8;
      i += 1;
      if (i === s.length) return 0;
    }
  }
  const v = digitsValue(s, i, base);
  return v === undefined ? undefined : signed(v, negative);
}

/** strconv.ParseUint(s, 0, 64) for values beyond int64 (no sign allowed). */
function goParseUintBase0(s: string): bigint | undefined {
  let i = 0;
  let base = 10;
  if (s.charCodeAt(0) === 0x30) {
    const p = s.charCodeAt(1) | 0x20;
    if (s.length >= 3 && (p === 0x78 || p === 0x6f || p === 0x62)) {
      base = p === 0x78 ? 16 : p === 0x6f ? 8 : 2;
      i = 2;
    } else {
      base = 8;
      i = 1;
    }
  }
  const v = digitsValue(s, i, base);
  if (v === undefined) return undefined;
  const b = BigInt(v);
  return b <= MAX_UINT64 ? b : undefined;
}

/** strconv.ParseInt(s, base, 64) then ParseUint(s, base, 64), for the 0b/0o fallbacks. */
function goParseIntWithBase(s: string, base: number, allowUnsigned: boolean): number | bigint | undefined {
  const c0 = s.charCodeAt(0);
  const negative = c0 === 0x2d;
  const i = negative || c0 === 0x2b ? 1 : 0;
  const v = digitsValue(s, i, base);
  if (v === undefined) return undefined;
  const r = signed(v, negative);
  if (r !== undefined) return r;
  if (allowUnsigned && i === 0) {
    const b = BigInt(v);
    if (b <= MAX_UINT64) return b;
  }
  return undefined;
}

/** yaml.v3's yamlStyleFloat: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
function isYamlStyleFloat(s: string): boolean {
  let i = 0;
  const n = s.length;
  let c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
  if (c === 0x2e) {
    const d0 = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === d0) return false;
  } else {
    const d0 = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === d0) return false;
    if (s.charCodeAt(i) === 0x2e) {
      i++;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
    }
  }
  if (i === n) return true;
  c = s.charCodeAt(i);
  if (c !== 0x65 && c !== 0x45) return false;
  c = s.charCodeAt(++i);
  if (c === 0x2b || c === 0x2d) i++;
  const e0 = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  return i > e0 && i === n;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Go's underscoreOK for a decimal float: each '_' between two digits. */
function underscoresBetweenDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 0x5f && !(isDigit(s.charCodeAt(i - 1)) && isDigit(s.charCodeAt(i + 1)))) return false;
  }
  return true;
}

function finiteOrUndefined(f: number): number | undefined {
  if (!Number.isFinite(f)) return undefined; // Go's ParseFloat reports a range error
  return f === 0 ? 0 : f;
}

function resolveNumberish(s: string, allowTimestamp: boolean): Scalar {
  if (allowTimestamp && timestampCandidate(s)) {
    const t = parseTimestamp(s);
    if (t !== undefined) {
      resolved.tag = TAG_TIMESTAMP;
      return t;
    }
  }
  const plain = s.indexOf('_') >= 0 ? s.replace(/_/g, '') : s;
  const i = goParseIntBase0(plain);
  if (i !== undefined) {
    resolved.tag = TAG_INT;
    return i;
  }
  const c0 = plain.charCodeAt(0);
  if (c0 !== 0x2b && c0 !== 0x2d) {
    const u = goParseUintBase0(plain);
    if (u !== undefined) {
      resolved.tag = TAG_INT;
      return u;
    }
  }
  if (isYamlStyleFloat(plain)) {
    const f = finiteOrUndefined(Number(plain));
    if (f !== undefined) {
      resolved.tag = TAG_FLOAT;
      return f;
    }
  }
  let r: number | bigint | undefined;
  if (plain.startsWith('0b')) r = goParseIntWithBase(plain.slice(2), 2, true);
  else if (plain.startsWith('-0b')) r = goParseIntWithBase('-' + plain.slice(3), 2, false);
  if (r === undefined) {
    if (plain.startsWith('0o')) r = goParseIntWithBase(plain.slice(2), 8, true);
    else if (plain.startsWith('-0o')) r = goParseIntWithBase('-' + plain.slice(3), 8, false);
  }
  if (r !== undefined) {
    resolved.tag = TAG_INT;
    return r;
  }
  // "+.inf" and friends are words
  const w = SIGNED_WORDS.get(s);
  if (w !== undefined) {
    resolved.tag = TAG_FLOAT;
    return w;
  }
  resolved.tag = TAG_STR;
  return s;
}

const SIGNED_WORDS = new Map<string, number>([
  ['+.inf', Infinity],
  ['+.Inf', Infinity],
  ['+.INF', Infinity],
  ['-.inf', -Infinity],
  ['-.Inf', -Infinity],
  ['-.INF', -Infinity],
]);

function resolveDot(s: string): Scalar {
  switch (s) {
    case '.inf':
    case '.Inf':
    case '.INF':
      resolved.tag = TAG_FLOAT;
      return Infinity;
    case '.nan':
    case '.NaN':
    case '.NAN':
      resolved.tag = TAG_FLOAT;
      return NaN;
  }
  // strconv.ParseFloat: a decimal float, '_' only between digits
  let t = s;
  if (s.indexOf('_') >= 0) {
    if (!underscoresBetweenDigits(s)) {
      resolved.tag = TAG_STR;
      return s;
    }
    t = s.replace(/_/g, '');
  }
  if (isYamlStyleFloat(t)) {
    const f = finiteOrUndefined(Number(t));
    if (f !== undefined) {
      resolved.tag = TAG_FLOAT;
      return f;
    }
  }
  resolved.tag = TAG_STR;
  return s;
}

function resolveWord(s: string): Scalar {
  switch (s) {
    case 'true':
    case 'True':
    case 'TRUE':
      resolved.tag = TAG_BOOL;
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      resolved.tag = TAG_BOOL;
      return false;
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      resolved.tag = TAG_NULL;
      return null;
  }
  resolved.tag = TAG_STR;
  return s;
}

/** The value of an untagged plain scalar; sets resolved.tag. */
export function resolvePlain(s: string): Scalar {
  if (s.length === 0) {
    resolved.tag = TAG_NULL;
    return null;
  }
  const c = s.charCodeAt(0);
  if (c >= 0x61 && c !== 0x7e) {
    // a-z and beyond (but '~'): only t, f, n can start words
    if (c === 0x74 || c === 0x66 || c === 0x6e) return resolveWord(s);
    resolved.tag = TAG_STR;
    return s;
  }
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b) return resolveNumberish(s, true);
  if (c === 0x2e) return resolveDot(s);
  if (c === 0x54 || c === 0x46 || c === 0x4e || c === 0x7e) return resolveWord(s);
  resolved.tag = TAG_STR;
  return s;
}

/** Go's base64.StdEncoding.DecodeString: padding required, CR and LF ignored. */
function decodeBinary(text: string): string {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    throw new ResolveError('!!binary value contains invalid base64 data');
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

/** The text of a value as Go's error messages show it (first 7 characters of long ones). */
function shown(text: string): string {
  return text.length > 10 ? text.slice(0, 7) + '...' : text;
}

/**
 * The value of a scalar with an explicit tag (short form, e.g. "!!int", or a custom tag).
 * !!str keeps the text, !!binary decodes base64, the core tags must match what the text
 * resolves to (an integer is accepted as a !!float), and any other tag keeps the text, as
 * yaml.v3 does.
 */
export function resolveTagged(tag: string, text: string): Scalar {
  switch (tag) {
    case TAG_STR:
      return text;
    case TAG_BINARY:
      return decodeBinary(text);
    case TAG_INT:
    case TAG_FLOAT:
    case TAG_BOOL:
    case TAG_NULL:
    case TAG_TIMESTAMP: {
      const c = text.charCodeAt(0);
      const numberish = (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b;
      const v = numberish ? resolveNumberish(text, tag === TAG_TIMESTAMP) : resolvePlain(text);
      if (resolved.tag === tag) return v;
      if (tag === TAG_FLOAT && resolved.tag === TAG_INT) {
        if (typeof v === 'number') return v;
        if (typeof v === 'bigint' && v <= MAX_INT64) return Number(v);
      }
      throw new ResolveError(`cannot decode ${resolved.tag} \`${shown(text)}\` as a ${tag}`);
    }
    default:
      return text;
  }
}
