/**
 * The order in which yaml.v2 prints mapping keys (all keys are strings after the JSON round
 * trip). It is a "natural" order: at the first differing character, a letter sorts after
 * anything that is not a letter, two letters compare by code point, and otherwise the runs
 * of digits starting there compare as numbers (a shorter run first when equal), so
 * `_x` < `1` < `A` < `a` < `a9` < `a10`. Letters and digits are Unicode's (Go's
 * unicode.IsLetter and unicode.IsDigit).
 */

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isLetter(c: number): boolean {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return LETTER.test(String.fromCodePoint(c));
}

function isDigit(c: number): boolean {
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return DIGIT.test(String.fromCodePoint(c));
}

/** Code points of s; yaml.v2 compares []rune. */
function runes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

/** The value of the digit run at i, as Go accumulates it in an int64 (wrapping). */
function digitRun(r: number[], i: number, start: bigint): { value: bigint; end: number } {
  let v = start;
  let k = i;
  for (; k < r.length && isDigit(r[k]!); k++) v = BigInt.asIntN(64, v * 10n + BigInt(r[k]! - 0x30));
  return { value: v, end: k };
}

/** Negative when a sorts before b in yaml.v2's key order, positive after, 0 when equal. */
export function compareKeysV2(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length < b.length ? -1 : 1;
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  if (ca < 0x80 && cb < 0x80) {
    // ASCII at the difference: everything is decidable on code units, except digit runs
    // that may continue into non-ASCII digits — rare enough to hand to the general path.
    const al = isLetter(ca);
    const bl = isLetter(cb);
    if (al && bl) return ca < cb ? -1 : 1;
    if (al || bl) return bl ? -1 : 1;
    return compareRunes(runes(a), runes(b), runeIndex(a, i));
  }
  return compareRunes(runes(a), runes(b), runeIndex(a, i));
}

/** The index, in code points, of the code point holding UTF-16 unit i (the strings agree before it). */
function runeIndex(s: string, unit: number): number {
  let r = 0;
  for (let i = 0; i < unit; i++) {
    const c = s.charCodeAt(i);
    // A low surrogate at `unit` belongs to the pair that starts one unit earlier.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      if (i + 1 === unit) return r;
      i++;
    }
    r++;
  }
  return r;
}

function compareRunes(ar: number[], br: number[], from: number): number {
  for (let i = from; i < ar.length && i < br.length; i++) {
    const x = ar[i]!;
    const y = br[i]!;
    if (x === y) continue;
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x < y ? -1 : 1;
    if (al || bl) return bl ? -1 : 1;
    // A run of digits continuing a number whose earlier digits are not all zeros is
    // compared as if prefixed by 1 (yaml.v2 seeds both accumulators with 1).
    let seed = 0n;
    if (x === 0x30 || y === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== 0x30) {
          seed = 1n;
          break;
        }
      }
    }
    const ra = digitRun(ar, i, seed);
    const rb = digitRun(br, i, seed);
    if (ra.value !== rb.value) return ra.value < rb.value ? -1 : 1;
    if (ra.end !== rb.end) return ra.end < rb.end ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return ar.length < br.length ? -1 : ar.length > br.length ? 1 : 0;
}

/** The keys of a mapping in the order yaml.v2 prints them. */
export function sortKeysV2(keys: string[]): string[] {
  return keys.sort(compareKeysV2);
}
