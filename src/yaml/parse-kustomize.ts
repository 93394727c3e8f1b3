/**
 * What kustomize's pipeline does to scalars after yaml.v3 has read them, observed with
 * kustomize v5.5 and explained by its code path: each resource is written back out by
 * yaml.v3's emitter and read again (keeping each node's style), then turned into JSON and
 * read once more as YAML. Both steps are lossless for almost every value; these are the
 * exceptions, which the 'kustomize' dialect applies so that values are what kustomize prints.
 *
 * 1. Folded block scalars ('>'): yaml.v3's emitter decides whether a line break needs the
 *    extra empty line of folded style by looking at the first character of the whole value
 *    instead of the next line, so a value that starts with a non-blank gains an empty line
 *    before every more-indented line (and keeps one more trailing break under '+'), and one
 *    that starts with a blank loses the folding between ordinary lines. Literal scalars
 *    survive, except that one starting with a tab cannot be read back (no indentation hint).
 *    The emitter keeps block style only for values without trailing spaces, a space before a
 *    line break, or characters it deems unprintable (C0/C1 controls but tab and LF, U+FEFF,
 *    and anything beyond U+FFFF); the others go out double-quoted, which is exact.
 *    Long lines are also wrapped at 80 columns; that only matters inside more-indented lines
 *    of folded scalars and is not modelled (the column depends on the nesting depth).
 *    kustomize rebuilds a resource's metadata.annotations first (as literal scalars), so
 *    annotation values keep what was read.
 * 2. When a block scalar needs the keep indicator ('+': it ends with an empty line) and is
 *    the document's last node with only comments after it, the comments become a foot
 *    comment that the emitter writes after an empty line, which the scalar takes in.
 * 3. Inside flow collections the emitter cannot write an empty scalar, or one with ':', as a
 *    plain scalar, so it quotes it and the value reads back as a string: an empty value
 *    becomes "" (null in block context), a timestamp with a time keeps its text. The reader
 *    applies this where the scalar is read (parse-reader.ts, asRewrittenInFlow).
 * 4. JSON re-read: Go's JSON leaves U+007F-U+009F, U+FFFE and U+FFFF raw, and the YAML reader
 *    that takes the JSON back refuses them ("control characters are not allowed"), except
 *    U+0085 (NEL), which it takes for a line break and folds like one in a double-quoted
 *    scalar: one NEL (with the spaces around it) becomes a space, n NELs n-1 line feeds.
 */
import { readBlockScalar } from './parse-scalars.js';

/** A failure kustomize reports for a value; the reader adds the position. */
export class KustomizeValueError extends Error {}

/** Characters that the JSON re-read changes or refuses. */
export const JSON_REREAD_CHARS = /[\x7f-\x9f\ufffe\uffff]/;
const REFUSED = /[\x7f-\x84\x86-\x9f\ufffe\uffff]/;

/** A string value after kustomize's JSON re-read (see 4 above). */
export function jsonReread(value: string): string {
  if (REFUSED.test(value)) throw new KustomizeValueError('control characters are not allowed (kustomize re-reads values from JSON)');
  return value.replace(/ *\u0085(?: *\u0085)* */g, (run) => {
    let n = 0;
    for (let i = 0; i < run.length; i++) if (run.charCodeAt(i) === 0x85) n++;
    return n === 1 ? ' ' : '\n'.repeat(n - 1);
  });
}

/** A mapping key after the JSON re-read: a key with those characters cannot be read back. */
export function jsonRereadKey(key: string): string {
  if (JSON_REREAD_CHARS.test(key)) throw new KustomizeValueError('control characters are not allowed in a key (kustomize re-reads keys from JSON)');
  return key;
}

function isBreak(c: number): boolean {
  return c === 10 || c === 0x2028 || c === 0x2029;
}

/** Whether yaml.v3's emitter may write the value in block style (see 1 above). */
function blockAllowed(value: string): boolean {
  const n = value.length;
  if (n === 0 || value.charCodeAt(n - 1) === 32) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 10 && c !== 9) return false;
    } else if (c >= 0x7f) {
      if (c <= 0x9f || c === 0xfeff || c === 0xfffe || c === 0xffff || (c >= 0xd800 && c <= 0xdfff)) return false;
    } else if (c === 32 && isBreak(value.charCodeAt(i + 1))) {
      return false;
    }
  }
  return true;
}

/** The block scalar header hints yaml.v3 writes: indentation when the value starts blank, chomping. */
function hints(value: string): string {
  const c0 = value.charCodeAt(0);
  let h = c0 === 32 || isBreak(c0) ? '2' : '';
  const last = value.length - 1;
  if (!isBreak(value.charCodeAt(last))) h += '-';
  else if (last === 0 || isBreak(value.charCodeAt(last - 1))) h += '+';
  return h;
}

/**
 * True when yaml.v3 would write the value as a block scalar with the keep indicator, so that
 * a foot comment written after it adds a line break (see 2 above).
 */
export function keepsFootCommentBreak(value: string): boolean {
  return blockAllowed(value) && hints(value).endsWith('+');
}

/** A block scalar's value as kustomize ends up with it after the emit-and-read round trip. */
export function blockRoundTrip(value: string, literal: boolean): string {
  if (literal && value.charCodeAt(0) !== 9) return value;
  if (!blockAllowed(value)) return value;
  // the emitter's check looks at the value's first character after any leading breaks
  let k = 0;
  while (isBreak(value.charCodeAt(k))) k++;
  const k0 = value.charCodeAt(k);
  const extraBreak = !(k0 === 32 || k0 === 9 || isBreak(k0));
  let text = (literal ? '|' : '>') + hints(value) + '\n';
  let breaks = true;
  let leadingSpaces = true;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isBreak(c)) {
      if (!breaks) text += value.slice(start, i);
      if (!literal && !breaks && !leadingSpaces && c === 10 && extraBreak) text += '\n';
      text += value[i];
      breaks = true;
    } else if (breaks) {
      text += '  ';
      leadingSpaces = c === 32 || c === 9;
      start = i;
      breaks = false;
    }
  }
  if (!breaks) text += value.slice(start);
  try {
    return readBlockScalar({ src: text, pos: 0, lineStart: 0 }, 0);
  } catch (e) {
    throw new KustomizeValueError(`kustomize cannot read this block scalar back after writing it: ${(e as Error).message}`);
  }
}
