/**
 * The compact form of an OpenAPI (Swagger 2.0) schema that the merge code needs: types, fields,
 * list items, map values and the strategic-merge extensions. Descriptions and validation are
 * dropped. The generated built-in table and documents loaded at run time share this form.
 *
 * A `CompactType` is one of:
 * - a number: a reference to a built-in definition by its index in the generated table;
 * - a string starting with `#`: a reference to a definition by name (`#io.k8s.api.core.v1.Pod`);
 *   a string starting with `!`: a reference that cannot be resolved (not `#/definitions/…`);
 * - any other string: a type code with nothing else (see `TypeCode`);
 * - a `CompactObject`.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';

/** s string, i integer, n number, b boolean, o object, a array, q int-or-string, '' untyped. */
export type TypeCode = '' | 's' | 'i' | 'n' | 'b' | 'o' | 'a' | 'q';

export type CompactType = number | string | CompactObject;

export interface CompactObject {
  /** Type code; omitted means 'o' when `p`/`a` is present, 'a' when `i` is present, else ''. */
  t?: TypeCode;
  /** properties */
  p?: Record<string, CompactType>;
  /** additionalProperties (only when it is a schema) */
  a?: CompactType;
  /** items (only when it is a single schema) */
  i?: CompactType;
  /** x-kubernetes-patch-strategy */
  s?: string;
  /** x-kubernetes-patch-merge-key */
  k?: string;
  /** x-kubernetes-list-type */
  l?: string;
  /** x-kubernetes-list-map-keys */
  m?: string[];
}

const DEFINITIONS_PREFIX = '#/definitions/';

function typeCode(schema: ValueMap): TypeCode {
  let t = schema.type;
  // Go's spec.StringOrArray: a one-element array is the same as the string.
  if (Array.isArray(t)) t = t.length === 1 ? t[0]! : null;
  if (schema.format === 'int-or-string' || schema['x-kubernetes-int-or-string'] === true) return 'q';
  switch (t) {
    case 'string':
      return 's';
    case 'integer':
      return 'i';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    case 'object':
      return 'o';
    case 'array':
      return 'a';
    default:
      return '';
  }
}

/**
 * Compiles one schema. `$ref` wins over everything beside it, as kyaml resolves a reference by
 * replacing the whole schema (so e.g. a patch strategy written next to a `$ref` is never seen).
 */
export function compileSchema(schema: Value): CompactType {
  if (!isMap(schema)) return '';
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    return ref.startsWith(DEFINITIONS_PREFIX) ? '#' + ref.slice(DEFINITIONS_PREFIX.length) : '!' + ref;
  }
  const out: CompactObject = {};
  const t = typeCode(schema);
  if (isMap(schema.properties)) {
    const p: Record<string, CompactType> = {};
    for (const [name, sub] of Object.entries(schema.properties)) p[name] = compileSchema(sub);
    out.p = p;
  }
  if (isMap(schema.additionalProperties)) out.a = compileSchema(schema.additionalProperties);
  if (isMap(schema.items)) out.i = compileSchema(schema.items);
  const strategy = schema['x-kubernetes-patch-strategy'];
  if (typeof strategy === 'string') out.s = strategy;
  const mergeKey = schema['x-kubernetes-patch-merge-key'];
  if (typeof mergeKey === 'string') out.k = mergeKey;
  const listType = schema['x-kubernetes-list-type'];
  if (typeof listType === 'string') out.l = listType;
  const mapKeys = schema['x-kubernetes-list-map-keys'];
  if (Array.isArray(mapKeys)) out.m = mapKeys.map((k) => String(k));
  const implied: TypeCode = out.p !== undefined || out.a !== undefined ? 'o' : out.i !== undefined ? 'a' : '';
  if (t !== implied) out.t = t;
  // A bare type is written as its code alone.
  const keys = Object.keys(out);
  if (keys.length === 0) return '';
  if (keys.length === 1 && out.t !== undefined) return out.t;
  return out;
}

/** The type code of a compiled (non-reference) schema. */
export function typeOf(c: CompactObject | string): TypeCode {
  if (typeof c === 'string') return c as TypeCode;
  if (c.t !== undefined) return c.t;
  if (c.p !== undefined || c.a !== undefined) return 'o';
  if (c.i !== undefined) return 'a';
  return '';
}

/** `x-kubernetes-group-version-kind` entries as kyaml keys them: "apiVersion kind". */
export function gvkKeys(definition: Value): string[] {
  if (!isMap(definition)) return [];
  const ext = definition['x-kubernetes-group-version-kind'];
  if (!Array.isArray(ext)) return [];
  const out: string[] = [];
  for (const e of ext) {
    if (!isMap(e) || typeof e.version !== 'string' || typeof e.kind !== 'string') continue;
    const group = typeof e.group === 'string' ? e.group : '';
    out.push(typeMetaKey(group === '' ? e.version : `${group}/${e.version}`, e.kind));
  }
  return out;
}

export function typeMetaKey(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

/**
 * Scopes from an OpenAPI document's `paths`, as kyaml derives them: a kind served under a
 * `namespaces/{namespace}` path is namespaced; one only served elsewhere is cluster-scoped.
 */
export function scopesFromPaths(paths: Value, into: Map<string, boolean>): void {
  if (!isMap(paths)) return;
  for (const [path, info] of Object.entries(paths)) {
    if (!isMap(info) || !isMap(info.get)) continue;
    const gvk = info.get['x-kubernetes-group-version-kind'];
    if (!isMap(gvk) || typeof gvk.version !== 'string' || typeof gvk.kind !== 'string') continue;
    const group = typeof gvk.group === 'string' ? gvk.group : '';
    const key = typeMetaKey(group === '' ? gvk.version : `${group}/${gvk.version}`, gvk.kind);
    if (path.includes('namespaces/{namespace}')) into.set(key, true);
    else if (!into.has(key)) into.set(key, false);
  }
}
