/**
 * Scalars as kustomize's kyaml nodes hold them: a text plus a tag. Replacements copy texts
 * between nodes and keep the target's tag, and the node is decoded again later, so a value is
 * typed by the target's tag (yaml.v3's rules, YAML 1.2 words only); vars print values with Go's
 * fmt %v. Our resources are plain values, so texts are rebuilt from them (a number written
 * `0x10` in the input reads here as "16").
 */
import { isMap, type Scalar, type Value } from '../../yaml/types.js';
import { goFormatFloatG } from '../../yaml/gojson.js';
import { TAG_BOOL, TAG_FLOAT, TAG_INT, TAG_NULL, resolvePlain, resolved } from '../../yaml/resolve.js';

export type Tag = 'str' | 'int' | 'float' | 'bool' | 'null';

const TAGS: Record<string, Tag> = { [TAG_INT]: 'int', [TAG_FLOAT]: 'float', [TAG_BOOL]: 'bool', [TAG_NULL]: 'null' };

/** yaml.v3's resolution of a plain scalar text (src/yaml's resolver; timestamps are left as strings). */
export function resolveText(text: string): { tag: Tag; value: Scalar } {
  let value: Scalar;
  try {
    value = resolvePlain(text);
  } catch {
    return { tag: 'str', value: text };
  }
  const tag = TAGS[resolved.tag];
  return tag === undefined ? { tag: 'str', value: text } : { tag, value };
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
