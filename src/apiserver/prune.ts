/**
 * Unknown fields and defaults, walked along a schema. Built-in kinds drop fields their Go
 * types do not have (and report them for fieldValidation); custom resources are pruned to
 * their structural schema, where an object schema without properties keeps nothing unless it
 * says `x-kubernetes-preserve-unknown-fields`.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import type { OpenApiSchema } from '../schema/kube/index.js';

export interface WalkSchema {
  resolve: (s: OpenApiSchema) => OpenApiSchema;
  /** Structural (CRD) rules: an object without properties keeps no fields. */
  structural: boolean;
}

/** How an unknown field is named in messages: "spec.template.spec.containers[0].foo". */
function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isFreeForm(s: OpenApiSchema, structural: boolean): boolean {
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return true;
  if (structural) return false;
  // In the built-in document, an object with neither properties nor additionalProperties is
  // opaque JSON (RawExtension, JSON, FieldsV1).
  return s.properties === undefined && s.additionalProperties === undefined && s.items === undefined;
}

/**
 * The value with unknown fields removed; their paths are pushed onto `unknown`. Values
 * whose type does not match are left for validation to report.
 */
export function prune(value: Value, schema: OpenApiSchema | undefined, w: WalkSchema, path: string, unknown: string[]): Value {
  if (schema === undefined) return value;
  const s = w.resolve(schema);
  if (Array.isArray(value)) {
    if (s.items === undefined) return value;
    let changed = false;
    const out = value.map((v, i) => {
      const p = prune(v, s.items, w, `${path}[${i}]`, unknown);
      if (p !== v) changed = true;
      return p;
    });
    return changed ? out : value;
  }
  if (!isMap(value)) return value;
  if (s['x-kubernetes-embedded-resource'] === true) return pruneObject(value, s, w, path, unknown, true);
  if (s.properties === undefined && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    if (s.additionalProperties === true) return value;
    let changed = false;
    const out: ValueMap = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v, s.additionalProperties, w, join(path, k), unknown);
      if (p !== v) changed = true;
      out[k] = p;
    }
    return changed ? out : value;
  }
  // A reference always leads into the built-in document (CRD schemas have none but the
  // injected ObjectMeta), where opaque types such as FieldsV1 are plain `type: object`.
  if (isFreeForm(s, w.structural && schema.$ref === undefined) && s.properties === undefined) return value;
  return pruneObject(value, s, w, path, unknown, false);
}

function pruneObject(value: ValueMap, s: OpenApiSchema, w: WalkSchema, path: string, unknown: string[], embedded: boolean): ValueMap {
  const keep = s['x-kubernetes-preserve-unknown-fields'] === true;
  const props = s.properties ?? {};
  let changed = false;
  const out: ValueMap = {};
  for (const [k, v] of Object.entries(value)) {
    const prop = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : undefined;
    if (prop === undefined) {
      if (embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) {
        out[k] = v;
        continue;
      }
      if (keep) {
        out[k] = v;
        continue;
      }
      unknown.push(join(path, k));
      changed = true;
      continue;
    }
    const p = prune(v, prop, w, join(path, k), unknown);
    if (p !== v) changed = true;
    out[k] = p;
  }
  return changed ? out : value;
}

function clone(v: Value): Value {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as Value);
}

/**
 * Structural defaulting: every absent property with a `default` gets it, recursively, and
 * defaults apply inside list items and map values too.
 */
export function applyDefaults(value: Value, schema: OpenApiSchema | undefined, w: WalkSchema): Value {
  if (schema === undefined) return value;
  const s = w.resolve(schema);
  if (Array.isArray(value)) {
    if (s.items === undefined) return value;
    let changed = false;
    const out = value.map((v) => {
      const d = applyDefaults(v, s.items, w);
      if (d !== v) changed = true;
      return d;
    });
    return changed ? out : value;
  }
  if (!isMap(value)) return value;
  let out: ValueMap | undefined;
  if (s.properties) {
    for (const [k, prop] of Object.entries(s.properties)) {
      const ps = w.resolve(prop);
      const cur = (out ?? value)[k];
      if (cur === undefined && ps.default !== undefined) {
        out ??= { ...value };
        out[k] = applyDefaults(clone(ps.default as Value), ps, w);
      } else if (cur !== undefined && cur !== null) {
        const d = applyDefaults(cur, ps, w);
        if (d !== cur) {
          out ??= { ...value };
          out[k] = d;
        }
      }
    }
  } else if (isMap(s.additionalProperties)) {
    for (const [k, v] of Object.entries(value)) {
      const d = applyDefaults(v, s.additionalProperties, w);
      if (d !== v) {
        out ??= { ...value };
        out[k] = d;
      }
    }
  }
  return out ?? value;
}
