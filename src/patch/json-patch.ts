/**
 * JSON patch (RFC 6902) as kustomize v5.5's PatchJson6902Transformer applies it, with
 * evanphx/json-patch v4's behaviour where it departs from the RFC:
 *
 * - `replace` of a missing object key adds it (only array indices must exist);
 * - negative array indices count from the end (`-1` is the last element; for `add`, `-1`
 *   appends), `-` appends for `add` only, indices may carry a sign or leading zeros ("+1", "01");
 * - `remove`, `move` and `copy` of a missing key: remove/move fail, copy copies null;
 * - `add` never creates missing parents; `add` without `value` sets null;
 * - a `test` of a missing key passes only against null; `test` is strict deep equality;
 * - a path not starting with "/" is read from its second segment on ("a/b" is "/b"), "" is an
 *   error.
 *
 * Errors are `PatchError`s: the message names the operation's index, op and path;
 * `kustomizeMessage` is what kustomize prints.
 *
 * Neither input is modified; the result shares untouched subtrees with `target`.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { PatchError } from './errors.js';
import { deepCopy, deepEqual, hasOwn } from './values.js';

type Container = ValueMap | Value[];

/** Thrown inside an operation with Go's message; turned into a PatchError by the caller. */
class OpFailure {
  constructor(readonly message: string) {}
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

function decodeKey(k: string): string {
  return k.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Go's strconv.Atoi. */
function atoi(s: string): number | OpFailure {
  if (!/^[+-]?[0-9]+$/.test(s)) return new OpFailure(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) && Math.abs(n) > 9223372036854775807) return new OpFailure(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return n === 0 ? 0 : n; // no -0
}

const invalidIndex = (idx: number) => new OpFailure(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);

class Doc {
  private readonly owned = new Set<Container>();

  constructor(public root: Value) {}

  private own<T extends Container>(c: T): T {
    if (this.owned.has(c)) return c;
    const copy = (Array.isArray(c) ? c.slice() : { ...c }) as T;
    this.owned.add(copy);
    return copy;
  }

  /**
   * evanphx's findObject: the container holding the path's last segment, and that segment.
   * With `write`, the containers on the way are copied so that they may be changed.
   */
  find(path: string, write: boolean): [Container, string] | undefined {
    const split = path.split('/');
    if (split.length < 2) return undefined;
    let doc = this.root;
    if (!isMap(doc) && !Array.isArray(doc)) return undefined;
    if (write) doc = this.root = this.own(doc);
    for (const raw of split.slice(1, -1)) {
      const part = decodeKey(raw);
      const got = get(doc, part);
      if (got instanceof OpFailure) return undefined;
      let next = got.v;
      if (next === undefined || next === null) return undefined;
      if (!isMap(next) && !Array.isArray(next)) return undefined;
      if (write && !this.owned.has(next)) {
        next = this.own(next);
        set(doc, got.key, next);
      }
      doc = next;
    }
    return [doc as Container, decodeKey(split[split.length - 1]!)];
  }
}

/** The value at `key` (undefined when absent or null), and the resolved key to write it back. */
function get(c: Value, key: string): { v: Value | undefined; key: string | number } | OpFailure {
  if (Array.isArray(c)) {
    let idx = atoi(key);
    if (idx instanceof OpFailure) return idx;
    if (idx < 0) {
      if (idx < -c.length) return invalidIndex(idx);
      idx += c.length;
    }
    if (idx >= c.length) return invalidIndex(idx);
    return { v: c[idx] ?? undefined, key: idx };
  }
  const m = c as ValueMap;
  return { v: hasOwn(m, key) ? m[key] : undefined, key };
}

function set(c: Container, key: string | number, v: Value): void {
  if (Array.isArray(c)) c[key as number] = v;
  else c[key as string] = v;
}

function add(c: Container, key: string, v: Value): OpFailure | undefined {
  if (!Array.isArray(c)) {
    c[key] = v;
    return undefined;
  }
  if (key === '-') {
    c.push(v);
    return undefined;
  }
  let idx = atoi(key);
  if (idx instanceof OpFailure) return new OpFailure(`value was not a proper array index: '${key}': ${idx.message}`);
  const size = c.length + 1;
  if (idx >= size) return invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) return invalidIndex(idx);
    idx += size;
  }
  c.splice(idx, 0, v);
  return undefined;
}

function remove(c: Container, key: string): OpFailure | undefined {
  if (!Array.isArray(c)) {
    if (!hasOwn(c, key)) return new OpFailure(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete c[key];
    return undefined;
  }
  let idx = atoi(key);
  if (idx instanceof OpFailure) return idx;
  if (idx >= c.length) return invalidIndex(idx);
  if (idx < 0) {
    if (idx < -c.length) return invalidIndex(idx);
    idx += c.length;
  }
  c.splice(idx, 1);
  return undefined;
}

/** A string field of an operation, or Go's decoding error. */
function field(op: ValueMap, name: string, missing: string): string | OpFailure {
  const v = hasOwn(op, name) ? op[name]! : null;
  if (v === null) return new OpFailure(`${missing}: ${MISSING}`);
  if (typeof v === 'string') return v;
  const t = Array.isArray(v) ? 'array' : isMap(v) ? 'object' : typeof v === 'boolean' ? 'bool' : 'number';
  return new OpFailure(`json: cannot unmarshal ${t} into Go value of type string`);
}

function applyOne(doc: Doc, op: ValueMap): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  const value = (): Value => (hasOwn(op, 'value') ? deepCopy(op.value!) : null);
  const fail = (m: string): never => {
    throw new OpFailure(m);
  };
  switch (kind) {
    case 'add': {
      const path = field(op, 'path', 'operation missing path field');
      if (path instanceof OpFailure) return fail(`add operation failed to decode path: ${MISSING}`);
      const found = doc.find(path, true) ?? fail(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      const err = add(found[0], found[1], value());
      if (err) fail(`error in add for path: '${path}': ${err.message}`);
      return;
    }
    case 'remove': {
      const path = field(op, 'path', 'operation missing path field');
      if (path instanceof OpFailure) return fail(`remove operation failed to decode path: ${MISSING}`);
      const found = doc.find(path, true) ?? fail(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      const err = remove(found[0], found[1]);
      if (err) fail(`error in remove for path: '${path}': ${err.message}`);
      return;
    }
    case 'replace': {
      const path = field(op, 'path', 'operation missing path field');
      if (path instanceof OpFailure) return fail(`replace operation failed to decode path: ${path.message}`);
      const found = doc.find(path, true) ?? fail(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
      const got = get(found[0], found[1]);
      if (got instanceof OpFailure) return fail(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
      set(found[0], got.key, value());
      return;
    }
    case 'move': {
      const from = field(op, 'from', 'operation, missing from field');
      if (from instanceof OpFailure) return fail(`move operation failed to decode from: ${from.message}`);
      const src = doc.find(from, true) ?? fail(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      const got = get(src[0], src[1]);
      if (got instanceof OpFailure) return fail(`error in move for path: '${src[1]}': ${got.message}`);
      const err = remove(src[0], src[1]);
      if (err) return fail(`error in move for path: '${src[1]}': ${err.message}`);
      const path = field(op, 'path', 'operation missing path field');
      if (path instanceof OpFailure) return fail(`move operation failed to decode path: ${path.message}`);
      const dst = doc.find(path, true) ?? fail(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      const err2 = add(dst[0], dst[1], got.v ?? null);
      if (err2) fail(`error in move for path: '${path}': ${err2.message}`);
      return;
    }
    case 'test': {
      const path = field(op, 'path', 'operation missing path field');
      if (path instanceof OpFailure) return fail(`test operation failed to decode path: ${path.message}`);
      const found = doc.find(path, false) ?? fail(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
      const got = get(found[0], found[1]);
      if (got instanceof OpFailure) return fail(`error in test for path: '${path}': ${got.message}`);
      const failed = `testing value ${path} failed: test failed`;
      if (got.v === undefined || got.v === null) {
        if (hasOwn(op, 'value') && op.value === null) return;
        return fail(failed);
      }
      if (!hasOwn(op, 'value') || !deepEqual(got.v, op.value!)) fail(failed);
      return;
    }
    case 'copy': {
      const from = field(op, 'from', 'operation, missing from field');
      if (from instanceof OpFailure) return fail(`copy operation failed to decode from: ${from.message}`);
      const src = doc.find(from, false) ?? fail(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      const got = get(src[0], src[1]);
      if (got instanceof OpFailure) return fail(`error in copy for from: '${from}': ${got.message}`);
      const path = field(op, 'path', 'operation missing path field');
      if (path instanceof OpFailure) return fail(`copy operation failed to decode path: ${MISSING}`);
      const dst = doc.find(path, true) ?? fail(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      const err = add(dst[0], dst[1], got.v === undefined ? null : deepCopy(got.v));
      if (err) fail(`error while adding value during copy: ${err.message}`);
      return;
    }
    default:
      fail(`Unexpected kind: ${kind}`);
  }
}

/** Applies RFC 6902 operations (a list of maps) to `target`, returning the new document. */
export function applyJsonPatch(target: Value, ops: Value): Value {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be a list of operations', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const doc = new Doc(target);
  ops.forEach((op, i) => {
    if (!isMap(op)) {
      throw new PatchError(`JSON patch operation #${i} is not a mapping`, 'json: cannot unmarshal array into Go value of type jsonpatch.Operation', i);
    }
    try {
      applyOne(doc, op);
    } catch (e) {
      if (!(e instanceof OpFailure)) throw e;
      const kind = typeof op.op === 'string' ? op.op : 'unknown';
      const path = typeof op.path === 'string' ? op.path : typeof op.from === 'string' ? op.from : '';
      throw new PatchError(`JSON patch operation #${i} (${kind} ${JSON.stringify(path)}): ${e.message}`, e.message, i, kind, path);
    }
  });
  return doc.root;
}
