/**
 * The list-element operations kyaml's merge walker is built from, reproduced with their
 * quirks because kustomize's output depends on them: which element a key tuple finds, how an
 * element is replaced or appended, how key tuples with missing secondary keys are merged.
 *
 * A list under construction is a `Seq` of `Box`es. A box stands for one YAML node: the walker
 * merges an element "in place" by replacing `box.v`, and every list holding that box sees it,
 * as every Go slice holding the same *yaml.Node does.
 */
import { isMap, type Value } from '../yaml/types.js';
import { PatchError } from './errors.js';
import { hasOwn, nodeKind, nodeText, renderYaml, type NodeKind } from './values.js';

export interface Box {
  v: Value;
}

export class Seq {
  constructor(public elems: Box[]) {}
}

export function kindError(expected: NodeKind, v: Value): PatchError {
  return new PatchError(`wrong node kind: expected ${expected} but got ${nodeKind(v)}: node contents:\n${renderYaml(v)}`);
}

const isEmptyMap = (v: Value): boolean => isMap(v) && Object.keys(v).length === 0;

/** kyaml's key text of an element: "" when the key is missing, null or an empty collection. */
export function keyText(elem: Value, key: string): string {
  if (!isMap(elem) || !hasOwn(elem, key)) return '';
  const v = elem[key]!;
  if (v === null) return '';
  return nodeText(v);
}

/**
 * A field matcher: does `elem` have field `name` (with text `value`, unless `value` is "")?
 * With an empty name it compares a scalar element itself. Wrong kinds are errors, as in kyaml.
 */
function fieldMatches(elem: Value, name: string, value: string): boolean {
  if (elem === null) return false;
  if (name === '') {
    if (isMap(elem) || Array.isArray(elem)) throw kindError('ScalarNode', elem);
    return nodeText(elem) === value;
  }
  if (!isMap(elem)) throw kindError('MappingNode', elem);
  if (!hasOwn(elem, name)) return false;
  return value === '' || nodeText(elem[name]!) === value;
}

/** The first element whose keys have exactly these texts (an empty key compares scalars). */
export function elementList(seq: Seq, keys: readonly string[], values: readonly string[]): Box | undefined {
  if (keys.length === 0 || keys[0] === '') {
    const want = values[0] ?? '';
    return seq.elems.find((b) => nodeText(b.v) === want);
  }
  for (const box of seq.elems) {
    const e = box.v;
    if (!isMap(e)) continue;
    let ok = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (!hasOwn(e, k) || nodeText(e[k]!) !== values[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return box;
  }
  return undefined;
}

/**
 * kyaml's ElementSetter: drops null and empty-map elements, replaces every element matching
 * the keys with `element` (or deletes them when it is undefined), appends `element` when none
 * matched. With no values at all every element counts as unmatched and is dropped.
 */
export function elementSetter(seq: Seq, element: Box | undefined, keys: readonly string[], values: readonly string[]): void {
  const ks = keys.length === 0 ? [''] : keys;
  const mappingSetter = ks[0] !== '' && values.length > 0 && values[0] !== '';
  const out: Box[] = [];
  let matched = false;
  for (const box of seq.elems) {
    const v = box.v;
    if (v === null || isEmptyMap(v)) continue;
    if (!isMap(v) && mappingSetter) {
      out.push(box);
      continue;
    }
    let found = true;
    let val = false;
    for (let j = 0; j < ks.length; j++) {
      if (j < values.length) val = fieldMatches(v, ks[j]!, values[j]!);
      if (!val) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) out.push(box);
      continue;
    }
    matched = true;
    if (element !== undefined) out.push(element);
  }
  seq.elems = out;
  if (element === undefined || element.v === null) return;
  if (!matched) seq.elems.push(element);
}

/** kyaml's appendListNode: sets each element of `src` into `dst` by its key values. */
export function appendListNode(dst: Seq, src: Seq, keys: readonly string[]): void {
  for (const box of src.elems.slice()) {
    if (keys[0] === '') {
      elementSetter(dst, box, [''], [nodeText(box.v)]);
      continue;
    }
    const v: string[] = [];
    for (const key of keys) {
      const e = box.v;
      if (e === null) {
        dst.elems.push(box);
        continue;
      }
      if (!isMap(e)) throw kindError('MappingNode', e);
      if (!hasOwn(e, key)) {
        // no key found: appended directly (the setter below then sorts it out)
        dst.elems.push(box);
        continue;
      }
      v.push(nodeText(e[key]!));
    }
    // With several keys the setter would append a duplicate of an element already present.
    if (keys.length > 1) elementSetter(dst, undefined, keys, v);
    elementSetter(dst, box, keys, v);
  }
}

/**
 * Two key tuples denote the same element when they share a value and differ only where one
 * is empty ([8080, ""] and [8080, TCP]); both are replaced by the fuller tuple, in place.
 */
export function mergeValues(valuesList: string[][]): void {
  const n = valuesList.length;
  for (let i = 0; i < n; i++) {
    const values1 = valuesList[i]!;
    for (let j = 0; j < n; j++) {
      const res = matchValues(values1, valuesList[j]!);
      if (res !== undefined) {
        valuesList[i] = res;
        valuesList[j] = res;
      }
    }
  }
}

function matchValues(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true;
      res.push(a[i]!);
      continue;
    }
    if (a[i] !== '' && b[i] !== '') return undefined;
    res.push(a[i] !== '' ? a[i]! : b[i]!);
  }
  return common ? res : undefined;
}

/** The keys that have a value somewhere in `valuesList` (kyaml's validKeySet). */
export function keysWithValues(valuesList: readonly string[][], keys: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const values of valuesList) values.forEach((v, i) => v !== '' && set.add(keys[i]!));
  return set;
}

/** Drops keys that never have a value; falls back to all keys when none has one. */
export function validateKeys(set: ReadonlySet<string>, values: readonly string[], keys: readonly string[]): [string[], string[]] {
  if (set.size === 0) return [keys.slice(), values.slice()];
  return [keys.filter((k) => set.has(k)), values.filter((v, i) => v !== '' || set.has(keys[i]!))];
}
