/** patches, patchesStrategicMerge and patchesJson6902: loading, targeting and applying. */
import { parseAllDocuments } from '../../yaml/parse.js';
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import { applyJsonPatch } from '../../patch/json-patch.js';
import { strategicMerge } from '../../patch/strategic-merge.js';
import type { SchemaSet } from '../../schema/index.js';
import { KustomizeError } from '../errors.js';
import { goFields } from '../gofields.js';
import { type ResId, idEquals, idString, parseApiVersion } from '../resid.js';
import type { ResMap } from '../resmap.js';
import { Resource, deepCopy } from '../resource.js';
import { type Selector, compileSelector } from '../selector.js';

export interface PatchOptions {
  allowNameChange?: boolean;
  allowKindChange?: boolean;
}

export type LoadedPatch = { type: 'smp'; patches: ValueMap[] } | { type: 'json6902'; ops: Value[] };

/** Decides whether patch text is a strategic merge patch or a JSON 6902 operation list. */
export function parsePatchText(text: string, where: string): LoadedPatch {
  let docs: Value[];
  try {
    docs = parseAllDocuments(text, { filename: where }).filter((d) => d !== null);
  } catch (e) {
    throw new KustomizeError(`unable to parse SM or JSON patch from [patch: ${JSON.stringify(text)}]: ${(e as Error).message}`);
  }
  if (docs.length === 1 && Array.isArray(docs[0])) return { type: 'json6902', ops: docs[0] };
  if (docs.length > 0 && docs.every(isMap)) return { type: 'smp', patches: docs as ValueMap[] };
  throw new KustomizeError(`unable to parse SM or JSON patch from [patch: ${JSON.stringify(text)}]`);
}

function patchId(p: ValueMap): ResId {
  const meta = isMap(p.metadata) ? p.metadata : {};
  const { group, version } = parseApiVersion(typeof p.apiVersion === 'string' ? p.apiVersion : '');
  return {
    gvk: { group, version, kind: typeof p.kind === 'string' ? p.kind : '' },
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
  };
}

/** Applies a strategic merge patch to one resource, keeping its identity unless the options allow a change. */
export function applySmp(resources: ResMap, r: Resource, patch: ValueMap, schemas: SchemaSet, options: PatchOptions = {}): void {
  const { name, namespace } = r;
  const kind = r.gvk.kind;
  if (options.allowNameChange || options.allowKindChange) r.rememberId();
  const merged = strategicMerge(r.obj, patch, schemas);
  if (merged === null || Object.keys(merged).length === 0) {
    resources.remove(r);
    return;
  }
  r.obj = merged;
  if (!options.allowKindChange) r.obj.kind = kind;
  if (!options.allowNameChange) r.setName(name);
  if (namespace) r.setNamespace(namespace);
  else if (isMap(r.obj.metadata) && r.obj.metadata.namespace !== undefined && !options.allowNameChange) delete r.obj.metadata.namespace;
}

/** A patch without a target goes to the one resource whose any id equals the patch's own. */
export function uniqueTarget(resources: ResMap, patch: ValueMap): Resource {
  const id = patchId(patch);
  const matches = resources.byAnyId((x) => idEquals(x, id));
  if (matches.length === 1) return matches[0]!;
  const what = matches.length === 0 ? 'no matches' : 'multiple matches';
  throw new KustomizeError(`${what} for Id ${idString(id)}; failed to find unique target for patch ${idString(id)}`);
}

export function applyJson6902(r: Resource, ops: Value[], where: string): void {
  try {
    const before = r.id;
    const out = applyJsonPatch(r.obj, ops);
    if (!isMap(out)) throw new KustomizeError('the patch did not leave an object');
    r.obj = out;
    // A JSON patch may rename; name references must still find the resource by its old name.
    if (!idEquals(before, r.id)) r.previousIds.push(before);
  } catch (e) {
    throw new KustomizeError(`failed to apply json patch from ${where} to ${idString(r.id)}: ${(e as Error).message}`);
  }
}

/** One entry of `patches:`: a patch (inline or loaded) applied to its target or to its own id. */
export function applyPatch(resources: ResMap, loaded: LoadedPatch, target: Selector | undefined, options: PatchOptions, schemas: SchemaSet, where: string): void {
  if (loaded.type === 'json6902') {
    if (!target) throw new KustomizeError(`must specify a target for JSON patch ${where}`);
    for (const r of resources.list().filter(compileSelector(target))) applyJson6902(r, loaded.ops, where);
    return;
  }
  for (const patch of loaded.patches) {
    if (!target) {
      applySmp(resources, uniqueTarget(resources, patch), patch, schemas, options);
      continue;
    }
    for (const r of resources.list().filter(compileSelector(target))) {
      // With a target the patch takes the identity of each resource it is applied to.
      const p = deepCopy(patch) as ValueMap;
      const meta = isMap(p.metadata) ? p.metadata : (p.metadata = {});
      if (!options.allowNameChange) meta.name = r.name;
      if (!options.allowKindChange) {
        p.kind = r.gvk.kind;
        p.apiVersion = r.obj.apiVersion ?? p.apiVersion ?? null;
      }
      if (r.namespace) meta.namespace = r.namespace;
      applySmp(resources, r, p, schemas, options);
    }
  }
}

const SELECTOR_FIELDS = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'];

export function readSelector(v: Value, where: string): Selector {
  if (!isMap(v)) throw new KustomizeError(`${where}: target must be a mapping`);
  const out: Selector = {};
  for (const [k, val] of Object.entries(goFields(v, SELECTOR_FIELDS))) {
    if (val === null) continue;
    (out as Record<string, string>)[k] = String(val);
  }
  return out;
}
