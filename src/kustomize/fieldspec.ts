/**
 * Field specs: where a transformer acts, as `group/version/kind` plus a slash path whose
 * sequences are walked implicitly (kustomize's fieldspec filter).
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { KustomizeError } from './errors.js';
import type { Gvk } from './resid.js';

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** A place in an object that a transformer may read and replace. */
export interface FieldRef {
  get(): Value | undefined;
  set(v: Value): void;
  /** The path of this place, for messages. */
  path: string;
}

/** Splits a field-spec path on "/", where "\/" keeps a slash inside a segment. */
export function splitFieldPath(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const last = out[out.length - 1]!;
    if (last.endsWith('\\')) out[out.length - 1] = `${last.slice(0, -1)}/${parts[i]}`;
    else out.push(parts[i]!);
  }
  return out;
}

export function fieldSpecApplies(fs: FieldSpec, gvk: Gvk): boolean {
  if (fs.kind && fs.kind !== gvk.kind) return false;
  if (fs.group && fs.group !== gvk.group) return false;
  if (fs.version && fs.version !== gvk.version) return false;
  return true;
}

export type CreateKind = 'map' | 'scalar';

/**
 * Calls `visit` on every place the field spec names in `obj`. Missing fields are created
 * (maps on the way, `createKind` at the end) only when the spec says `create` and a kind is given.
 */
export function visitFieldSpec(obj: ValueMap, gvk: Gvk, fs: FieldSpec, visit: (ref: FieldRef) => void, createKind?: CreateKind): void {
  if (!fieldSpecApplies(fs, gvk)) return;
  const path = splitFieldPath(fs.path);
  const create = Boolean(fs.create) && createKind !== undefined;
  const walk = (node: Value, i: number, ref: FieldRef): void => {
    if (i === path.length) {
      visit(ref);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((el, idx) => walk(el, i, arrayRef(node, idx, ref.path)));
      return;
    }
    if (!isMap(node)) {
      throw new KustomizeError(`obj at path '${fs.path}': expected sequence or mapping node`);
    }
    let seg = path[i]!;
    const isSeq = seg.endsWith('[]');
    if (isSeq) seg = seg.slice(0, -2);
    let child = Object.prototype.hasOwnProperty.call(node, seg) ? node[seg] : undefined;
    if (child === undefined || child === null) {
      if (!create || isSeq) {
        if (child === undefined) return;
        // An explicit null at the end of the path is still a place to visit.
        if (i + 1 === path.length) visit(mapRef(node, seg, ref.path));
        return;
      }
      child = i + 1 === path.length ? (createKind === 'map' ? {} : null) : {};
      if (child !== null) node[seg] = child;
    }
    walk(child as Value, i + 1, mapRef(node, seg, ref.path));
  };
  walk(obj, 0, { get: () => obj, set: () => undefined, path: '' });
}

function mapRef(m: ValueMap, key: string, parent: string): FieldRef {
  return {
    get: () => m[key],
    set: (v) => {
      m[key] = v;
    },
    path: parent ? `${parent}/${key}` : key,
  };
}

function arrayRef(a: Value[], i: number, parent: string): FieldRef {
  return {
    get: () => a[i],
    set: (v) => {
      a[i] = v;
    },
    path: `${parent}[${i}]`,
  };
}

/** Field specs equal in gvk and path are one (kustomize merges them, keeping create if either has it). */
export function mergeFieldSpecs(a: FieldSpec[], b: FieldSpec[]): FieldSpec[] {
  const out = a.map((f) => ({ ...f }));
  for (const f of b) {
    const same = out.find((x) => (x.group ?? '') === (f.group ?? '') && (x.version ?? '') === (f.version ?? '') && (x.kind ?? '') === (f.kind ?? '') && x.path === f.path);
    if (same) {
      if (f.create && !same.create) {
        throw new KustomizeError(`conflicting fieldspecs for path ${f.path}`);
      }
      continue;
    }
    out.push({ ...f });
  }
  return out;
}
