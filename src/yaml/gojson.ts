/**
 * Go's encoding/json.Marshal of a decoded document (map[string]interface{} and friends),
 * byte for byte: map keys sorted by their UTF-8 bytes, compact, HTML-sensitive characters
 * escaped, floats in Go's format. kustomize hashes and prints this text, so it must match.
 */
import { isMap, type Value } from './types.js';

/** Go's json error for NaN and infinities; the message is Go's. */
export class GoJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoJsonError';
  }
}

/** strconv.FormatFloat(f, 'g', -1, 64) for the non-finite values, as Go names them. */
function goNonFinite(f: number): string {
  return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
}

/**
 * Go json's text for a float64: shortest round-trip digits, 'f' format for 1e-6 <= |f| < 1e21
 * and 'e' format otherwise with a one-digit exponent kept as is ("1e-7", "1e+21"). JS's
 * Number→String uses the same digits and the same switch points, so it is that text; -0
 * prints as 0 (an integral JS number stands for a Go int here).
 */
export function goJsonNumber(f: number): string {
  if (!Number.isFinite(f)) throw new GoJsonError(`json: unsupported value: ${goNonFinite(f)}`);
  return String(f);
}

/**
 * strconv.FormatFloat(f, 'g', -1, 64), how yaml.v2 prints a float: shortest digits, %e form
 * (exponent of at least two digits) when the decimal exponent is < -4 or >= 6, else %f form.
 */
export function goFormatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = f.toExponential(); // shortest digits, "d.ddde±x"
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return e.slice(0, at) + 'e' + sign + (abs < 10 ? '0' + abs : String(abs));
  }
  return String(f); // fixed notation with the same shortest digits
}

// Characters Go's json escapes in strings (HTML-safe mode): controls, '"', '\\', '<', '>',
// '&', U+2028, U+2029, and unpaired surrogates (invalid UTF-8 in Go, written as \ufffd).
const NEEDS_ESCAPE = /["\\<>&\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
const HEX = '0123456789abcdef';

/** A Go json string literal. */
export function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08: rep = '\\b'; break;
        case 0x09: rep = '\\t'; break;
        case 0x0a: rep = '\\n'; break;
        case 0x0c: rep = '\\f'; break;
        case 0x0d: rep = '\\r'; break;
        default: rep = '\\u00' + HEX[c >> 4] + HEX[c & 15];
      }
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x3c) rep = '\\u003c';
    else if (c === 0x3e) rep = '\\u003e';
    else if (c === 0x26) rep = '\\u0026';
    else if (c === 0x2028) rep = '\\u2028';
    else if (c === 0x2029) rep = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      const paired =
        c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (paired) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** Go's map key order: by UTF-8 bytes, which is code point order (not UTF-16 order). */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after all other BMP units in UTF-8.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function write(v: Value, parts: string[]): void {
  if (v === null) parts.push('null');
  else if (typeof v === 'string') parts.push(goJsonString(v));
  else if (typeof v === 'number') parts.push(goJsonNumber(v));
  else if (typeof v === 'boolean') parts.push(v ? 'true' : 'false');
  else if (typeof v === 'bigint') parts.push(v.toString());
  else if (Array.isArray(v)) {
    parts.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) parts.push(',');
      write(v[i]!, parts);
    }
    parts.push(']');
  } else if (isMap(v)) {
    const keys = Object.keys(v).sort(compareUtf8);
    parts.push('{');
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) parts.push(',');
      parts.push(goJsonString(keys[i]!), ':');
      write(v[keys[i]!]!, parts);
    }
    parts.push('}');
  } else {
    throw new GoJsonError(`json: unsupported type: ${typeof v}`);
  }
}

/** Go encoding/json.Marshal(value) as text. */
export function goJson(value: Value): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}
