/**
 * Scalars as kustomize's kyaml nodes hold them: a text plus a tag. Replacements copy texts
 * between nodes and keep the target's tag, and the node is decoded again later, so a value is
 * typed by the target's tag (yaml.v3's rules, YAML 1.2 words only); vars print values with Go's
 * fmt %v. Our resources are plain values, so texts are rebuilt from them (a number written
 * `0x10` in the input reads here as "16").
 */
import { isMap, type Scalar, type Value } from '../../yaml/types.js';
import { goFormatFloatG } from '../../yaml/gojson.js';

export type Tag = 'str' | 'int' | 'float' | 'bool' | 'null';

const WORDS = new Map<string, { tag: Tag; value: Scalar }>();
for (const w of ['true', 'True', 'TRUE']) WORDS.set(w, { tag: 'bool', value: true });
for (const w of ['false', 'False', 'FALSE']) WORDS.set(w, { tag: 'bool', value: false });
for (const w of ['', '~', 'null', 'Null', 'NULL']) WORDS.set(w, { tag: 'null', value: null });
for (const w of ['.nan', '.NaN', '.NAN']) WORDS.set(w, { tag: 'float', value: NaN });
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) WORDS.set(w, { tag: 'float', value: Infinity });
for (const w of ['-.inf', '-.Inf', '-.INF']) WORDS.set(w, { tag: 'float', value: -Infinity });

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (sign, then 0x/0o/0b/leading-0 prefixes). */
function goParseIntBase0(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt('0o' + body.slice(2));
  else if (/^0[0-7]+$/.test(body)) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body); // BigInt reads 0x, 0b and decimal
  if (m[1] === '-') v = -v;
  // ParseInt takes int64 with a sign; ParseUint the rest of uint64, unsigned only.
  if (v >= INT64_MIN && v <= INT64_MAX) return v;
  return m[1] === '' && v <= UINT64_MAX ? v : undefined;
}

function intValue(v: bigint): Scalar {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** yaml.v3's resolution of a plain scalar text (timestamps are left as strings). */
export function resolveText(text: string): { tag: Tag; value: Scalar } {
  const word = WORDS.get(text);
  if (word) return word;
  const c = text[0];
  if (c === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return { tag: 'float', value: Number(text) };
    return { tag: 'str', value: text };
  }
  if (c === '+' || c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    const plain = text.replace(/_/g, '');
    const i = goParseIntBase0(plain);
    if (i !== undefined) return { tag: 'int', value: intValue(i) };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return { tag: 'float', value: f };
    }
  }
  return { tag: 'str', value: text };
}

/** The tag a parsed scalar of ours had. */
export function tagOf(v: Scalar): Tag {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    default:
      return Number.isInteger(v) ? 'int' : 'float';
  }
}

/** A node's text (kyaml's Value) for one of our scalars. */
export function scalarText(v: Scalar): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) >= 1e21) return BigInt(v).toString();
  return String(v);
}

export type Coerced = { ok: true; value: Scalar } | { ok: false; message: string };

/**
 * What decoding a node with `tag` and `text` gives; Go's yaml.v3 refuses a text that
 * resolves to another type (an int may become a float). `undefined` tag: a node created
 * without one, which takes whatever the text resolves to.
 */
export function decodeTagged(text: string, tag: Tag | undefined): Coerced {
  if (tag === 'str') return { ok: true, value: text };
  const r = resolveText(text);
  if (tag === undefined || r.tag === tag) return { ok: true, value: r.value };
  if (tag === 'float' && r.tag === 'int') return { ok: true, value: typeof r.value === 'bigint' ? Number(r.value) : r.value };
  return { ok: false, message: `yaml: cannot decode !!${r.tag} \`${text}\` as a !!${tag}` };
}

/** A string yaml.v3 may print unquoted. */
function plainSafe(s: string): boolean {
  if (s === '' || resolveText(s).tag !== 'str') return false;
  if (/^[\s,[\]{}#&*!|>'"%@`]/.test(s) || /^[-?:](\s|$)/.test(s) || /^(---|\.\.\.)/.test(s) || /\s$/.test(s)) return false;
  return !/: |:$| #|[\n\t]/.test(s);
}

/**
 * RNode.String() of a node, trimmed: the text path matchers compare against. Strings that
 * need quoting are taken to have been written double-quoted.
 */
export function nodeString(v: Value, emit: (v: Value) => string): string {
  if (isMap(v) || Array.isArray(v)) return emit(v).trim();
  if (typeof v === 'string') return plainSafe(v) ? v : JSON.stringify(v);
  return scalarText(v);
}

/** Go's fmt %v of a decoded value (map[string]interface{}, []interface{}, scalars). */
export function goFormatV(v: Value | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormatV).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${keys.map((k) => `${k}:${goFormatV(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'number' && !Number.isInteger(v)) return goFormatFloatG(v);
  return scalarText(v);
}

/** Go's %T of a decoded value, for kustomize's log lines. */
export function goTypeName(v: Value): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'float64';
  return 'int';
}
