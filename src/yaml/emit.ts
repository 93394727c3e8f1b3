/**
 * kustomize's printer. kustomize v5.5 prints each resource as
 * sigs.k8s.io/yaml.JSONToYAML(json.Marshal(resource)): Go's yaml.v2 decodes the JSON text
 * into interface{} and prints it again. This module prints a Value the way that round trip
 * does, without building the JSON:
 *
 * - numbers take the path JSON text → yaml.v2 number: integral ones within int64/uint64
 *   print as integers, the rest as strconv's 'g' format (1e+21, 1e-06, 1.2345675e+06);
 * - strings are what yaml.v2 reads back from Go's JSON string: an unpaired surrogate is
 *   U+FFFD, a raw U+0085 (NEL, not escaped by Go's JSON) is a line break that the
 *   double-quoted scalar folds into a space, and a few characters make the decode fail;
 * - mapping keys in yaml.v2's natural order (emit-sort.ts), 2-space indentation, block
 *   sequences under a key at the key's column, empty collections as [] and {}, strings in
 *   the style yaml.v2 picks (emit-scalar.ts).
 */
import { isMap, type Value } from './types.js';
import { compareKeysV2 } from './emit-sort.js';
import { EmitState, Style, cachedStringInfo, writePlainWord, writeString } from './emit-scalar.js';
import { GoJsonError, compareUtf8, goFormatFloatG, goJson, goJsonNumber, goJsonString } from './gojson.js';

export { goJson, GoJsonError };

/**
 * The error yaml.v2 reports when it cannot read back Go's JSON text; the message is Go's
 * (kustomize prefixes it with the resource printed by Go's %#v).
 */
export class GoYamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoYamlError';
  }
}

/** Raised inside a print; emitYaml turns it into the GoYamlError yaml.v2 would report. */
class RoundTripProblem {
  constructor(
    readonly kind: 'control' | 'document-indicator' | 'key',
    /** Raw line breaks (NEL) in the string before the problem. */
    readonly nels: number,
  ) {}
}

const NEL = 0x85;
// Characters that need a look: C1 controls and DEL (rejected by yaml.v2's reader, except
// NEL), surrogates (Go's JSON writes unpaired ones as U+FFFD), U+FFFE and U+FFFF (rejected).
const ATTENTION = /[\u007f-\u009f\ud800-\udfff\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function isRejected(c: number): boolean {
  return (c >= 0x7f && c <= 0x9f && c !== NEL) || c === 0xfffe || c === 0xffff;
}

/**
 * The string yaml.v2 reads back from Go's JSON encoding of s (s holds a character from
 * ATTENTION). A raw NEL is a line break inside a double-quoted scalar: spaces around a run
 * of breaks are dropped, one break becomes a space, n breaks become n-1 newlines; and
 * "---" or "..." right after a break, then a space or break, ends the document (an error).
 * In a key, a break makes yaml.v2 lose the key (an error).
 */
function readBack(raw: string, isKey: boolean): string {
  const s = raw.replace(LONE_SURROGATE, '\ufffd');
  let nels = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isRejected(c)) throw new RoundTripProblem('control', 0);
    if (c === NEL) nels++;
  }
  if (nels === 0) return s;
  if (isKey) throw new RoundTripProblem('key', nels);
  let out = '';
  let seen = 0;
  const n = s.length;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && s.charCodeAt(j) !== 0x20 && s.charCodeAt(j) !== NEL) j++;
    out += s.slice(i, j);
    i = j;
    if (i >= n) break;
    let blanks = '';
    let breaks = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x20) {
        if (breaks === 0) blanks += ' ';
      } else if (c === NEL) {
        breaks++;
        seen++;
      } else break;
    }
    if (breaks === 0) {
      out += blanks;
      continue;
    }
    out += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
    if (s.charCodeAt(i - 1) === NEL && (s.startsWith('---', i) || s.startsWith('...', i))) {
      const after = s.charCodeAt(i + 3);
      if (after === 0x20 || after === NEL) throw new RoundTripProblem('document-indicator', seen);
    }
  }
  return out;
}

function valueString(s: string): string {
  return ATTENTION.test(s) ? readBack(s, false) : s;
}

function keyString(k: string): string {
  const s = ATTENTION.test(k) ? readBack(k, true) : k;
  // yaml.v2 reads a flow mapping key only within 1024 characters of JSON text.
  if (s.length > 170 && [...goJsonString(s)].length > 1024) throw new RoundTripProblem('key', 0);
  return s;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** A JS number as the JSON round trip prints it. */
export function yamlNumber(x: number): string {
  const t = goJsonNumber(x); // throws for NaN and infinities, as Go's json does
  if (Number.isSafeInteger(x)) return t;
  if (/^-?[0-9]+$/.test(t)) {
    const b = BigInt(t);
    if (b >= INT64_MIN && b <= UINT64_MAX) return t;
  }
  return goFormatFloatG(x);
}

/** A bigint as the round trip prints it: exact within int64/uint64, else as a float. */
export function yamlBigint(b: bigint): string {
  if (b >= INT64_MIN && b <= UINT64_MAX) return b.toString();
  const f = Number(b);
  // Beyond float64, yaml.v2 reads the digits back as a string and prints them plain.
  return Number.isFinite(f) ? goFormatFloatG(f) : b.toString();
}

function emitNode(e: EmitState, v: Value | undefined, indent: number, mappingCtx: boolean): void {
  if (v === null || v === undefined) return writePlainWord(e, 'null');
  switch (typeof v) {
    case 'string': {
      const s = valueString(v);
      writeString(e, s, cachedStringInfo(s).style, indent < 0 ? 2 : indent + 2, false);
      return;
    }
    case 'number':
      return writePlainWord(e, yamlNumber(v));
    case 'boolean':
      return writePlainWord(e, v ? 'true' : 'false');
    case 'bigint':
      return writePlainWord(e, yamlBigint(v));
  }
  if (Array.isArray(v)) {
    if (v.length === 0) {
      e.indicator('[', true, true, false);
      e.indicator(']', false, false, false);
      return;
    }
    // Under a `key:` the dashes stay at the key's column.
    const inner = indent < 0 ? 0 : mappingCtx && !e.ind ? indent : indent + 2;
    for (let i = 0; i < v.length; i++) {
      e.indent(inner);
      e.indicator('-', true, false, true);
      emitNode(e, v[i], inner, false);
    }
    return;
  }
  if (isMap(v)) {
    const { printed, raw } = mapKeys(v);
    if (printed.length === 0) {
      e.indicator('{', true, true, false);
      e.indicator('}', false, false, false);
      return;
    }
    const inner = indent < 0 ? 0 : indent + 2;
    for (let i = 0; i < printed.length; i++) {
      const key = printed[i]!;
      e.indent(inner);
      const info = cachedStringInfo(key);
      if (info.simpleKey) {
        writeString(e, key, info.keyStyle, inner + 2, true);
        e.indicator(':', false, false, false);
      } else {
        // Multi-line keys and keys over 128 bytes take the explicit "? key\n: value" form.
        e.indicator('?', true, false, true);
        writeString(e, key, info.style, inner + 2, false);
        e.indent(inner);
        e.indicator(':', true, false, true);
      }
      emitNode(e, v[raw[i]!], inner, true);
    }
    return;
  }
  throw new GoJsonError(`json: unsupported type: ${typeof v}`);
}

/**
 * The keys of a mapping in yaml.v2's order, as printed, and the keys of `m` they come from
 * (the same unless the JSON round trip changes a key); undefined entries are left out.
 */
function mapKeys(m: Record<string, Value | undefined>): { printed: string[]; raw: string[] } {
  const raw = Object.keys(m);
  let plain = true;
  for (let i = 0; i < raw.length; i++) {
    const k = raw[i]!;
    if (m[k] === undefined || k.length > 170 || ATTENTION.test(k)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    raw.sort(compareKeysV2);
    return { printed: raw, raw };
  }
  const pairs: [string, string][] = [];
  for (const k of raw) if (m[k] !== undefined) pairs.push([keyString(k), k]);
  pairs.sort((a, b) => compareKeysV2(a[0], b[0]));
  return { printed: pairs.map((p) => p[0]), raw: pairs.map((p) => p[1]) };
}

/** Where yaml.v2 fails to read Go's JSON of `value` back, with Go's message. */
function diagnose(value: Value): GoYamlError | undefined {
  let nels = 0; // raw line breaks read so far: yaml.v2 counts lines by them
  const countNels = (s: string): number => {
    let n = 0;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === NEL) n++;
    return n;
  };
  const visit = (v: Value): GoYamlError | undefined => {
    if (typeof v === 'string') {
      try {
        readBack(v, false);
      } catch (p) {
        if (!(p instanceof RoundTripProblem)) throw p;
        if (p.kind === 'control') return new GoYamlError('yaml: control characters are not allowed');
        return new GoYamlError(`yaml: line ${nels + p.nels + 1}: found unexpected document indicator`);
      }
      nels += countNels(v);
    } else if (Array.isArray(v)) {
      for (const x of v) {
        const err = visit(x);
        if (err) return err;
      }
    } else if (isMap(v)) {
      const start = nels;
      for (const k of Object.keys(v).sort(compareUtf8)) {
        if (v[k] === undefined) continue;
        try {
          keyString(k);
        } catch (p) {
          if (!(p instanceof RoundTripProblem)) throw p;
          if (p.kind === 'control') return new GoYamlError('yaml: control characters are not allowed');
          const line = nels + p.nels > 0 ? nels + p.nels : start;
          return new GoYamlError(`yaml: ${line > 0 ? `line ${line}: ` : ''}did not find expected ',' or '}'`);
        }
        nels += countNels(k);
        const err = visit(v[k]!);
        if (err) return err;
      }
    }
    return undefined;
  };
  return visit(value);
}

/** Print one document into e (which is at the start of a line), ending with a line break. */
function emitDocument(e: EmitState, value: Value): void {
  try {
    emitNode(e, value, -1, false);
  } catch (err) {
    if (err instanceof RoundTripProblem) throw diagnose(value) ?? new GoYamlError('yaml: cannot read back the JSON text');
    throw err;
  }
  e.indent(-1); // document end: finish the last line
}

/** One document as kustomize prints a resource: JSONToYAML(json.Marshal(value)), ending with "\n". */
export function emitYaml(value: Value): string {
  const e = new EmitState();
  emitDocument(e, value);
  return e.parts.join('');
}

/** kustomize's ResMap.AsYaml: the documents joined by "---\n". */
export function emitYamlStream(values: Value[]): string {
  // Each document ends at column 0 with the state a fresh printer has, so one printer serves all.
  const e = new EmitState();
  for (let i = 0; i < values.length; i++) {
    if (i > 0) e.parts.push('---\n');
    emitDocument(e, values[i]!);
  }
  return e.parts.join('');
}
