/**
 * Server-side apply over plain objects and OpenAPI schemas, after the semantics of
 * Kubernetes' structured merge: which fields a value sets, what changed between two
 * objects, how an applied configuration merges into the live object, and how managers'
 * ownership moves on apply and on ordinary writes.
 *
 * Schemas decide the shape of each node: objects with declared fields ("structs"), maps
 * (additionalProperties), lists that are atomic, sets (`v:` items) or maps keyed by fields
 * (`k:` items), and leaves. Where no schema speaks (preserve-unknown-fields, opaque JSON),
 * maps are walked field by field and lists are atomic.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import type { OpenApiSchema } from '../schema/kube/index.js';
import { canonicalJson, FieldSet, pathString } from './fieldset.js';
import { StatusError } from './errors.js';

export interface TypeContext {
  resolve: (s: OpenApiSchema) => OpenApiSchema;
}

type Shape =
  | { t: 'leaf' }
  | { t: 'struct'; s: OpenApiSchema }
  | { t: 'map'; elem: OpenApiSchema | undefined }
  | { t: 'list'; rel: 'set' | 'map'; keys: string[]; elem: OpenApiSchema | undefined };

function listRelation(s: OpenApiSchema): { rel: 'atomic' | 'set' | 'map'; keys: string[] } {
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'map') return { rel: 'map', keys: s['x-kubernetes-list-map-keys'] ?? [] };
  if (lt === 'set') return { rel: 'set', keys: [] };
  if (lt === 'atomic') return { rel: 'atomic', keys: [] };
  const strategy = s['x-kubernetes-patch-strategy'];
  if (typeof strategy === 'string' && strategy.split(',').includes('merge')) {
    const key = s['x-kubernetes-patch-merge-key'];
    return key ? { rel: 'map', keys: [key] } : { rel: 'set', keys: [] };
  }
  return { rel: 'atomic', keys: [] };
}

function shapeOf(schema: OpenApiSchema | undefined, v: Value | undefined, ctx: TypeContext): Shape {
  const s = schema === undefined ? undefined : ctx.resolve(schema);
  if (Array.isArray(v)) {
    if (!s || s.items === undefined) return { t: 'leaf' };
    const { rel, keys } = listRelation(s);
    if (rel === 'atomic') return { t: 'leaf' };
    return { t: 'list', rel, keys, elem: s.items };
  }
  if (isMap(v)) {
    if (!s) return { t: 'map', elem: undefined };
    if (s['x-kubernetes-map-type'] === 'atomic') return { t: 'leaf' };
    if (s.properties !== undefined) return { t: 'struct', s };
    if (isMap(s.additionalProperties as Value)) return { t: 'map', elem: s.additionalProperties as OpenApiSchema };
    if (s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true) return { t: 'map', elem: undefined };
    if (s.type === 'object' || s.type === undefined) return { t: 'map', elem: undefined };
    return { t: 'leaf' };
  }
  return { t: 'leaf' };
}

function fieldSchema(shape: Shape, key: string): OpenApiSchema | undefined {
  if (shape.t === 'struct') {
    const p = shape.s.properties!;
    if (Object.prototype.hasOwnProperty.call(p, key)) return p[key];
    return isMap(shape.s.additionalProperties as Value) ? (shape.s.additionalProperties as OpenApiSchema) : undefined;
  }
  if (shape.t === 'map') return shape.elem;
  return undefined;
}

function isStructField(shape: Shape, key: string): boolean {
  return shape.t === 'struct' && Object.prototype.hasOwnProperty.call(shape.s.properties!, key);
}

const KEY_DEFAULTS: Record<string, Value> = { protocol: 'TCP' };

/** The path element of a list item, or undefined when it cannot have one. */
function itemElement(shape: Extract<Shape, { t: 'list' }>, item: Value): string | undefined {
  if (shape.rel === 'set') return `v:${canonicalJson(item)}`;
  if (!isMap(item)) return undefined;
  const key: ValueMap = {};
  for (const k of shape.keys) {
    const v = item[k] ?? KEY_DEFAULTS[k];
    if (v !== undefined && v !== null) key[k] = v;
  }
  return `k:${canonicalJson(key)}`;
}

function isEmptyContainer(v: Value | undefined): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);
}

/** Indexes list items by path element, first occurrence wins. */
function indexItems(shape: Extract<Shape, { t: 'list' }>, list: Value[] | undefined): { order: string[]; items: Map<string, Value> } {
  const order: string[] = [];
  const items = new Map<string, Value>();
  for (const item of list ?? []) {
    const pe = itemElement(shape, item);
    if (pe === undefined || items.has(pe)) continue;
    items.set(pe, item);
    order.push(pe);
  }
  return { order, items };
}

/** The fields a value sets (what an applier of it comes to own). */
export function toFieldSet(value: Value, schema: OpenApiSchema | undefined, ctx: TypeContext): FieldSet {
  const set = new FieldSet();
  const walk = (v: Value, s: OpenApiSchema | undefined, path: string[]) => {
    const shape = shapeOf(s, v, ctx);
    if (shape.t === 'leaf' || isEmptyContainer(v)) {
      set.insert(path);
      return;
    }
    if (shape.t === 'list') {
      const { order, items } = indexItems(shape, v as Value[]);
      for (const pe of order) {
        const p = [...path, pe];
        set.insert(p);
        if (shape.rel === 'map') walk(items.get(pe)!, shape.elem, p);
      }
      return;
    }
    for (const [k, child] of Object.entries(v as ValueMap)) {
      const p = [...path, `f:${k}`];
      if (!isStructField(shape, k)) set.insert(p);
      if (child === null) {
        set.insert(p);
        continue;
      }
      walk(child, fieldSchema(shape, k), p);
    }
  };
  walk(value, schema, []);
  set.member = false;
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a === 'bigint' || typeof b === 'bigint') return typeof a === typeof b && String(a) === String(b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

export { deepEqual as valuesEqual };

/** What changed from `lhs` to `rhs`, path by path. */
export function compare(lhs: Value | undefined, rhs: Value | undefined, schema: OpenApiSchema | undefined, ctx: TypeContext): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const walk = (l: Value | undefined, r: Value | undefined, s: OpenApiSchema | undefined, path: string[], entry: boolean) => {
    if (l === undefined && r === undefined) return;
    if (l === undefined) {
      if (entry) c.added.insert(path);
      addLeaves(c.added, r!, s, path);
      return;
    }
    if (r === undefined) {
      if (entry) c.removed.insert(path);
      addLeaves(c.removed, l, s, path);
      return;
    }
    const ls = shapeOf(s, l, ctx);
    const rs = shapeOf(s, r, ctx);
    if (ls.t !== rs.t || ls.t === 'leaf' || (isEmptyContainer(l) && isEmptyContainer(r))) {
      if (!deepEqual(l, r)) c.modified.insert(path);
      return;
    }
    if (isEmptyContainer(l) || isEmptyContainer(r)) {
      // An empty map or list on one side is a leaf there.
      if (isEmptyContainer(l)) {
        c.removed.insert(path);
        addLeaves(c.added, r, s, path);
      } else {
        addLeaves(c.removed, l, s, path);
        c.added.insert(path);
      }
      return;
    }
    if (rs.t === 'list') {
      const li = indexItems(rs, l as Value[]);
      const ri = indexItems(rs, r as Value[]);
      for (const pe of new Set([...li.order, ...ri.order])) {
        const lv = li.items.get(pe);
        const rv = ri.items.get(pe);
        const p = [...path, pe];
        if (rs.rel === 'set') {
          if (lv === undefined) c.added.insert(p);
          else if (rv === undefined) c.removed.insert(p);
          continue;
        }
        walk(lv, rv, rs.elem, p, true);
      }
      return;
    }
    const lm = l as ValueMap;
    const rm = r as ValueMap;
    for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
      walk(lm[k], rm[k], fieldSchema(rs, k), [...path, `f:${k}`], !isStructField(rs, k));
    }
  };
  const addLeaves = (into: FieldSet, v: Value, s: OpenApiSchema | undefined, path: string[]) => {
    const sub = toFieldSet(v, s, ctx);
    if (sub.isEmpty() || isEmptyContainer(v) || shapeOf(s, v, ctx).t === 'leaf') {
      into.insert(path);
      return;
    }
    for (const p of sub.paths()) into.insert([...path, ...p]);
  };
  walk(lhs, rhs, schema, [], false);
  return c;
}

/** The live object with the configuration merged in (configuration values win). */
export function merge(live: Value | undefined, config: Value | undefined, schema: OpenApiSchema | undefined, ctx: TypeContext): Value | undefined {
  if (config === undefined) return live;
  if (live === undefined || live === null || config === null) return config;
  const shape = shapeOf(schema, config, ctx);
  const liveShape = shapeOf(schema, live, ctx);
  if (shape.t === 'leaf' || shape.t !== liveShape.t) return config;
  if (shape.t === 'list') {
    return mergeList(live as Value[], config as Value[], shape, ctx);
  }
  const out: ValueMap = { ...(live as ValueMap) };
  for (const [k, v] of Object.entries(config as ValueMap)) {
    if (v === null) {
      delete out[k];
      continue;
    }
    out[k] = merge(out[k], v, fieldSchema(shape, k), ctx)!;
  }
  return out;
}

function mergeList(lhs: Value[], rhs: Value[], shape: Extract<Shape, { t: 'list' }>, ctx: TypeContext): Value[] {
  const L = indexItems(shape, lhs);
  const R = indexItems(shape, rhs);
  const shared = R.order.filter((pe) => L.items.has(pe));
  let sharedAt = 0;
  let nextShared: string | undefined = shared[sharedAt++];
  const out: Value[] = [];
  const mergeItem = (pe: string) => {
    const l = L.items.get(pe);
    const r = R.items.get(pe);
    return shape.rel === 'set' ? (r ?? l)! : (merge(l, r, shape.elem, ctx) as Value);
  };
  let li = 0;
  let ri = 0;
  while (li < L.order.length || ri < R.order.length) {
    if (li < L.order.length && ri < R.order.length) {
      const pe = L.order[li]!;
      if (pe === R.order[ri]) {
        out.push(mergeItem(pe));
        li++;
        ri++;
        nextShared = shared[sharedAt++];
        continue;
      }
      if (R.items.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < L.order.length) {
      const pe = L.order[li]!;
      if (!R.items.has(pe)) {
        out.push(L.items.get(pe)!);
        li++;
        continue;
      }
    }
    if (ri < R.order.length) {
      const pe = R.order[ri]!;
      out.push(mergeItem(pe));
      ri++;
      if (nextShared === pe) nextShared = shared[sharedAt++];
    }
  }
  return out;
}

/**
 * The value without the members of `set` (fields, map entries, list items). Containers the
 * removal empties go too, so that a field no one applies any more disappears entirely.
 */
export function removeItems(value: Value, set: FieldSet, schema: OpenApiSchema | undefined, ctx: TypeContext): Value | undefined {
  if (set.member) return undefined;
  if (set.children.size === 0) return value;
  const shape = shapeOf(schema, value, ctx);
  if (shape.t === 'list') {
    const out: Value[] = [];
    let changed = false;
    for (const item of value as Value[]) {
      const pe = itemElement(shape, item);
      const sub = pe === undefined ? undefined : set.children.get(pe);
      if (!sub) {
        out.push(item);
        continue;
      }
      const r = shape.rel === 'set' ? (sub.member ? undefined : item) : removeItems(item, sub, shape.elem, ctx);
      if (r !== item) changed = true;
      if (r !== undefined) out.push(r);
    }
    if (!changed) return value;
    return out.length === 0 ? undefined : out;
  }
  if (shape.t === 'leaf') return value;
  const m = value as ValueMap;
  const out: ValueMap = { ...m };
  let changed = false;
  for (const [pe, sub] of set.children) {
    if (!pe.startsWith('f:')) continue;
    const k = pe.slice(2);
    if (!Object.prototype.hasOwnProperty.call(m, k)) continue;
    const r = removeItems(m[k]!, sub, fieldSchema(shape, k), ctx);
    if (r === m[k]) continue;
    changed = true;
    if (r === undefined) delete out[k];
    else out[k] = r;
  }
  if (!changed) return value;
  return Object.keys(out).length === 0 ? undefined : out;
}

// ---- managers ---------------------------------------------------------------

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: ValueMap;
  subresource?: string;
}

interface Managed {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

/** Identity of a manager entry: Apply entries by manager; Update entries also by apiVersion. */
function identity(manager: string, operation: string, apiVersion: string, subresource: string | undefined): string {
  const id: Record<string, string> = { manager, operation };
  if (operation === 'Update') id.apiVersion = apiVersion;
  if (subresource) id.subresource = subresource;
  return JSON.stringify(id);
}

function printManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

function decodeManaged(list: Value | undefined): Map<string, Managed> {
  const out = new Map<string, Managed>();
  if (!Array.isArray(list)) return out;
  for (const raw of list) {
    if (!isMap(raw)) continue;
    const entry: ManagedFieldsEntry = {
      manager: String(raw.manager ?? ''),
      operation: raw.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: String(raw.apiVersion ?? ''),
      fieldsType: 'FieldsV1',
      fieldsV1: isMap(raw.fieldsV1) ? raw.fieldsV1 : {},
    };
    if (typeof raw.time === 'string') entry.time = raw.time;
    if (typeof raw.subresource === 'string' && raw.subresource !== '') entry.subresource = raw.subresource;
    out.set(identity(entry.manager, entry.operation, entry.apiVersion, entry.subresource), { entry, set: FieldSet.fromFieldsV1(entry.fieldsV1) });
  }
  return out;
}

function encodeManaged(managers: Map<string, Managed>): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    if (m.set.isEmpty()) continue;
    const e: Record<string, unknown> = { manager: m.entry.manager, operation: m.entry.operation, apiVersion: m.entry.apiVersion };
    if (m.entry.time) e.time = m.entry.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.entry.subresource) e.subresource = m.entry.subresource;
    out.push(e as unknown as ManagedFieldsEntry);
  }
  return out;
}

export interface ApplyRequest {
  /** The live object (undefined when apply creates it), without server-only fields stripped. */
  live: ValueMap | undefined;
  /** The applied configuration. */
  config: ValueMap;
  manager: string;
  apiVersion: string;
  subresource?: string;
  force: boolean;
  now: string;
  schema: OpenApiSchema | undefined;
  ctx: TypeContext;
  /** Removes what ownership ignores (server-set metadata, or status on the main resource). */
  strip: (obj: ValueMap) => ValueMap;
}

export interface ApplyResult {
  object: ValueMap;
  managedFields: ManagedFieldsEntry[];
}

/** 409 naming every manager whose fields the apply would change. */
function conflictError(conflicts: { manager: ManagedFieldsEntry; path: string[] }[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.manager)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, { e: ManagedFieldsEntry; paths: string[][] }>();
    for (const c of conflicts) {
      const id = identity(c.manager.manager, c.manager.operation, c.manager.apiVersion, c.manager.subresource);
      let g = byManager.get(id);
      if (!g) byManager.set(id, (g = { e: c.manager, paths: [] }));
      g.paths.push(c.path);
    }
    const lines: string[] = [];
    for (const id of [...byManager.keys()].sort()) {
      const g = byManager.get(id)!;
      lines.push(`conflicts with ${printManager(g.e)}:`);
      for (const p of g.paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/** Server-side apply: merge, prune what this manager stopped applying, move ownership. */
export function apply(req: ApplyRequest): ApplyResult {
  const { ctx, schema } = req;
  const managers = decodeManaged(req.live ? (req.live.metadata as ValueMap | undefined)?.managedFields : undefined);
  const live = req.live ?? {};
  const applyId = identity(req.manager, 'Apply', req.apiVersion, req.subresource);
  const newSet = toFieldSet(req.strip(req.config), schema, ctx);
  const last = managers.get(applyId);
  let merged = merge(live, req.config, schema, ctx) as ValueMap;
  if (last && !last.set.isEmpty()) {
    let keep = newSet;
    for (const [id, m] of managers) if (id !== applyId && m.entry.operation === 'Apply') keep = keep.union(m.set);
    const drop = last.set.difference(keep);
    if (!drop.isEmpty()) merged = (removeItems(merged, drop, schema, ctx) as ValueMap | undefined) ?? {};
  }
  const cmp = compare(req.strip(live), req.strip(merged), schema, ctx);
  const changed = cmp.modified.union(cmp.added);
  const conflicts: { manager: ManagedFieldsEntry; path: string[] }[] = [];
  const taken = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === applyId) continue;
    const c = m.set.intersection(changed);
    if (!c.isEmpty()) {
      taken.set(id, c);
      for (const p of c.paths()) conflicts.push({ manager: m.entry, path: p });
    }
  }
  if (conflicts.length > 0 && !req.force) throw conflictError(conflicts);
  for (const [id, m] of managers) {
    if (id === applyId) continue;
    let s = m.set;
    const t = taken.get(id);
    if (t) s = s.difference(t);
    if (!cmp.removed.isEmpty()) s = s.difference(cmp.removed);
    if (s !== m.set) managers.set(id, { entry: m.entry, set: s });
  }
  const unchanged = last !== undefined && cmp.added.isEmpty() && cmp.modified.isEmpty() && cmp.removed.isEmpty() && sameSet(last.set, newSet) && last.entry.apiVersion === req.apiVersion;
  const entry: ManagedFieldsEntry = unchanged
    ? last!.entry
    : { manager: req.manager, operation: 'Apply', apiVersion: req.apiVersion, time: req.now, fieldsType: 'FieldsV1', fieldsV1: {} };
  if (req.subresource) entry.subresource = req.subresource;
  // The applier's entry keeps its place; a new one goes last.
  managers.set(applyId, { entry, set: newSet });
  return { object: merged, managedFields: encodeManaged(managers) };
}

function sameSet(a: FieldSet, b: FieldSet): boolean {
  return a.difference(b).isEmpty() && b.difference(a).isEmpty();
}

export interface UpdateRequest {
  live: ValueMap | undefined;
  updated: ValueMap;
  /** managedFields as the live object has them (or as the request replaced them). */
  managedFields: Value | undefined;
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: string;
  schema: OpenApiSchema | undefined;
  ctx: TypeContext;
  strip: (obj: ValueMap) => ValueMap;
}

/** Ownership after an ordinary write (create, update, patch): the writer owns what it changed. */
export function updateManagedFields(req: UpdateRequest): ManagedFieldsEntry[] {
  const { ctx, schema } = req;
  const managers = decodeManaged(req.managedFields);
  const cmp = compare(req.live ? req.strip(req.live) : undefined, req.strip(req.updated), schema, ctx);
  const changed = cmp.modified.union(cmp.added);
  const id = identity(req.manager, 'Update', req.apiVersion, req.subresource);
  for (const [mid, m] of managers) {
    if (mid === id) continue;
    const s = m.set.difference(changed).difference(cmp.removed);
    managers.set(mid, { entry: m.entry, set: s });
  }
  const cur = managers.get(id);
  const set = (cur ? cur.set.union(changed) : changed).difference(cmp.removed);
  const unchanged = cur !== undefined && sameSet(cur.set, set);
  if (!set.isEmpty() || cur) {
    const entry: ManagedFieldsEntry = unchanged
      ? cur!.entry
      : { manager: req.manager, operation: 'Update', apiVersion: req.apiVersion, time: req.now, fieldsType: 'FieldsV1', fieldsV1: {} };
    if (req.subresource) entry.subresource = req.subresource;
    managers.set(id, { entry, set });
  }
  return encodeManaged(managers);
}
