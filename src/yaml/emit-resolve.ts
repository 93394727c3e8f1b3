/**
 * How Go's yaml.v2 (the copy inside sigs.k8s.io/yaml that kustomize prints with) types an
 * unquoted scalar. The printer quotes every string that would read back as something else,
 * and the tests use the same rules to read kustomize's output back.
 *
 * The rules, as yaml.v2 applies them: only scalars whose first byte is a sign, a digit, '.',
 * or one of "yYnNtTfFoO~" (or the empty string) can be anything but a string. Those are
 * looked up among the YAML 1.1 words (y/yes/on/true, n/no/off/false, ~/null, .inf, .nan);
 * then, for a sign or digit, tried as a timestamp (Go time.Parse with four layouts), as a
 * Go integer literal (underscores dropped, base prefixes 0b/0o/0x and a leading 0 for
 * octal), as an unsigned one, and as a float; for '.', as a Go float.
 */
import type { Scalar } from './types.js';

const YAML11_WORDS = new Map<string, Scalar>();
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) YAML11_WORDS.set(w, true);
for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) YAML11_WORDS.set(w, false);
for (const w of ['', '~', 'null', 'Null', 'NULL']) YAML11_WORDS.set(w, null);
for (const w of ['.nan', '.NaN', '.NAN']) YAML11_WORDS.set(w, NaN);
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) YAML11_WORDS.set(w, Infinity);
for (const w of ['-.inf', '-.Inf', '-.INF']) YAML11_WORDS.set(w, -Infinity);

/** The first characters after which a plain scalar may be something other than a string. */
function hintOf(s: string): 'N' | 'S' | 'D' | 'M' | '.' | '' {
  if (s.length === 0) return 'N';
  const c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) return 'S';
  if (c >= 0x30 && c <= 0x39) return 'D';
  if (c === 0x2e) return '.';
  // y Y n N t T f F o O ~
  if ('yYnNtTfFoO~'.includes(s[0]!)) return 'M';
  return '';
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** yaml.v2's encoder also quotes YAML 1.1 sexagesimal floats such as 1:20. */
export function isBase60Float(s: string): boolean {
  if (s.length === 0) return false;
  const c = s.charCodeAt(0);
  if (!(c === 0x2b || c === 0x2d || (c >= 0x30 && c <= 0x39)) || !s.includes(':')) return false;
  return BASE60_FLOAT.test(s);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

type ParseResult = { ok: true; value: bigint } | { ok: false; range: boolean };

/** Go strconv.ParseUint(s, 0, 64) on a string without underscores. */
function goParseUint(s: string, base = 0): ParseResult {
  if (s.length === 0) return { ok: false, range: false };
  let digits = s;
  let b = base;
  if (b === 0) {
    b = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? s[1]!.toLowerCase() : '';
      if (p === 'b') { b = 2; digits = s.slice(2); }
      else if (p === 'o') { b = 8; digits = s.slice(2); }
      else if (p === 'x') { b = 16; digits = s.slice(2); }
      else { b = 8; digits = s.slice(1); }
    }
  }
  const valid = b === 2 ? /^[01]*$/ : b === 8 ? /^[0-7]*$/ : b === 10 ? /^[0-9]+$/ : /^[0-9a-fA-F]*$/;
  // After a base prefix at least one digit must follow; "0" alone (octal, no digits) is 0.
  if (!valid.test(digits) || (digits.length === 0 && base === 0 && b !== 8)) return { ok: false, range: false };
  if (base !== 0 && digits.length === 0) return { ok: false, range: false };
  let v = 0n;
  const bb = BigInt(b);
  for (const ch of digits) v = v * bb + BigInt(parseInt(ch, 16));
  if (v > UINT64_MAX) return { ok: false, range: true };
  return { ok: true, value: v };
}

/** Go strconv.ParseInt(s, base, 64) on a string without underscores. */
function goParseInt(s: string, base = 0): ParseResult {
  if (s.length === 0) return { ok: false, range: false };
  let neg = false;
  let rest = s;
  if (s[0] === '+') rest = s.slice(1);
  else if (s[0] === '-') { neg = true; rest = s.slice(1); }
  const u = goParseUint(rest, base);
  if (!u.ok) return u;
  const v = neg ? -u.value : u.value;
  if (v < INT64_MIN || v > INT64_MAX) return { ok: false, range: true };
  return { ok: true, value: v };
}

/** Go's rule for '_' in number literals (strconv.underscoreOK). */
function underscoreOK(str: string): boolean {
  let s = str;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) { saw = '0'; continue; }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Go strconv.ParseFloat(s, 64) for a scalar starting with '.': decimal digits, '_' per Go. */
function goParseDotFloat(s: string): number | undefined {
  if (!/^\.[0-9_]*([eE][-+]?[0-9][0-9_]*)?$/.test(s)) return undefined;
  const mant = s.replace(/[eE].*$/, '');
  if (!/[0-9]/.test(mant)) return undefined;
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  const f = Number(s.replace(/_/g, ''));
  return Number.isFinite(f) ? f : undefined; // overflow is an error in Go
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether Go's time.Parse accepts s with one of yaml.v2's timestamp layouts:
 * "2006-1-2T15:4:5.999999999Z07:00", the same with 't', "2006-1-2 15:4:5.999999999", "2006-1-2".
 */
export function isGoYamlTimestamp(s: string): boolean {
  // yaml.v2's quick check: exactly four digits, then '-'.
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i !== 4 || i === s.length || s[i] !== '-') return false;
  const year = Number(s.slice(0, 4));
  let p = 5;
  const isDigit = (k: number): boolean => k < s.length && s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39;
  // Go's getnum: one or two digits.
  const num = (): number | undefined => {
    if (!isDigit(p)) return undefined;
    if (!isDigit(p + 1)) return s.charCodeAt(p++) - 0x30;
    const v = (s.charCodeAt(p) - 0x30) * 10 + (s.charCodeAt(p + 1) - 0x30);
    p += 2;
    return v;
  };
  const month = num();
  if (month === undefined || month < 1 || month > 12) return false;
  if (s[p] !== '-') return false;
  p++;
  const day = num();
  if (day === undefined) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const dim = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > dim) return false;
  if (p === s.length) return true; // "2006-1-2"
  const sep = s[p];
  let zoned: boolean;
  if (sep === 'T' || sep === 't') { zoned = true; p++; }
  else if (sep === ' ') { zoned = false; while (s[p] === ' ') p++; }
  else return false;
  const hour = num();
  if (hour === undefined || hour >= 24 || s[p] !== ':') return false;
  p++;
  const min = num();
  if (min === undefined || min >= 60 || s[p] !== ':') return false;
  p++;
  const sec = num();
  if (sec === undefined || sec >= 60) return false;
  // Fractional seconds: '.' or ',' and at least one digit, then any number of digits.
  if ((s[p] === '.' || s[p] === ',') && isDigit(p + 1)) {
    p += 2;
    while (isDigit(p)) p++;
  }
  if (!zoned) return p === s.length;
  if (s[p] === 'Z') return p + 1 === s.length;
  if (s.length - p !== 6 || (s[p] !== '+' && s[p] !== '-') || s[p + 3] !== ':') return false;
  if (!isDigit(p + 1) || !isDigit(p + 2) || !isDigit(p + 4) || !isDigit(p + 5)) return false;
  const zh = Number(s.slice(p + 1, p + 3));
  const zm = Number(s.slice(p + 4, p + 6));
  return zh <= 24 && zm <= 60;
}

type Resolved =
  | { tag: 'str' }
  | { tag: 'null' | 'bool' | 'float' | 'timestamp' | 'merge'; value: Scalar }
  | { tag: 'int'; value: bigint };

function resolve(s: string): Resolved {
  const hint = hintOf(s);
  if (hint === '') return { tag: 'str' };
  const word = YAML11_WORDS.get(s);
  if (word !== undefined || YAML11_WORDS.has(s)) {
    if (word === null) return { tag: 'null', value: null };
    return { tag: typeof word === 'boolean' ? 'bool' : 'float', value: word as Scalar };
  }
  if (hint === 'M' || hint === 'N') return { tag: 'str' };
  if (hint === '.') {
    const f = goParseDotFloat(s);
    return f === undefined ? { tag: 'str' } : { tag: 'float', value: f };
  }
  if (isGoYamlTimestamp(s)) return { tag: 'timestamp', value: s };
  const plain = s.includes('_') ? s.replace(/_/g, '') : s;
  const i = goParseInt(plain);
  if (i.ok) return { tag: 'int', value: i.value };
  const u = goParseUint(plain);
  if (u.ok) return { tag: 'int', value: u.value };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return { tag: 'float', value: f };
  }
  // yaml.v2 also reads "0b" + a signed base-2 number, e.g. 0b-1.
  if (plain.startsWith('0b')) {
    const b = goParseInt(plain.slice(2), 2);
    if (b.ok) return { tag: 'int', value: b.value };
    const bu = goParseUint(plain.slice(2), 2);
    if (bu.ok) return { tag: 'int', value: bu.value };
  } else if (plain.startsWith('-0b')) {
    const b = goParseInt('-' + plain.slice(3), 2);
    if (b.ok) return { tag: 'int', value: b.value };
  }
  return { tag: 'str' };
}

/** Whether yaml.v2's encoder may print s unquoted: it reads back as the same string. */
export function plainReadsAsString(s: string): boolean {
  const c = s.length === 0 ? 0 : s.charCodeAt(0);
  // Fast path: most strings start with a letter that no YAML 1.1 word starts with.
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) {
    if (!'yYnNtTfFoO'.includes(s[0]!)) return true;
  }
  return resolve(s).tag === 'str' && !isBase60Float(s);
}

/**
 * The value yaml.v2 gives an unquoted scalar when decoding into interface{}: null, a
 * boolean, a number (integers beyond 2^53 as bigint), or the string itself (timestamps stay
 * strings there).
 */
export function resolvePlainV2(s: string): Scalar {
  const r = resolve(s);
  switch (r.tag) {
    case 'str':
    case 'timestamp':
    case 'merge':
      return s;
    case 'int': {
      const v = r.value;
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    default:
      return r.value;
  }
}
