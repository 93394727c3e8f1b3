/** The output order: kustomize's legacy kind order (kubectl's default), or input (fifo) order. */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { KustomizeError } from './errors.js';
import { legacyCompare, legacyCompareWith } from './resid.js';
import type { Resource } from './resource.js';

function stringList(v: Value | undefined): string[] | undefined {
  return Array.isArray(v) ? v.map((x) => String(x)) : undefined;
}

export function sortResources(resources: Resource[], sortOptions: ValueMap | undefined): Resource[] {
  const order = sortOptions?.order ?? 'legacy';
  const legacy = sortOptions?.legacySortOptions;
  if (order === 'fifo') {
    if (legacy != null) throw new KustomizeError("the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'");
    return resources;
  }
  if (order !== 'legacy') throw new KustomizeError(`the field 'sortOptions.order' must be one of 'legacy' or 'fifo', not '${String(order)}'`);
  const ids = new Map(resources.map((r) => [r, r.id]));
  if (isMap(legacy)) {
    const cmp = legacyCompareWith(stringList(legacy.orderFirst) ?? [], stringList(legacy.orderLast) ?? []);
    return [...resources].sort((a, b) => cmp(ids.get(a)!, ids.get(b)!));
  }
  return [...resources].sort((a, b) => legacyCompare(ids.get(a)!, ids.get(b)!));
}
