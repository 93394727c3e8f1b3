/** Merging and sorting transformer configurations the way kustomize's TransformerConfig.Merge does. */
import { KustomizeError } from '../errors.js';
import type { FieldSpec } from '../fieldspec.js';
import { goSort } from './gosort.js';
import {
  type FieldSpecListKey,
  type NameBackReference,
  type TransformerConfig,
  copyBackReference,
  copyFieldSpec,
  emptyTransformerConfig,
  gvkLess,
  gvkSame,
  gvkSelectedBy,
} from './types.js';

/**
 * Adds `incoming` to `list` one by one. An incoming spec is already present when an existing
 * spec has the same path and is selected by the incoming spec's gvk (empty parts match
 * anything, so the test is lopsided); then a different `create` is a conflict, an equal one is
 * dropped. Returns a new list.
 */
export function mergeFieldSpecList(list: FieldSpec[], incoming: FieldSpec[]): FieldSpec[] {
  const out = list.map(copyFieldSpec);
  for (const x of incoming) {
    const present = out.find((s) => s.path === x.path && gvkSelectedBy(s, x));
    if (present) {
      if (Boolean(present.create) !== Boolean(x.create)) throw new KustomizeError('conflicting fieldspecs');
      continue;
    }
    out.push(copyFieldSpec(x));
  }
  return out;
}

/** Back references merge per target gvk (exact equality); their referrer lists merge as field specs. */
export function mergeBackReferences(list: NameBackReference[], incoming: NameBackReference[]): NameBackReference[] {
  let out = list.map(copyBackReference);
  for (const other of incoming) {
    let found = false;
    out = out.map((c) => {
      if (!gvkSame(c, other)) return c;
      found = true;
      return { ...c, fieldSpecs: mergeFieldSpecList(c.fieldSpecs, other.fieldSpecs) };
    });
    if (!found) out.push(copyBackReference(other));
  }
  return out;
}

/** kustomize's names for the lists, in the order Merge visits them (its first error wins). */
const MERGE_ORDER: [FieldSpecListKey | 'nameReference', string][] = [
  ['namePrefix', 'NamePrefix'],
  ['nameSuffix', 'NameSuffix'],
  ['namespace', 'NameSpace'],
  ['commonAnnotations', 'CommonAnnotations'],
  ['commonLabels', 'CommonLabels'],
  ['labels', 'Labels'],
  ['templateLabels', 'TemplateLabels'],
  ['varReference', 'VarReference'],
  ['nameReference', 'NameReference'],
  ['images', 'Images'],
  ['replicas', 'Replicas'],
];

/** kustomize's TransformerConfig.Merge: merges every list, then sorts the result. */
export function mergeTransformerConfig(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  const out = emptyTransformerConfig();
  for (const [key, name] of MERGE_ORDER) {
    try {
      if (key === 'nameReference') out.nameReference = mergeBackReferences(a.nameReference, b.nameReference);
      else out[key] = mergeFieldSpecList(a[key], b[key]);
    } catch (e) {
      throw new KustomizeError(`failed to merge ${name} fieldSpec: ${(e as Error).message}`);
    }
  }
  sortTransformerConfig(out);
  return out;
}

/**
 * Sorts every field-spec list and the back references by gvk with Go's unstable sort, in
 * place, as kustomize does after loading or merging. Referrers inside a back reference keep
 * their order.
 */
export function sortTransformerConfig(tc: TransformerConfig): void {
  for (const [key] of MERGE_ORDER) {
    if (key === 'nameReference') goSort(tc.nameReference, gvkLess);
    else goSort(tc[key], gvkLess);
  }
}
