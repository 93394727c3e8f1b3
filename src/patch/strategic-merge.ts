/**
 * Strategic merge as kustomize v5.5 applies it (`patchesStrategicMerge`, and `patches` entries
 * holding a strategic merge patch): kyaml's merge2 walker with patch elements put first in
 * merged lists. This is not apimachinery's strategic merge; the differences show:
 *
 * - Lists merge by key only where the schema says `x-kubernetes-patch-strategy: merge` (alone
 *   or with retainKeys); every other list — all lists of kinds without a schema (CRDs) — is
 *   replaced by the patch's list, which is taken as written (nulls and `$patch` inside kept).
 * - Merged lists hold the patch's elements first, in the patch's order (merged with their
 *   counterparts), then the target's other elements. Key tuples follow
 *   `x-kubernetes-list-map-keys` when given (e.g. containerPort+protocol), with kyaml's
 *   matching of tuples where a secondary key is missing.
 * - `null` in the patch deletes a field; nulls inside maps the patch adds are dropped; explicit
 *   nulls in the target are kept (kustomize drops `key:` written empty, our values cannot
 *   tell the two apart).
 * - `$patch: delete|replace|merge` in a map, a `$patch` list element for the whole list, and
 *   `$patch: delete` in a list element work; `$retainKeys`, `$setElementOrder/…` and
 *   `$deleteFromPrimitiveList/…` are not directives here and stay as ordinary fields;
 *   `retainKeys` strategies are not applied.
 * - A patch value of another node kind than the target's (map vs list vs scalar) is an error.
 *
 * Neither input is modified. The result may share unchanged subtrees with `target`.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { SchemaNode, SchemaSet } from '../schema/index.js';
import { PatchError } from './errors.js';
import {
  appendListNode,
  elementList,
  elementSetter,
  keyText,
  keysWithValues,
  kindError,
  mergeValues,
  Seq,
  validateKeys,
  type Box,
} from './associative-list.js';
import { deepCopy, hasOwn, nodeText } from './values.js';

export interface StrategicMergeOptions {
  /** Where kinds' schemas come from, at the root and for embedded objects (default: kustomize's built-in set). */
  schemas?: SchemaSet;
  /** The root schema; by default looked up from the target's (then the patch's) apiVersion and kind. */
  schema?: SchemaNode;
  /**
   * Merge lists without a schema by a key all their elements have (kyaml's inference, with
   * `associativeKeys`, default ["name"]). kustomize's patches do not do this.
   */
  inferAssociativeLists?: boolean;
  associativeKeys?: readonly string[];
  /** Where the patch's new list elements go: kustomize puts them first ('prepend', the default). */
  listIncreaseDirection?: 'prepend' | 'append';
}

const enum From {
  None,
  Dest,
  Origin,
}

interface Ctx {
  readonly set: SchemaSet;
  readonly infer: boolean;
  readonly associativeKeys: readonly string[];
  readonly prepend: boolean;
  /** Which source the last walk returned (the node merged "in place"). */
  from: From;
  /** Field path for messages; list elements start a new one, as in kyaml. */
  path: string[];
}

type Directive = 'merge' | 'replace' | 'delete' | 'unknown';

/**
 * Merges `patch` into `target`. Returns null when the patch deletes the object (`$patch: delete`
 * at the top). The third argument is the root schema, a schema set, or options.
 */
export function strategicMerge(
  target: ValueMap,
  patch: ValueMap,
  schema?: SchemaNode | SchemaSet | StrategicMergeOptions,
): ValueMap | null {
  const opts: StrategicMergeOptions =
    schema === undefined ? {} : schema instanceof SchemaSet ? { schemas: schema } : schema instanceof SchemaNode ? { schema, schemas: schema.set } : schema;
  const ctx: Ctx = {
    set: opts.schemas ?? opts.schema?.set ?? SchemaSet.builtin(),
    infer: opts.inferAssociativeLists ?? false,
    associativeKeys: opts.associativeKeys ?? ['name'],
    prepend: (opts.listIncreaseDirection ?? 'prepend') === 'prepend',
    from: From.None,
    path: [],
  };
  // The result may hold parts of the patch; copying it first keeps the caller's patch unshared.
  const out = walk(ctx, target, deepCopy(patch), opts.schema);
  if (out === undefined || out === null) return null;
  if (!isMap(out)) throw new PatchError('strategic merge did not produce an object');
  return out;
}

type Kind = 0 | 'map' | 'seq' | 'scalar';

function kindOf(v: Value | undefined): Kind {
  if (v === undefined || v === null) return 0;
  if (Array.isArray(v)) return 'seq';
  if (isMap(v)) return 'map';
  return 'scalar';
}

/** A map with apiVersion and kind gets its kind's schema when none is known from the parent. */
function metaSchema(ctx: Ctx, v: Value | undefined): SchemaNode | undefined {
  if (!isMap(v)) return undefined;
  const apiVersion = v.apiVersion;
  const kind = v.kind;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') return undefined;
  return ctx.set.schemaFor(apiVersion, kind);
}

/**
 * Merges origin (the patch side) into dest. Returns the merged value, or undefined when the
 * field is to be removed. Sets ctx.from.
 */
function walk(ctx: Ctx, dest: Value | undefined, origin: Value | undefined, schema: SchemaNode | undefined): Value | undefined {
  if (schema === undefined) schema = metaSchema(ctx, dest) ?? metaSchema(ctx, origin);
  const kd = kindOf(dest);
  const ko = kindOf(origin);
  const kind = kd !== 0 ? kd : ko;
  if (ko !== 0 && ko !== kind) throw kindError(kind === 'map' ? 'MappingNode' : kind === 'seq' ? 'SequenceNode' : 'ScalarNode', origin!);
  switch (kind) {
    case 0:
    case 'map':
      return walkMap(ctx, dest, origin, schema);
    case 'seq':
      if (isAssociative(ctx, schema, dest, origin)) return walkAssociativeList(ctx, dest as Value[] | null | undefined, origin, schema);
      // Any other list: the patch's list as written, else the target's.
      ctx.from = origin !== undefined ? From.Origin : From.Dest;
      return origin !== undefined ? (origin === null ? undefined : origin) : dest;
    case 'scalar':
      ctx.from = origin !== undefined ? From.Origin : From.Dest;
      return origin !== undefined ? (origin === null ? undefined : origin) : dest;
  }
}

function mapDirective(origin: Value | undefined): [Directive, Value | undefined] {
  if (!isMap(origin)) return [origin === undefined ? 'merge' : 'unknown', origin];
  if (!hasOwn(origin, '$patch')) return ['merge', origin];
  const v = nodeText(origin.$patch!);
  if (v !== 'delete' && v !== 'replace' && v !== 'merge') return ['unknown', origin];
  const { $patch: _, ...rest } = origin;
  return [v, rest];
}

function walkMap(ctx: Ctx, dest: Value | undefined, origin: Value | undefined, schema: SchemaNode | undefined): Value | undefined {
  let node: Value | undefined;
  let from: From;
  if (dest === undefined || dest === null) {
    // Add: an unknown directive is not an error here and stays in the added map.
    const [dir, elided] = mapDirective(origin);
    if (dir === 'delete') {
      ctx.from = From.None;
      return undefined;
    }
    if (origin === undefined && dest === null) {
      // kustomize keeps an explicit null the patch does not mention
      ctx.from = From.Dest;
      return null;
    }
    origin = elided;
    node = origin;
    from = From.Origin;
  } else {
    if (origin === null) {
      ctx.from = From.None;
      return undefined;
    }
    const [dir, elided] = mapDirective(origin);
    if (dir === 'unknown') throw new PatchError(`unknown patch strategy '${nodeText((origin as ValueMap).$patch!)}'`);
    if (dir === 'delete') {
      ctx.from = From.None;
      return undefined;
    }
    // Merging the patch's own map with itself: kyaml strips the directive from that one node.
    if (dest === origin) dest = elided;
    origin = elided;
    if (dir === 'replace') {
      node = origin;
      from = From.Origin;
    } else {
      node = dest;
      from = From.Dest;
    }
  }
  if (!isMap(node)) {
    // undefined, or the patch's null for an absent field: nothing to set
    ctx.from = From.None;
    return undefined;
  }
  // After "replace" or "add" the patch's map is merged with itself, which drops its nulls and
  // applies its nested directives.
  const other = from === From.Origin ? node : isMap(origin) ? origin : undefined;
  let out = node;
  let copied = false;
  const track = ctx.infer; // the field path only shows in inference errors
  const keys = Object.keys(node);
  const nKeys = keys.length;
  const extra = other !== undefined && other !== node ? Object.keys(other) : undefined;
  for (let i = 0, n = nKeys + (extra?.length ?? 0); i < n; i++) {
    let key: string;
    let dv: Value | undefined;
    let ov: Value | undefined;
    if (i < nKeys) {
      key = keys[i]!;
      dv = node[key]!;
      ov = other !== undefined && hasOwn(other, key) ? other[key] : undefined;
    } else {
      key = extra![i - nKeys]!;
      if (hasOwn(node, key)) continue;
      dv = undefined;
      ov = other![key];
    }
    const fieldSchema = schema?.field(key);
    // Without a patch value only maps and merged lists can change (kyaml walks them all).
    if (ov === undefined && !isMap(dv) && !(Array.isArray(dv) && (fieldSchema !== undefined ? fieldSchema.isAssociativeList : ctx.infer))) continue;
    if (track) ctx.path.push(key);
    const r = walk(ctx, dv, ov, fieldSchema);
    if (track) ctx.path.pop();
    if (r === undefined) {
      if (dv !== undefined) {
        if (!copied) (out = { ...out }), (copied = true);
        delete out[key];
      }
    } else if (r !== dv) {
      if (!copied) (out = { ...out }), (copied = true);
      out[key] = r;
    }
  }
  ctx.from = from;
  return out;
}

function isAssociative(ctx: Ctx, schema: SchemaNode | undefined, dest: Value | undefined, origin: Value | undefined): boolean {
  if (schema !== undefined) return schema.isAssociativeList;
  if (!ctx.infer) return false;
  for (const n of [dest, origin]) if (Array.isArray(n) && associativeKey(n, ctx.associativeKeys) !== '') return true;
  return false;
}

/** The first candidate key every element has ("" if none). */
function associativeKey(list: Value[], candidates: readonly string[]): string {
  for (const key of candidates) if (list.every((e) => isMap(e) && hasOwn(e, key))) return key;
  return '';
}

function seqDirective(origin: Value[]): [Directive, Value[]] {
  const first = origin.find((e) => isMap(e) && hasOwn(e, '$patch')) as ValueMap | undefined;
  // A `$patch` element with other fields is about that element, not the list.
  if (first === undefined || Object.keys(first).length > 1) return ['merge', origin];
  const v = nodeText(first.$patch!);
  if (v !== 'delete' && v !== 'replace' && v !== 'merge') throw new PatchError(`unknown patch strategy '${v}'`);
  const seq = new Seq(origin.map((x) => ({ v: x })));
  elementSetter(seq, undefined, ['$patch'], [v]);
  return [v, seq.elems.map((b) => b.v)];
}

function walkAssociativeList(
  ctx: Ctx,
  dest: Value[] | null | undefined,
  origin: Value | undefined,
  schema: SchemaNode | undefined,
): Value | undefined {
  let node: Value[];
  let from: From;
  let originList: Value[] | undefined;
  if (dest === undefined || dest === null) {
    node = origin as Value[];
    originList = node;
    from = From.Origin;
  } else {
    if (origin === null) {
      ctx.from = From.None;
      return undefined;
    }
    let dir: Directive = 'merge';
    if (origin !== undefined) [dir, originList] = seqDirective(origin as Value[]);
    if (dest === origin) dest = originList!;
    if (dir === 'delete') {
      ctx.from = From.None;
      return undefined;
    }
    if (dir === 'replace') {
      node = originList!;
      from = From.Origin;
    } else {
      node = dest;
      from = From.Dest;
    }
  }

  let keys: string[] = schema !== undefined ? [...schema.mergeKeys] : [];
  const strategy = schema?.patchStrategy ?? '';
  if (strategy === '' && keys.length === 0) keys = [elementKey(ctx, node, originList)];

  const destSeq = new Seq(node.map((v) => ({ v })));
  // When the patch's list is merged with itself both sides are one list, as in kyaml.
  const originSeq = originList === undefined ? undefined : originList === node ? destSeq : new Seq(originList.map((v) => ({ v })));

  // Fast path: the patch does not touch the list and every element has a distinct full key tuple.
  if (originSeq === undefined && isPlainKeyedList(node, keys)) {
    const items = schema?.items();
    let out: Value[] | undefined;
    for (let i = 0; i < node.length; i++) {
      const r = walk(ctx, node[i], undefined, items);
      if (r !== node[i]) (out ??= node.slice())[i] = r as Value;
    }
    ctx.from = From.None;
    return out ?? node;
  }

  const sources = ctx.prepend ? [originSeq, destSeq] : [destSeq, originSeq];
  const itemSchema = schema?.items();
  let result: Seq;
  const tuples = elementValues(sources, keys);
  if (tuples.length > 0 || keys.length > 0) result = setElements(ctx, tuples, keys, destSeq, originSeq, itemSchema);
  else result = setElements(ctx, primitiveValues(sources), [''], destSeq, originSeq, itemSchema);
  ctx.from = From.None;
  return result.elems.map((b) => b.v);
}

/** Every element a non-empty map with all keys set, no two with the same tuple. */
function isPlainKeyedList(list: Value[], keys: string[]): boolean {
  if (keys.length === 0 || keys[0] === '') return false;
  const seen = new Set<string>();
  for (const e of list) {
    if (!isMap(e) || Object.keys(e).length === 0) return false;
    let id = '';
    for (const k of keys) {
      const t = keyText(e, k);
      if (t === '') return false;
      id += t + '\u0000';
    }
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

function elementKey(ctx: Ctx, dest: Value[], origin: Value[] | undefined): string {
  let key = '';
  for (const src of [dest, origin]) {
    if (src === undefined || src.length === 0) continue;
    const k = associativeKey(src, ctx.associativeKeys);
    if (key !== '' && key !== k) throw new PatchError(`conflicting merge keys [${key},${k}] for field ${ctx.path.join('.')}`);
    key = k;
  }
  if (key === '') throw new PatchError(`no merge key found for field ${ctx.path.join('.')}`);
  return key;
}

/** The distinct key tuples of all elements, in source order. */
function elementValues(sources: (Seq | undefined)[], keys: string[]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    if (src === undefined) continue;
    for (const box of src.elems) {
      if (keys.length === 0) continue;
      const tuple = keys.map((k) => keyText(box.v, k));
      const id = tuple.join('\u0000');
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(tuple);
    }
  }
  return out;
}

/** For lists merged by value (e.g. finalizers): the distinct element texts. */
function primitiveValues(sources: (Seq | undefined)[]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    if (src === undefined) continue;
    for (const box of src.elems) {
      const t = nodeText(box.v);
      if (seen.has(t)) continue;
      seen.add(t);
      out.push([t]);
    }
  }
  return out;
}

/** kyaml's setAssociativeSequenceElements. */
function setElements(
  ctx: Ctx,
  valuesList: string[][],
  keys: string[],
  dest: Seq,
  origin: Seq | undefined,
  itemSchema: SchemaNode | undefined,
): Seq {
  const items = new Seq([]);
  if (keys.length > 1) mergeValues(valuesList);
  const keySet = keysWithValues(valuesList, keys);
  let validKeys: string[] = keys;
  let validValues: string[];
  const savedPath = ctx.path;
  for (const values of valuesList) {
    if (values.length === 0) continue;
    [validKeys, validValues] = validateKeys(keySet, values, keys);
    const [ek, ev] = validateKeys(keysWithValues([validValues], validKeys), validValues, validKeys);
    const dBox = elementList(dest, ek, ev);
    const oBox = origin === undefined ? undefined : elementList(origin, ek, ev);
    ctx.path = [];
    ctx.from = From.None;
    const r = walk(ctx, dBox?.v, oBox?.v, itemSchema);
    const from = ctx.from as From;
    ctx.path = savedPath;
    let val: Box | undefined;
    if (r !== undefined) {
      if (from === From.Dest && dBox !== undefined) val = dBox;
      else if (from === From.Origin && oBox !== undefined) val = oBox;
      else val = { v: r };
      val.v = r;
    }
    // kyaml strips a recognised `$patch` from the patch's element in place.
    if (oBox !== undefined && oBox !== val && isMap(oBox.v) && hasOwn(oBox.v, '$patch')) {
      const d = nodeText(oBox.v.$patch!);
      if (d === 'delete' || d === 'replace' || d === 'merge') {
        const { $patch: _, ...rest } = oBox.v;
        oBox.v = rest;
      }
    }

    let exit = false;
    for (let i = 0; i < validKeys.length; i++) {
      const key = validKeys[i]!;
      if (val === undefined || (isMap(val.v) && Object.keys(val.v).length === 0)) {
        elementSetter(dest, undefined, validKeys, validValues);
        exit = true;
      } else if (validValues[i] !== '' && !(isMap(val.v) && hasOwn(val.v, key))) {
        // kyaml makes sure the merged element carries its key
        if (isMap(val.v)) val.v = { ...val.v, [key]: validValues[i]! };
        else if (key !== '') throw kindError('MappingNode', val.v);
      }
    }
    if (exit) continue;
    elementSetter(items, val, validKeys, validValues);
  }
  if (valuesList.length === 0) return dest;
  if (ctx.prepend) {
    appendListNode(items, dest, validKeys);
    return items;
  }
  appendListNode(dest, items, validKeys);
  return dest;
}
