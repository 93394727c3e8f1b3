/**
 * kustomize's legacy `vars`: `$(NAME)` in the fields named by the varReference field specs
 * is replaced by a field of the resource the var refers to, once, at the end of the top-level
 * build (after name prefixes, hashes and name references, so a var reads final names).
 *
 * At the end of each kustomization level kustomize marks the resource each new var refers
 * to (matched by any id it has had; an ambiguous reference is an error, a missing one only
 * fails when the vars are resolved) and adds the vars to the set, where a name may appear once.
 * Values are read before any replacement, so a var whose value holds `$(OTHER)` stays so.
 */
import { isMap, type Value } from '../../yaml/types.js';
import { KustomizeError } from '../errors.js';
import { type FieldSpec, fieldSpecApplies, splitFieldPath } from '../fieldspec.js';
import { type Gvk, type ResId, gvkEquals } from '../resid.js';
import type { ResMap } from '../resmap.js';
import type { Resource } from '../resource.js';
import { type Decoded, GoDecoder, type Shape } from './godecode.js';
import { lookupPath } from './kyaml-path.js';
import { goFormatV, goTypeName } from './kyaml-scalar.js';
import { isClusterScopedKind } from '../scope.js';
import { DEFAULT_REPLACEMENT_FIELD_PATH, kyamlIdString, selectorNamespace } from './replacements.js';

export interface VarObjRef {
  apiVersion?: string;
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface Var {
  name: string;
  objref: VarObjRef;
  /** Default fieldPath `metadata.name`. */
  fieldref?: { fieldPath?: string };
}

const VAR: Shape = {
  t: 'struct',
  name: 'Var',
  type: 'types.Var',
  fields: {
    name: { t: 'string' },
    objref: {
      t: 'struct',
      name: 'Target',
      type: 'types.Target',
      fields: {
        apiVersion: { t: 'string' },
        group: { t: 'string' },
        version: { t: 'string' },
        kind: { t: 'string' },
        name: { t: 'string' },
        namespace: { t: 'string' },
      },
    },
    fieldref: { t: 'struct', name: 'FieldSelector', type: 'types.FieldSelector', fields: { fieldPath: { t: 'string' } } },
  },
};

/**
 * A kustomization's `vars:` value, read strictly as kustomize reads the file (keys match
 * case-insensitively: `fieldpath` is `fieldPath`). `file` is not part of kustomize's messages.
 */
export function parseVars(value: Value | undefined, file?: string): Var[] {
  void file;
  if (value === undefined || value === null) return [];
  const d = new GoDecoder(true);
  const list = d.decode(value, { t: 'slice', type: '[]types.Var', elem: VAR }, 'Kustomization', ['vars']);
  if (d.error) throw new KustomizeError(`invalid Kustomization: ${d.error}`);
  return ((list ?? []) as Decoded[]).map((x) => {
    const o = (x ?? {}) as { name?: string; objref?: VarObjRef; fieldref?: { fieldPath?: string } };
    const v: Var = { name: o.name ?? '', objref: { ...(o.objref ?? {}) } };
    if (o.fieldref) v.fieldref = { ...o.fieldref };
    return v;
  });
}

/** kustomize's Target.GVK(): apiVersion, when it splits in one or two parts, wins. */
export function varGvk(v: Var): Gvk {
  const ref = v.objref;
  let group = ref.group ?? '';
  let version = ref.version ?? '';
  if (ref.apiVersion) {
    const parts = ref.apiVersion.split('/');
    if (parts.length === 2) [group, version] = parts as [string, string];
    else if (parts.length === 1) version = parts[0]!;
  }
  return { group, version, kind: ref.kind ?? '' };
}

function varFieldPath(v: Var): string {
  return v.fieldref?.fieldPath || DEFAULT_REPLACEMENT_FIELD_PATH;
}

/**
 * A var as kustomize prints it (Go's %v of the struct): `{NAME Kind.version.group {fieldPath}}`.
 * `stage`: as written, with apiVersion applied, or also with the default field path.
 */
export function formatVar(v: Var, stage: 'raw' | 'gvk' | 'defaulted' = 'defaulted'): string {
  const g: Gvk = stage === 'raw' ? { group: v.objref.group ?? '', version: v.objref.version ?? '', kind: v.objref.kind ?? '' } : varGvk(v);
  const fp = stage === 'defaulted' ? varFieldPath(v) : (v.fieldref?.fieldPath ?? '');
  return `{${v.name} ${g.kind || '[noKind]'}.${g.version || '[noVer]'}.${g.group || '[noGrp]'} {${fp}}}`;
}

function formatVarList(vars: Var[]): string {
  return `[${vars.map((v) => formatVar(v, 'raw')).join(' ')}]`;
}

/** A resource id's effective namespace, cluster-scoped kinds apart (a var's id is never so). */
function idNamespace(id: ResId): string {
  return isClusterScopedKind(id.gvk) ? '_non_namespaceable_' : selectorNamespace(id.namespace);
}

function matchingResources(resources: ResMap, v: Var): Resource[] {
  const gvk = varGvk(v);
  const name = v.objref.name ?? '';
  const ns = v.objref.namespace ?? '';
  // Without a namespace a var matches in any namespace (kustomize's GvknEquals).
  return resources.list().filter((r) =>
    r.allIds().some((id) => id.name === name && gvkEquals(id.gvk, gvk) && (ns === '' || selectorNamespace(ns) === idNamespace(id))),
  );
}

/** Adds `incoming` to a var list; a name may be there once. */
export function mergeVarSets(into: Var[], incoming: Var[]): Var[] {
  const seen = new Set(into.map((v) => v.name));
  for (const v of incoming) {
    if (seen.has(v.name)) throw new KustomizeError(`var '${v.name}' already encountered`);
    seen.add(v.name);
  }
  return [...into, ...incoming];
}

/**
 * kustomize's MergeVars at the end of a kustomization level: marks the resource each of this
 * level's vars refers to, then adds them to the vars accumulated so far (from the resources
 * and components below). Returns the merged list.
 */
export function mergeVars(resources: ResMap, accumulated: Var[], incoming: Var[]): Var[] {
  try {
    for (const v of incoming) {
      const matched = matchingResources(resources, v);
      if (matched.length > 1) {
        throw new KustomizeError(`found ${matched.length} resId matches for var ${formatVar(v, 'gvk')} (unable to disambiguate)`);
      }
      if (matched.length === 1) matched[0]!.refVarNames.push(v.name);
    }
    return mergeVarSets(accumulated, incoming);
  } catch (e) {
    throw new KustomizeError(`merging vars ${formatVarList(incoming)}: ${(e as Error).message}`);
  }
}

/** mergeVars with nothing accumulated: marks the vars' resources, refuses repeated names. */
export function checkVarsResolvable(resources: ResMap, vars: Var[]): void {
  mergeVars(resources, [], vars);
}

/** kustomize's convertSliceIndex: `ports[0]` is `ports`, `0`. */
function convertSliceIndex(fields: string[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const m = f.endsWith(']') ? /^(.*)\[(\d+)\]$/.exec(f) : null;
    if (!m) {
      out.push(f);
      continue;
    }
    if (m[1]) out.push(m[1]);
    out.push(m[2]!);
  }
  return out;
}

/** kustomize's GetFieldValue: the value at a dotted path; a null reads as its text. */
function getFieldValue(obj: Value, path: string): Value | undefined {
  let place;
  try {
    place = lookupPath(obj, convertSliceIndex(path.split('.')));
  } catch {
    return undefined;
  }
  if (!place) return undefined;
  const v = place.get();
  return v === null ? 'null' : v;
}

type Mapping = (name: string) => Value;

/** Go's fmt %v of a value put in the middle of a string. */
function inline(v: Value): string {
  return goFormatV(v);
}

/**
 * Expands `$(NAME)` in a string; `$$` is a literal `$`; an unknown or incomplete reference
 * stays as written. A string that is exactly one reference takes the value's type.
 */
export function expandVars(input: string, mapping: Mapping): Value {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1]!;
    let advance = 1;
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) {
        out += '$(';
      } else {
        const name = input.slice(cursor + 2, close);
        const mapped = mapping(name);
        if (input === `$(${name})`) return mapped;
        out += inline(mapped);
        advance = close - cursor;
      }
    } else {
      out += '$' + next;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

function refVarSet(v: Value, mapping: Mapping): Value {
  if (typeof v === 'string') return expandVars(v, mapping);
  if (Array.isArray(v)) {
    return v.map((item) => {
      if (typeof item !== 'string') throw new KustomizeError('invalid value type expect a string');
      return expandVars(item, mapping);
    });
  }
  if (isMap(v)) {
    for (const k of Object.keys(v)) {
      const val = v[k];
      if (typeof val === 'string') v[k] = expandVars(val, mapping);
    }
  }
  return v;
}

/**
 * Walks a field spec as kustomize's fieldspec filter does (lists are walked element by
 * element, missing fields end the walk) and applies `set` at the end.
 */
function walkFieldSpec(obj: Value, path: string[], set: (v: Value) => Value): void {
  const visit = (node: Value, rest: string[], assign: (v: Value) => void): void => {
    if (rest.length === 0) {
      if (node !== null && node !== undefined) {
        const nv = set(node);
        if (nv !== node) assign(nv);
      }
      return;
    }
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      node.forEach((el, i) => {
        try {
          visit(el, rest, (v) => {
            node[i] = v;
          });
        } catch (e) {
          throw new KustomizeError(`visit traversal on path: [${rest.join(' ')}]: ${(e as Error).message}`);
        }
      });
      return;
    }
    if (!isMap(node)) throw new KustomizeError('expected sequence or mapping node');
    let key = rest[0]!;
    if (key.endsWith('[]')) key = key.slice(0, -2);
    if (!Object.prototype.hasOwnProperty.call(node, key)) return;
    visit(node[key]!, rest.slice(1), (v) => {
      node[key] = v;
    });
  };
  visit(obj, path, () => undefined);
}

export interface ResolveVarsResult {
  /** Vars that have a value but replaced nothing, sorted (kustomize warns about them). */
  unused: string[];
  /** kustomize's log lines for vars whose value is a map or a list (they are left as written). */
  logs: string[];
}

/**
 * Replaces `$(VAR)` in the `varReference` fields of every resource. Errors when a var's
 * resource is not among `resources` or lacks the field. kustomize writes
 * `well-defined vars that were never replaced: A,B` to its log (stderr) for `unused`.
 */
export function resolveVars(resources: ResMap, vars: Var[], varReference: FieldSpec[]): ResolveVarsResult {
  const sorted = [...vars].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const values = new Map<string, Value>();
  for (const v of sorted) {
    const res = resources.list().find((r) => r.refVarNames.includes(v.name));
    if (!res) throw new KustomizeError(`var '${formatVar(v)}' cannot be mapped to a field in the set of known resources`);
    const value = getFieldValue(res.obj, varFieldPath(v));
    if (value === undefined) throw new KustomizeError(`field specified in var '${formatVar(v)}' not found in corresponding resource`);
    values.set(v.name, value);
  }
  const logs: string[] = [];
  if (values.size === 0) return { unused: [], logs };
  const counts = new Map<string, number>();
  const mapping: Mapping = (name) => {
    if (values.has(name)) {
      const v = values.get(name)!;
      if (!isMap(v) && !Array.isArray(v)) {
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return v;
      }
      logs.push(`MakePrimitiveReplacer: bad replacement type=${goTypeName(v)} val=${goFormatV(v)}`);
    }
    return `$(${name})`;
  };
  for (const r of resources.list()) {
    for (const fs of varReference) {
      if (!fieldSpecApplies(fs, r.gvk)) continue;
      try {
        walkFieldSpec(r.obj, splitFieldPath(fs.path), (v) => refVarSet(v, mapping));
      } catch (e) {
        throw new KustomizeError(`considering field '${fs.path}' of object ${kyamlIdString(idFields(r))}: ${(e as Error).message}`);
      }
    }
  }
  const unused = [...values.keys()].filter((k) => !counts.has(k)).sort();
  return { unused, logs };
}

function idFields(r: Resource): { group: string; version: string; kind: string; name: string; namespace: string } {
  const { gvk, name, namespace } = r.id;
  return { ...gvk, name, namespace };
}
