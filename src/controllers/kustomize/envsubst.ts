/**
 * The variable expansion behind Flux's postBuild substitution: the bash-like syntax of
 * fluxcd/pkg/envsubst (a fork of drone/envsubst), quirks included, because repositories are
 * written against it.
 *
 * - Only braced references expand: `${var}`; `$var` is text. `$$` is an escape for `$`
 *   anywhere in text, so `$${var}` is the literal `${var}`.
 * - Operators: `${#v}` (length in bytes), `${v^}` `${v^^}` `${v,}` `${v,,}` (case),
 *   `${v:n}` `${v:n:len}` (substring, in bytes), `${v#p}` `${v##p}` `${v%p}` `${v%%p}`
 *   (glob trimming), `${v/p/r}` `${v//p/r}` `${v/#p/r}` `${v/%p/r}` (replacement), and the
 *   defaults `${v=d}` `${v:=d}` `${v:-d}` — plus `${v:?d}` and `${v:+d}`, which behave as
 *   `${v:-d}` there. `${v-d}`, `${v+d}` and `${v?d}` are "missing closing brace".
 * - A default may nest references (`${a:=${b}}`); every argument is evaluated before the
 *   variable itself, so a strict failure inside an unused default still fails.
 * - Strict mode: a variable that is not defined fails, unless its operator supplies a
 *   default (`=`, `:=`, `:-`, `:?`, `:+`); defined-but-empty is not an error.
 */

export class EnvsubstError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvsubstError';
  }
}

// The parser's messages are Go's, as users see them in Flux's conditions.
const BAD_SUBSTITUTION = 'bad substitution';
const MISSING_CLOSING_BRACE = 'missing closing brace';
const BAD_VARIABLE_NAME = 'unable to parse variable name';
const BAD_PARAMETER = 'unable to parse substitution within function';

/** A piece of a template: literal text, or a `${…}` reference with its operator and arguments. */
export type Node = string | Reference;

export interface Reference {
  name: string;
  /** The operator as written: '' for a plain `${v}`, ':-', '//', '#', '^^', … */
  op: string;
  args: Node[];
}

const IDENT = /[\p{L}\p{Nd}_]/u;

/** Characters at a position, one code point at a time. */
class Cursor {
  pos = 0;
  constructor(readonly src: string) {}
  peek(): string {
    const cp = this.src.codePointAt(this.pos);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }
  atEnd(): boolean {
    return this.pos >= this.src.length;
  }
  startsReference(): boolean {
    return this.src.charCodeAt(this.pos) === 0x24 && this.src.charCodeAt(this.pos + 1) === 0x7b; // "${"
  }
  take(): string {
    const c = this.peek();
    this.pos += c.length;
    return c;
  }
}

/** Splits a template into text and references; throws EnvsubstError on malformed syntax. */
export function parseTemplate(src: string): Node[] {
  const nodes: Node[] = [];
  let text = '';
  let from = 0; // start of the text not yet copied
  let i = src.indexOf('$');
  // Text is copied a run at a time: only a '$' can start anything.
  while (i >= 0) {
    const next = src.charCodeAt(i + 1);
    if (next === 0x7b) {
      // "${"
      text += src.slice(from, i);
      if (text) nodes.push(text);
      text = '';
      const cur = new Cursor(src);
      cur.pos = i + 2;
      nodes.push(parseReference(cur));
      from = cur.pos;
      i = src.indexOf('$', from);
    } else if (next === 0x24) {
      // "$$" stands for "$"
      text += src.slice(from, i + 1);
      from = i + 2;
      i = src.indexOf('$', from);
    } else {
      i = src.indexOf('$', i + 1);
    }
  }
  text += src.slice(from);
  if (text) nodes.push(text);
  return nodes;
}

/** After "${": the rest of one reference, its closing brace included. */
function parseReference(cur: Cursor): Reference {
  if (cur.peek() === '#') {
    cur.take();
    const name = identifier(cur);
    if (!name) throw new EnvsubstError(BAD_SUBSTITUTION);
    closeBrace(cur);
    return { name, op: '#', args: [] };
  }
  const name = identifier(cur);
  if (!name) throw new EnvsubstError(BAD_VARIABLE_NAME);
  const c = cur.peek();
  if (c === ':') {
    const next = cur.src.charCodeAt(cur.pos + 1);
    if (next === 0x3d || next === 0x2d || next === 0x3f || next === 0x2b) {
      // '=' '-' '?' '+'
      cur.pos += 2;
      return defaultReference(cur, name, `:${String.fromCharCode(next)}`);
    }
    // The original's look-ahead loses its place at the end of input or before a non-ASCII
    // character; either way it reports a bad substitution.
    if (Number.isNaN(next) || next > 0x7f) throw new EnvsubstError(BAD_SUBSTITUTION);
    return substringReference(cur, name);
  }
  if (c === '=') {
    cur.take();
    return defaultReference(cur, name, '=');
  }
  if (c === ',' || c === '^') {
    let op = cur.take();
    if (cur.peek() === ',' || cur.peek() === '^') op += cur.take();
    closeBrace(cur);
    return { name, op, args: [] };
  }
  if (c === '/') return replaceReference(cur, name);
  if (c === '#' || c === '%') {
    let op = cur.take();
    if (cur.peek() === c) op += cur.take();
    const arg = parameter(cur, (ch) => ch !== '}', false);
    closeBrace(cur);
    return { name, op, args: [arg] };
  }
  if (cur.peek() !== '}') throw new EnvsubstError(MISSING_CLOSING_BRACE);
  cur.take();
  return { name, op: '', args: [] };
}

function identifier(cur: Cursor): string {
  let name = '';
  while (!cur.atEnd() && IDENT.test(cur.peek())) name += cur.take();
  return name;
}

function closeBrace(cur: Cursor): void {
  if (cur.peek() !== '}') throw new EnvsubstError(BAD_SUBSTITUTION);
  cur.take();
}

/**
 * One argument: a nested reference, or text up to a character `accepts` refuses or a "${".
 * With `escapes` (the replacement operators), `$$`, `\/` and `\\` stand for their second
 * character. Empty text is an error, as in the original.
 */
function parameter(cur: Cursor, accepts: (c: string) => boolean, escapes: boolean): Node {
  if (cur.atEnd()) throw new EnvsubstError(BAD_PARAMETER);
  if (cur.startsReference()) {
    cur.pos += 2;
    return parseReference(cur);
  }
  let text = '';
  let first = true;
  while (!cur.atEnd()) {
    if (!first && cur.startsReference()) break;
    const c = cur.peek();
    const next = cur.src[cur.pos + c.length] ?? '';
    if (escapes && ((c === '$' && next === '$') || (c === '\\' && (next === '/' || next === '\\')))) {
      cur.pos += 1;
      text += cur.take();
    } else if (accepts(c)) {
      text += cur.take();
    } else {
      break;
    }
    first = false;
  }
  if (first) throw new EnvsubstError(BAD_PARAMETER);
  return text;
}

/** `${v=d}`, `${v:=d}`, `${v:-d}`, `${v:?d}`, `${v:+d}`: any number of arguments up to "}". */
function defaultReference(cur: Cursor, name: string, op: string): Reference {
  const args: Node[] = [];
  for (;;) {
    if (cur.peek() === '}') {
      cur.take();
      return { name, op, args };
    }
    args.push(parameter(cur, (c) => c !== '}', false));
  }
}

/** `${v:n}` and `${v:n:len}`; the cursor is on the ':'. */
function substringReference(cur: Cursor, name: string): Reference {
  cur.take();
  const args: Node[] = [parameter(cur, (c) => c !== ':' && c !== '}', false)];
  if (cur.peek() === '}') {
    cur.take();
    return { name, op: ':', args };
  }
  if (cur.peek() !== ':') throw new EnvsubstError(BAD_SUBSTITUTION);
  // The separator is a run of colons, as the original scans it.
  while (cur.peek() === ':') cur.take();
  args.push(parameter(cur, (c) => c !== '}', false));
  closeBrace(cur);
  return { name, op: ':', args };
}

/** `${v/p/r}`, `${v//p/r}`, `${v/#p/r}`, `${v/%p/r}`; the cursor is on the first '/'. */
function replaceReference(cur: Cursor, name: string): Reference {
  let op = cur.take();
  const c = cur.peek();
  if (c === '/' || c === '#' || c === '%') op += cur.take();
  const args: Node[] = [];
  // An empty pattern (`${v/#/x}`) leaves the delimiter next.
  args.push(cur.peek() === '/' ? '' : parameter(cur, (ch) => ch !== '/', true));
  if (cur.peek() !== '/') throw new EnvsubstError(BAD_SUBSTITUTION);
  while (cur.peek() === '/') cur.take();
  if (cur.peek() === '}') {
    cur.take();
    return { name, op, args };
  }
  args.push(parameter(cur, (ch) => ch !== '}', true));
  closeBrace(cur);
  return { name, op, args };
}

/** A variable's value, and whether it is defined. */
export type Lookup = (name: string) => string | undefined;

/** Operators that supply their own value for an unset variable: strict mode lets them pass. */
const DEFAULT_OPS = new Set(['-', '+', '=', '?', ':-', ':+', ':=', ':?']);

export interface ExpandOptions {
  /** An undefined variable without a default fails (Flux 2.9's default; Fluxion's default). */
  strict: boolean;
}

/** Expands a parsed template. */
export function expandTemplate(nodes: Node[], lookup: Lookup, opts: ExpandOptions): string {
  let out = '';
  for (const n of nodes) out += typeof n === 'string' ? n : evaluate(n, lookup, opts);
  return out;
}

/** Parses and expands `src` in one go. */
export function envsubst(src: string, lookup: Lookup, opts: ExpandOptions): string {
  return expandTemplate(parseTemplate(src), lookup, opts);
}

function evaluate(ref: Reference, lookup: Lookup, opts: ExpandOptions): string {
  const args = ref.args.map((a) => (typeof a === 'string' ? a : evaluate(a, lookup, opts)));
  const found = lookup(ref.name);
  if (found === undefined && opts.strict && !DEFAULT_OPS.has(ref.op)) {
    throw new EnvsubstError(`variable not set (strict mode): ${JSON.stringify(ref.name)}`);
  }
  const v = found ?? '';
  switch (ref.op) {
    case ',':
      return mapFirst(v, (c) => c.toLowerCase());
    case ',,':
      return v.toLowerCase();
    case '^':
      return mapFirst(v, (c) => c.toUpperCase());
    case '^^':
      return v.toUpperCase();
    case '#':
      return args.length === 0 ? String(Buffer.byteLength(v)) : trimPrefix(v, args[0]!, false);
    case '##':
      return trimPrefix(v, args[0]!, true);
    case '%':
      return trimSuffix(v, args[0]!, false);
    case '%%':
      return trimSuffix(v, args[0]!, true);
    case ':':
      return substring(v, args);
    case '/#':
      return args.length === 2 && v.startsWith(args[0]!) ? args[1]! + v.slice(args[0]!.length) : v;
    case '/%':
      return args.length === 2 && v.endsWith(args[0]!) ? v.slice(0, v.length - args[0]!.length) + args[1]! : v;
    case '/':
      return args.length === 0 ? v : replace(v, args[0]!, args[1] ?? '', false);
    case '//':
      return args.length === 0 ? v : replace(v, args[0]!, args[1] ?? '', true);
    default:
      // The defaults, and operators it does not know (`,^`): the value, or the joined
      // arguments when the value is empty.
      return v === '' && args.length > 0 ? args.join('') : v;
  }
}

function mapFirst(s: string, f: (c: string) => string): string {
  if (s === '') return s;
  const first = String.fromCodePoint(s.codePointAt(0)!);
  return f(first) + s.slice(first.length);
}

/** Go's strconv.Atoi: an optional sign and decimal digits within int64, else undefined. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return Number(n);
}

/** `${v:pos}` and `${v:pos:len}` over UTF-8 bytes; unparsable numbers leave the value as is. */
function substring(s: string, args: string[]): string {
  const bytes = Buffer.from(s, 'utf8');
  const n = bytes.length;
  let pos = atoi(args[0] ?? '');
  if (pos === undefined) return s;
  if (pos < 0) pos = Math.max(0, n + pos);
  const slice = (a: number, b: number): string => bytes.subarray(a, b).toString('utf8');
  if (args.length === 1) return pos < n ? slice(pos, n) : '';
  const len = atoi(args[1]!);
  if (len === undefined) return s;
  if (len < 0) {
    const end = n + len;
    return end < pos ? '' : slice(pos, end);
  }
  if (pos + len >= n) return pos < n ? slice(pos, n) : '';
  return slice(pos, pos + len);
}

/** Go's strings.Replace for one occurrence or all; an empty pattern inserts between characters. */
function replace(s: string, pattern: string, by: string, all: boolean): string {
  if (pattern === '') {
    if (!all || s === '') return by + s;
    return by + [...s].join(by) + by;
  }
  if (all) return s.split(pattern).join(by);
  const i = s.indexOf(pattern);
  return i < 0 ? s : s.slice(0, i) + by + s.slice(i + pattern.length);
}

/**
 * Removes the shortest (or longest) prefix matching a glob, trying the value's non-empty
 * prefixes; a malformed pattern leaves the value unchanged.
 */
function trimPrefix(s: string, pattern: string, longest: boolean): string {
  const matcher = compileGlob(pattern);
  if (!matcher) return s;
  const chars = [...s];
  let cut = 0;
  for (let len = chars.length; len >= 1; len--) {
    if (matcher.test(chars.slice(0, len).join(''))) {
      cut = len;
      if (longest) break;
    }
  }
  return chars.slice(cut).join('');
}

/** The suffix forms work on the reversed value and the reversed pattern, as the original does. */
function trimSuffix(s: string, pattern: string, longest: boolean): string {
  const reverse = (x: string): string => [...x].reverse().join('');
  return reverse(trimPrefix(reverse(s), reverse(pattern), longest));
}

/**
 * Go's path.Match as a regular expression: `*` is any run of characters but '/', `?` one
 * character but '/', `[…]` a class (`^` negates, `a-z` ranges, `\` escapes), `\c` a literal
 * c. Undefined when the pattern is malformed (ErrBadPattern).
 */
export function compileGlob(pattern: string): RegExp | undefined {
  const chars = [...pattern];
  let re = '';
  let i = 0;
  const lit = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`;
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '*') {
      re += '[^/]*';
      i++;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) return undefined;
      re += lit(chars[i + 1]!);
      i += 2;
    } else if (c === '[') {
      i++;
      let negated = false;
      if (chars[i] === '^') {
        negated = true;
        i++;
      }
      const ranges: string[] = [];
      let count = 0;
      for (;;) {
        if (chars[i] === ']' && count > 0) {
          i++;
          break;
        }
        const lo = classChar(chars, i);
        if (!lo) return undefined;
        i = lo.next;
        let hi = lo;
        if (chars[i] === '-') {
          const h = classChar(chars, i + 1);
          if (!h) return undefined;
          hi = h;
          i = h.next;
        }
        if (i >= chars.length) return undefined;
        // A range running backwards matches nothing (a regular expression would reject it).
        if (lo.c.codePointAt(0)! <= hi.c.codePointAt(0)!) ranges.push(`${lit(lo.c)}-${lit(hi.c)}`);
        count++;
      }
      if (ranges.length === 0) re += negated ? '[\\s\\S]' : '(?!)';
      else re += `[${negated ? '^' : ''}${ranges.join('')}]`;
    } else {
      re += lit(c);
      i++;
    }
  }
  return new RegExp(`^${re}$`, 'u');
}

/** One character of a class, `\`-escaped or not; '-' and ']' may not stand alone there. */
function classChar(chars: string[], i: number): { c: string; next: number } | undefined {
  const c = chars[i];
  if (c === undefined || c === '-' || c === ']') return undefined;
  if (c === '\\') {
    const e = chars[i + 1];
    return e === undefined ? undefined : { c: e, next: i + 2 };
  }
  return { c, next: i + 1 };
}
