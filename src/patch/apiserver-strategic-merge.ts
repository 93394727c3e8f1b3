/**
 * Strategic merge patch as the Kubernetes API server applies it
 * (`application/strategic-merge-patch+json`, built-in kinds only): lists whose schema says
 * `x-kubernetes-patch-strategy: merge` merge by their merge key (or as sets of primitives),
 * others are replaced; `null` deletes; and the directives kubectl sends are honoured:
 * `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>`.
 *
 * This differs from kustomize's strategic merge in strategic-merge.ts (kyaml's merge2: patch
 * elements first, no ordering or delete-from-list directives); both live here so that the
 * local cluster and the build share one place for patch semantics. Failures throw PatchError.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { PatchError } from './errors.js';
import { deepEqual } from './values.js';

/** Equality where an absent value equals only another absent one. */
function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  return a === undefined || b === undefined ? a === b : deepEqual(a, b);
}

/** The part of an OpenAPI schema node the API server's merge reads. */
export interface OpenApiSchema {
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
}

function badRequest(message: string): PatchError {
  return new PatchError(message);
}

type Resolve = (s: OpenApiSchema) => OpenApiSchema;

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

interface ListStrategy {
  merge: boolean;
  key: string | undefined;
}

function strategyOf(schema: OpenApiSchema | undefined, resolve: Resolve): ListStrategy {
  if (!schema) return { merge: false, key: undefined };
  const s = resolve(schema);
  const st = s['x-kubernetes-patch-strategy'];
  const merge = typeof st === 'string' && st.split(',').includes('merge');
  return { merge, key: s['x-kubernetes-patch-merge-key'] };
}

function fieldOf(schema: OpenApiSchema | undefined, key: string, resolve: Resolve): OpenApiSchema | undefined {
  if (!schema) return undefined;
  const s = resolve(schema);
  if (s.properties && Object.prototype.hasOwnProperty.call(s.properties, key)) return s.properties[key];
  if (isMap(s.additionalProperties as Value)) return s.additionalProperties as OpenApiSchema;
  return undefined;
}

function itemsOf(schema: OpenApiSchema | undefined, resolve: Resolve): OpenApiSchema | undefined {
  if (!schema) return undefined;
  return resolve(schema).items;
}

/** Applies a strategic merge patch to `original`; neither input is modified. */
export function apiServerStrategicMerge<S extends OpenApiSchema>(original: ValueMap, patch: Value, schema: S | undefined, resolveSchema: (s: S) => S): ValueMap {
  // The walk only reads the merge facts, which every S carries.
  const resolve = resolveSchema as unknown as Resolve;
  if (!isMap(patch)) throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  const out = mergeMap(original, patch, schema, resolve);
  return out ?? {};
}

function mergeMap(original: ValueMap, patch: ValueMap, schema: OpenApiSchema | undefined, resolve: Resolve): ValueMap | undefined {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clean(rest) as ValueMap;
  }
  if (directive === 'delete') return undefined;
  if (directive !== undefined && directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)}`);
  let out: ValueMap = { ...original };
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  } else if (retain !== undefined) {
    throw badRequest('invalid patch: $retainKeys must be a list');
  }
  const orders: [string, Value[]][] = [];
  for (const [k, pv] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith(SET_ORDER)) {
      if (!Array.isArray(pv)) throw badRequest(`invalid patch: ${k} must be a list`);
      orders.push([k.slice(SET_ORDER.length), pv]);
      continue;
    }
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(pv)) {
        const filtered = cur.filter((x) => !pv.some((d) => valuesEqual(d, x)));
        out[field] = filtered;
      }
      continue;
    }
    if (pv === null) {
      delete out[k];
      continue;
    }
    const fs = fieldOf(schema, k, resolve);
    const ov = out[k];
    if (isMap(pv)) {
      const base = isMap(ov) ? ov : {};
      const merged = mergeMap(base, pv, fs, resolve);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
      continue;
    }
    if (Array.isArray(pv)) {
      out[k] = mergeList(Array.isArray(ov) ? ov : [], pv, fs, resolve);
      continue;
    }
    out[k] = pv;
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (!Array.isArray(cur)) continue;
    const st = strategyOf(fieldOf(schema, field, resolve), resolve);
    out[field] = reorder(cur, Array.isArray(original[field]) ? (original[field] as Value[]) : [], order, st.key);
  }
  // A map directive may leave fields nobody set; drop map-level directive leftovers.
  out = out as ValueMap;
  return out;
}

/** Removes directives from values that are added whole (no original to merge with). */
function clean(v: Value): Value {
  if (Array.isArray(v)) return v.filter((x) => !(isMap(x) && Object.keys(x).length === 1 && x.$patch !== undefined)).map(clean);
  if (!isMap(v)) return v;
  const out: ValueMap = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM)) continue;
    if (x === null) continue;
    out[k] = clean(x);
  }
  return out;
}

function keyOf(item: Value, key: string | undefined): Value | undefined {
  if (key === undefined) return item;
  return isMap(item) ? item[key] : undefined;
}

function mergeList(original: Value[], patch: Value[], schema: OpenApiSchema | undefined, resolve: Resolve): Value[] {
  const st = strategyOf(schema, resolve);
  if (patch.some((x) => isMap(x) && x.$patch === 'replace')) {
    return patch.filter((x) => !(isMap(x) && x.$patch === 'replace')).map(clean);
  }
  if (!st.merge) return patch.map(clean);
  const elemSchema = itemsOf(schema, resolve);
  const out = [...original];
  const primitive = st.key === undefined;
  for (const p of patch) {
    if (primitive) {
      if (isMap(p) && p.$patch === 'delete') continue;
      if (!out.some((x) => valuesEqual(x, p))) out.push(p);
      continue;
    }
    if (!isMap(p)) {
      out.push(p);
      continue;
    }
    const k = p[st.key!];
    const i = out.findIndex((x) => isMap(x) && valuesEqual(x[st.key!], k));
    if (p.$patch === 'delete') {
      if (k === undefined) throw badRequest(`delete directive in list element requires the merge key ${st.key}`);
      for (let j = out.length - 1; j >= 0; j--) {
        const x = out[j]!;
        if (isMap(x) && valuesEqual(x[st.key!], k)) out.splice(j, 1);
      }
      continue;
    }
    if (i >= 0) {
      const merged = mergeMap(out[i] as ValueMap, p, elemSchema, resolve);
      if (merged === undefined) out.splice(i, 1);
      else out[i] = merged;
    } else {
      out.push(mergeMap({}, p, elemSchema, resolve) ?? {});
    }
  }
  return out;
}

/**
 * Orders a merged list as `$setElementOrder` says; items the order does not name (the
 * server's own) stay after the item that preceded them in the original list.
 */
function reorder(merged: Value[], original: Value[], order: Value[], key: string | undefined): Value[] {
  const orderKeys = order.map((o) => keyOf(o, key));
  const indexIn = (item: Value) => orderKeys.findIndex((k) => valuesEqual(k, keyOf(item, key)));
  const named = merged.filter((x) => indexIn(x) >= 0).sort((a, b) => indexIn(a) - indexIn(b));
  const others = merged.filter((x) => indexIn(x) < 0);
  const result = [...named];
  for (const item of others) {
    const oi = original.findIndex((o) => valuesEqual(keyOf(o, key), keyOf(item, key)));
    let at = 0;
    for (let j = oi - 1; j >= 0; j--) {
      const prevKey = keyOf(original[j]!, key);
      const pos = result.findIndex((r) => valuesEqual(keyOf(r, key), prevKey));
      if (pos >= 0) {
        at = pos + 1;
        break;
      }
    }
    result.splice(at, 0, item);
  }
  return result;
}
