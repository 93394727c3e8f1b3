/**
 * kustomize's `replacements` (its ReplacementTransformer): copy a field of one source
 * resource into fields of the selected target resources.
 *
 * Facts kept from kustomize v5.5: sources and targets are selected by exact group, version,
 * kind, name and namespace against any id a resource has had; a reject drops a resource by
 * its labels/annotations alone or by an id alone; source paths find one field (`[k=v]` is an
 * exact match), target paths find every field they match (`[k=v]` is an unanchored regular
 * expression, `*` every list element) and may create what is missing. A scalar target keeps
 * its type and takes the source's text, which must then read as that type.
 */
import { isMap, type Scalar, type Value } from '../../yaml/types.js';
import { emitYaml } from '../../yaml/emit.js';
import { KustomizeError } from '../errors.js';
import type { ResId } from '../resid.js';
import { gvkSelects } from '../resid.js';
import type { ResMap } from '../resmap.js';
import type { Resource } from '../resource.js';
import { type Selector, matchesSelector, parseLabelSelector } from '../selector.js';
import { type Decoded, GoDecoder, type Shape } from './godecode.js';
import { type CreateKind, type Place, lookupPath, matchPath, smarterPathSplit } from './kyaml-path.js';
import { type Tag, decodeTagged, scalarText, tagOf } from './kyaml-scalar.js';

export interface ResIdSelector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface FieldOptions {
  delimiter?: string;
  index?: number;
  /** Accepted and ignored, as kustomize does. */
  encoding?: string;
  create?: boolean;
}

export interface SourceSelector extends ResIdSelector {
  /** Default `metadata.name`. */
  fieldPath?: string;
  options?: FieldOptions;
}

export interface TargetSelector {
  select?: Selector;
  reject?: Selector[];
  /** Default `[metadata.name]`. */
  fieldPaths?: string[];
  options?: FieldOptions;
}

export interface Replacement {
  source?: SourceSelector;
  targets?: TargetSelector[];
}

/** An entry of a kustomization's `replacements:` list: inline, or a file to load. */
export interface ReplacementField extends Replacement {
  path?: string;
}

export const DEFAULT_REPLACEMENT_FIELD_PATH = 'metadata.name';

// --- Reading the configuration -------------------------------------------------------------

const ID_FIELDS: Record<string, Shape> = {
  group: { t: 'string', id: true },
  version: { t: 'string', id: true },
  kind: { t: 'string', id: true },
  name: { t: 'string', id: true },
  namespace: { t: 'string', id: true },
};
const OPTIONS: Shape = {
  t: 'struct',
  name: 'FieldOptions',
  type: 'types.FieldOptions',
  fields: { delimiter: { t: 'string' }, index: { t: 'int' }, encoding: { t: 'string' }, create: { t: 'bool' } },
};
const SOURCE: Shape = {
  t: 'struct',
  name: 'SourceSelector',
  type: 'types.SourceSelector',
  fields: { ...ID_FIELDS, fieldPath: { t: 'string' }, options: OPTIONS },
};
const SELECTOR: Shape = {
  t: 'struct',
  name: 'Selector',
  type: 'types.Selector',
  fields: { ...ID_FIELDS, annotationSelector: { t: 'string' }, labelSelector: { t: 'string' } },
};
const TARGET: Shape = {
  t: 'struct',
  name: 'TargetSelector',
  type: 'types.TargetSelector',
  fields: {
    select: SELECTOR,
    reject: { t: 'slice', type: '[]*types.Selector', elem: SELECTOR },
    fieldPaths: { t: 'slice', type: '[]string', elem: { t: 'string' } },
    options: OPTIONS,
  },
};
const TARGETS: Shape = { t: 'slice', type: '[]*types.TargetSelector', elem: TARGET };
const REPLACEMENT: Shape = { t: 'struct', name: 'Replacement', type: 'types.Replacement', fields: { source: SOURCE, targets: TARGETS } };
const REPLACEMENT_FIELD: Shape = {
  t: 'struct',
  name: 'ReplacementField',
  type: 'types.ReplacementField',
  fields: { path: { t: 'string' }, source: SOURCE, targets: TARGETS },
};

type DecodedMap = { [k: string]: Decoded };

function asReplacement(d: Decoded): ReplacementField {
  // The shapes guarantee the structure; empty lists read as absent (kustomize re-marshals
  // the config with omitempty before using it).
  const r = (d ?? {}) as DecodedMap as ReplacementField;
  const out: ReplacementField = {};
  if (r.path) out.path = r.path;
  if (r.source) out.source = r.source;
  if (r.targets && r.targets.length) {
    out.targets = r.targets.map((t) => {
      const tt: TargetSelector = { ...(t ?? {}) };
      if (tt.reject && tt.reject.length === 0) delete tt.reject;
      if (tt.fieldPaths && tt.fieldPaths.length === 0) delete tt.fieldPaths;
      return tt;
    });
  }
  return out;
}

/**
 * A kustomization's `replacements:` value. In a kustomization file (`mode` "kustomization")
 * it is read strictly, as kustomize reads that file: unknown fields and wrong types are
 * `invalid Kustomization: json: …` errors. In a ReplacementTransformer config ("plugin")
 * unknown fields are ignored.
 */
export function parseReplacementFields(value: Value | undefined, mode: 'kustomization' | 'plugin' = 'kustomization'): ReplacementField[] {
  if (value === undefined || value === null) return [];
  const strict = mode === 'kustomization';
  const d = new GoDecoder(strict);
  const list = d.decode(value, { t: 'slice', type: '[]types.ReplacementField', elem: REPLACEMENT_FIELD }, strict ? 'Kustomization' : 'ReplacementTransformerPlugin', ['replacements']);
  if (d.error) {
    throw new KustomizeError(strict ? `invalid Kustomization: ${d.error}` : `error unmarshaling JSON: while decoding JSON: ${d.error}`);
  }
  return ((list ?? []) as Decoded[]).map(asReplacement);
}

/** Go's reflect kind of what a YAML document decodes to through JSON. */
function reflectKind(v: Value | undefined): string {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'float64';
  return Array.isArray(v) ? 'slice' : 'map';
}

/**
 * The content of a replacement file (its first document): one replacement or a list of them.
 * Read as kustomize reads it: unknown fields are ignored; `file` is not part of kustomize's
 * messages and is kept for callers.
 */
export function parseReplacements(value: Value | undefined, file?: string): Replacement[] {
  void file;
  if (!Array.isArray(value) && !isMap(value)) {
    throw new KustomizeError(`unsupported replacement type encountered within replacement path: ${reflectKind(value)}`);
  }
  const d = new GoDecoder(false);
  const decoded = Array.isArray(value) ? d.decode(value, { t: 'slice', type: '[]types.Replacement', elem: REPLACEMENT }, undefined, []) : d.decode(value, REPLACEMENT, undefined, []);
  if (d.error) throw new KustomizeError(`error unmarshaling JSON: while decoding JSON: ${d.error}`);
  const list = Array.isArray(decoded) ? decoded : [decoded];
  return list.map((r) => {
    const { path, ...rest } = asReplacement(r);
    void path;
    return rest;
  });
}

/** The config kustomize shows in its errors: the entries as sigs.k8s.io/yaml marshals them. */
export function replacementConfigYaml(fields: ReplacementField[]): string {
  const omitEmpty = (o: Record<string, unknown>): Value => {
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined || v === '' || v === 0 || v === false) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      out[k] = v as Value;
    }
    return out;
  };
  const options = (o: FieldOptions | undefined): Value | undefined => (o ? omitEmpty({ ...o }) : undefined);
  const selector = (s: Selector): Value => omitEmpty({ ...s });
  const entries = fields.map((f) =>
    omitEmpty({
      path: f.path,
      source: f.source ? omitEmpty({ ...f.source, options: options(f.source.options) }) : undefined,
      targets: f.targets?.map((t) => {
        const o = omitEmpty({ reject: t.reject?.map(selector), fieldPaths: t.fieldPaths, options: options(t.options) }) as Record<string, Value>;
        o.select = t.select ? selector(t.select) : null;
        return o;
      }),
    }),
  );
  return emitYaml({ Replacements: entries });
}

/**
 * Resolves the entries of a `replacements:` list: inline ones as they are, `{path: file}`
 * ones through `load` (the file's first document, or undefined when it is empty). Errors
 * are kustomize's, prefixed with the config it was configuring.
 */
export function loadReplacements(fields: ReplacementField[], load: (path: string) => Value | undefined): Replacement[] {
  const fail = (e: unknown): KustomizeError =>
    new KustomizeError(`trouble configuring builtin ReplacementTransformer with config: \`\n${replacementConfigYaml(fields)}\`: ${e instanceof Error ? e.message : String(e)}`);
  const out: Replacement[] = [];
  for (const f of fields) {
    if (f.path && (f.source || (f.targets && f.targets.length))) throw fail('cannot specify both path and inline replacement');
    if (f.path) {
      try {
        out.push(...parseReplacements(load(f.path), f.path));
      } catch (e) {
        throw fail(e);
      }
      continue;
    }
    const r: Replacement = {};
    if (f.source) r.source = f.source;
    if (f.targets) r.targets = f.targets;
    out.push(r);
  }
  return out;
}

// --- Selecting resources --------------------------------------------------------------------

/** kustomize's ResId.String(): Kind.version.group/name.namespace with [no…] for empty parts. */
export function kyamlIdString(id: ResIdSelector): string {
  return `${id.kind || '[noKind]'}.${id.version || '[noVer]'}.${id.group || '[noGrp]'}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`;
}

function optionsString(o: FieldOptions | undefined): string {
  if (!o || (!o.delimiter && !o.create)) return '';
  return `${o.delimiter ?? ''}(${o.index ?? 0}), create=${o.create ? 'true' : 'false'}`;
}

function sourceString(s: SourceSelector): string {
  const parts = [kyamlIdString(s)];
  if (s.fieldPath) parts.push(s.fieldPath);
  const o = optionsString(s.options);
  if (o) parts.push(o);
  return parts.join(':');
}

/**
 * kustomize's effective namespace: empty is "default". The ids replacements compare carry no
 * scope, so a cluster-scoped resource counts as in "default" here.
 */
export function selectorNamespace(ns: string): string {
  return ns === '' || ns === 'default' ? 'default' : ns;
}

/** kustomize's ResId.IsSelectedBy: empty selector fields match anything, the rest exactly. */
export function idSelectedBy(id: ResId, sel: ResIdSelector): boolean {
  if (sel.name && sel.name !== id.name) return false;
  if (sel.namespace && selectorNamespace(sel.namespace) !== selectorNamespace(id.namespace)) return false;
  return gvkSelects(sel, id.gvk);
}

function isEmptyId(sel: ResIdSelector): boolean {
  return !sel.group && !sel.version && !sel.kind && !sel.name && !sel.namespace;
}

/** Current id first, then the earlier ones, as kustomize's MakeResIds. */
function idsOf(r: Resource): ResId[] {
  return [r.id, ...r.previousIds];
}

function matchesLabelsAndAnnotations(r: Resource, sel: Selector): boolean {
  if (sel.annotationSelector && !matchesSelector(parseLabelSelector(sel.annotationSelector), r.annotations())) return false;
  if (sel.labelSelector && !matchesSelector(parseLabelSelector(sel.labelSelector), r.labels())) return false;
  return true;
}

function isTarget(r: Resource, t: TargetSelector, select: Selector): boolean {
  if (!matchesLabelsAndAnnotations(r, select)) return false;
  const rejects = t.reject ?? [];
  for (const rej of rejects) {
    if (!rej.annotationSelector && !rej.labelSelector) continue;
    if (matchesLabelsAndAnnotations(r, rej)) return false;
  }
  // A reject by id drops the resource when any id it has had matches, as kustomize's containsRejectId.
  const ids = idsOf(r);
  if (rejects.some((rej) => !isEmptyId(rej) && ids.some((id) => idSelectedBy(id, rej)))) return false;
  return ids.some((id) => idSelectedBy(id, select));
}

// --- Values ---------------------------------------------------------------------------------

/** The value being copied: a scalar as text + tag (its node), or a map or list. */
type RValue = { scalar: true; text: string; tag: Tag; value?: Scalar } | { scalar: false; value: Value };

/**
 * Scalars a target's type could not take. kustomize only fails when the node is decoded
 * later; a later replacement may still fix it, so the check waits for the end of the run.
 */
class Pending {
  readonly markers = new Map<object, { text: string; tag: Tag; message: string }>();

  mark(text: string, tag: Tag, message: string): Value {
    const m = {};
    this.markers.set(m, { text, tag, message });
    return m;
  }

  info(v: Value | undefined): { text: string; tag: Tag; message: string } | undefined {
    return typeof v === 'object' && v !== null ? this.markers.get(v) : undefined;
  }

  /** A deep copy that keeps markers as they are. */
  copy(v: Value): Value {
    if (this.info(v)) return v;
    if (Array.isArray(v)) return v.map((x) => this.copy(x));
    if (isMap(v)) {
      const out: Record<string, Value> = {};
      for (const k of Object.keys(v)) {
        if (k === '__proto__') Object.defineProperty(out, k, { value: this.copy(v[k]!), enumerable: true, writable: true, configurable: true });
        else out[k] = this.copy(v[k]!);
      }
      return out;
    }
    return v;
  }

  /** Throws for the first marker still in the resources. */
  check(resources: ResMap): void {
    if (this.markers.size === 0) return;
    const find = (v: Value): string | undefined => {
      const i = this.info(v);
      if (i) return i.message;
      if (Array.isArray(v)) {
        for (const x of v) {
          const m = find(x);
          if (m) return m;
        }
      } else if (isMap(v)) {
        for (const k of Object.keys(v)) {
          const m = find(v[k]!);
          if (m) return m;
        }
      }
      return undefined;
    };
    for (const r of resources) {
      const m = find(r.obj);
      if (m) throw new KustomizeError(`map[string]interface {}(nil): ${m}`);
    }
  }
}

function toRValue(v: Value, pending: Pending): RValue {
  const bad = pending.info(v);
  if (bad) return { scalar: true, text: bad.text, tag: bad.tag };
  if (isMap(v) || Array.isArray(v)) return { scalar: false, value: v };
  return { scalar: true, text: scalarText(v), tag: tagOf(v), value: v };
}

function isNilOrEmpty(v: Value | undefined, pending: Pending): boolean {
  if (v === undefined || v === null) return true;
  if (pending.info(v)) return false;
  if (Array.isArray(v)) return v.length === 0;
  return isMap(v) && Object.keys(v).length === 0;
}

/** A value as the node it is: a scalar decoded by its own tag. */
function materialize(val: RValue, pending: Pending): Value {
  if (!val.scalar) return pending.copy(val.value);
  if (val.value !== undefined) return val.value;
  const d = decodeTagged(val.text, val.tag);
  return d.ok ? d.value : pending.mark(val.text, val.tag, d.message);
}

function selectSource(resources: ResMap, source: SourceSelector): Resource {
  let match: Resource | undefined;
  for (const r of resources) {
    if (!idsOf(r).some((id) => idSelectedBy(id, source))) continue;
    if (match) throw new KustomizeError(`multiple matches for selector ${sourceString(source)}`);
    match = r;
  }
  if (!match) throw new KustomizeError(`nothing selected by ${sourceString(source)}`);
  return match;
}

/** The source's value: live from its place (targets may change it), or fixed once refined. */
function sourceValue(resources: ResMap, source: SourceSelector, pending: Pending): () => RValue {
  const res = selectSource(resources, source);
  const fieldPath = source.fieldPath || DEFAULT_REPLACEMENT_FIELD_PATH;
  let place: Place | undefined;
  try {
    place = lookupPath(res.obj, smarterPathSplit(fieldPath));
  } catch (e) {
    throw new KustomizeError(`error looking up replacement source: ${(e as Error).message}`);
  }
  const v = place?.get();
  if (!place || isNilOrEmpty(v, pending)) {
    throw new KustomizeError(`fieldPath \`${fieldPath}\` is missing for replacement source ${kyamlIdString(source)}`);
  }
  const delimiter = source.options?.delimiter;
  if (!delimiter) return () => toRValue(place.get(), pending);
  const val = toRValue(v!, pending);
  if (!val.scalar) throw new KustomizeError('delimiter option can only be used with scalar nodes');
  const parts = val.text.split(delimiter);
  const index = source.options?.index ?? 0;
  if (index >= parts.length || index < 0) {
    throw new KustomizeError(`options.index ${index} is out of bounds for value ${val.text}`);
  }
  const refined: RValue = { scalar: true, text: parts[index]!, tag: val.tag };
  return () => refined;
}

/** kustomize's setFieldValue: a scalar target keeps its type, anything else is replaced. */
function setFieldValue(place: Place, value: RValue, options: FieldOptions | undefined, pending: Pending): void {
  const current = place.get();
  const bad = pending.info(current);
  const targetIsScalar = bad !== undefined || !(isMap(current) || Array.isArray(current));
  let val = value;
  if (options?.delimiter) {
    if (!targetIsScalar) throw new KustomizeError('delimiter option can only be used with scalar nodes');
    const targetText = bad ? bad.text : place.created ? '' : scalarText(current as Scalar);
    const tv = targetText.split(options.delimiter);
    const v = val.scalar ? val.text : '';
    const index = options.index ?? 0;
    if (index < 0) tv.unshift(v);
    else if (index >= tv.length) tv.push(v);
    else tv[index] = v;
    const joined = tv.join(options.delimiter);
    val = val.scalar ? { scalar: true, text: joined, tag: val.tag } : { scalar: true, text: joined, tag: 'str' };
  }
  if (targetIsScalar) {
    const text = val.scalar ? val.text : '';
    const tag = place.created ? undefined : bad ? bad.tag : tagOf(current as Scalar);
    const d = decodeTagged(text, tag);
    place.set(d.ok ? d.value : pending.mark(text, tag!, d.message));
    return;
  }
  place.set(materialize(val, pending));
}

function kindOfValue(v: RValue): CreateKind {
  if (v.scalar) return 'scalar';
  return Array.isArray(v.value) ? 'seq' : 'map';
}

function copyToTarget(r: Resource, value: () => RValue, t: TargetSelector, pending: Pending): void {
  const fieldPaths = t.fieldPaths && t.fieldPaths.length ? t.fieldPaths : [DEFAULT_REPLACEMENT_FIELD_PATH];
  for (const fp of fieldPaths) {
    const create = t.options?.create ? kindOfValue(value()) : undefined;
    const what = create ? `unable to find or create field ${JSON.stringify(fp)} in replacement target` : `unable to find field ${JSON.stringify(fp)} in replacement target`;
    let places: Place[] | undefined;
    try {
      places = matchPath(r.obj, smarterPathSplit(fp), create);
    } catch (e) {
      throw new KustomizeError(`${what}: ${(e as Error).message}`);
    }
    if (!places) throw new KustomizeError(what);
    for (const p of places) setFieldValue(p, value(), t.options, pending);
  }
}

/** Applies the replacements in order to the resources, in place. */
export function applyReplacements(resources: ResMap, replacements: Replacement[]): void {
  const pending = new Pending();
  for (const r of replacements) {
    if (!r.source || !r.targets || r.targets.length === 0) {
      throw new KustomizeError('replacements must specify a source and at least one target');
    }
    const value = sourceValue(resources, r.source, pending);
    for (const t of r.targets) {
      if (!t.select) throw new KustomizeError('target must specify resources to select');
      for (const res of resources.list()) {
        if (isTarget(res, t, t.select)) copyToTarget(res, value, t, pending);
      }
    }
  }
  pending.check(resources);
}
