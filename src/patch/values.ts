/** Small helpers over `Value` shared by the patch functions. */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';

export const hasOwn = (o: ValueMap, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export function deepCopy<T extends Value>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepCopy(x)) as T;
  if (isMap(v)) {
    const out: ValueMap = {};
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]!);
    return out as T;
  }
  return v;
}

/** Structural equality; numbers and bigints compare by value, map key order is ignored. */
export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    // eslint-disable-next-line eqeqeq
    return a == b;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!hasOwn(b, k) || !deepEqual(a[k]!, b[k]!)) return false;
    return true;
  }
  return false;
}

/**
 * The text a YAML node holds (Go yaml.v3's Node.Value): the scalar as written for scalars, ""
 * for maps and lists. Our values no longer know how a number was written; integers print in
 * decimal, which is how Kubernetes manifests write them.
 */
export function nodeText(v: Value | undefined): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return '';
  }
}

export type NodeKind = 'MappingNode' | 'SequenceNode' | 'ScalarNode';

export function nodeKind(v: Value): NodeKind {
  return Array.isArray(v) ? 'SequenceNode' : isMap(v) ? 'MappingNode' : 'ScalarNode';
}

/** A value as block YAML, for error messages. */
export function renderYaml(v: Value, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return v
      .map((x) => {
        const inner = renderYaml(x, indent + '  ');
        return `${indent}- ${isMap(x) || Array.isArray(x) ? inner.trimStart() : inner}`;
      })
      .join('\n');
  }
  if (isMap(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    return keys
      .map((k) => {
        const x = v[k]!;
        if ((isMap(x) && Object.keys(x).length > 0) || (Array.isArray(x) && x.length > 0)) {
          return `${indent}${k}:\n${renderYaml(x, isMap(x) ? indent + '  ' : indent)}`;
        }
        return `${indent}${k}: ${renderYaml(x, indent)}`;
      })
      .join('\n');
  }
  if (typeof v === 'string') return /^[\w./-]*$/.test(v) && v !== '' ? v : JSON.stringify(v);
  return nodeText(v);
}
