/**
 * The `kustomize.toolkit.fluxcd.io/*` labels and annotations as decisions, the way
 * kustomize-controller hands them to fluxcd/pkg/ssa: a key matches when the object carries it
 * as a label or an annotation with a non-empty value equal to the expected one, ignoring
 * case. The desired object is the one from the build; the live one is what the cluster
 * holds (undefined when it does not exist).
 *
 * - `reconcile: disabled` or `ssa: Ignore` on either: not applied (skipped), not pruned.
 * - `ssa: IfNotPresent` on the desired object: created when missing, never patched.
 * - `ssa: Merge` on either: fields other managers set are kept (no field-manager cleanup).
 * - `force: enabled` on either, or `spec.force`: recreated on an immutable-field error.
 * - prune deletes a stale object only if the live one carries this Kustomization's owner
 *   labels and neither `prune: disabled` nor `reconcile: disabled`.
 */
import { isMap, type ValueMap } from '../../yaml/types.js';

export const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
export const OWNER_NAME_LABEL = `${KUSTOMIZE_GROUP}/name`;
export const OWNER_NAMESPACE_LABEL = `${KUSTOMIZE_GROUP}/namespace`;
export const RECONCILE_KEY = `${KUSTOMIZE_GROUP}/reconcile`;
export const SSA_KEY = `${KUSTOMIZE_GROUP}/ssa`;
export const PRUNE_KEY = `${KUSTOMIZE_GROUP}/prune`;
export const FORCE_KEY = `${KUSTOMIZE_GROUP}/force`;

function metaMap(obj: ValueMap | undefined, field: 'labels' | 'annotations'): Record<string, unknown> {
  const meta = obj && isMap(obj.metadata) ? obj.metadata : undefined;
  return meta && isMap(meta[field]) ? meta[field] : {};
}

/** Whether the object has `key: value` as a label or an annotation (value compared case-insensitively). */
export function hasMetadataValue(obj: ValueMap | undefined, key: string, value: string): boolean {
  if (!obj) return false;
  const want = value.toLowerCase();
  for (const field of ['labels', 'annotations'] as const) {
    const v = metaMap(obj, field)[key];
    if (typeof v === 'string' && v !== '' && v.toLowerCase() === want) return true;
  }
  return false;
}

export type ApplyDecision = 'apply' | 'skip';

/**
 * Whether the staged apply touches the object. Skipped objects are reported as "skipped" and
 * left out of the inventory.
 */
export function applyDecision(desired: ValueMap, live: ValueMap | undefined): ApplyDecision {
  if (isExcluded(desired) || isExcluded(live)) return 'skip';
  // IfNotPresent looks at the desired object only, and only once the live one exists.
  if (live && hasMetadataValue(desired, SSA_KEY, 'IfNotPresent')) return 'skip';
  return 'apply';
}

function isExcluded(obj: ValueMap | undefined): boolean {
  return hasMetadataValue(obj, RECONCILE_KEY, 'disabled') || hasMetadataValue(obj, SSA_KEY, 'Ignore');
}

/** `ssa: Merge`: keep the fields other managers own (no takeover of kubectl's or others'). */
export function keepsOtherManagers(desired: ValueMap, live: ValueMap | undefined): boolean {
  return hasMetadataValue(desired, SSA_KEY, 'Merge') || hasMetadataValue(live, SSA_KEY, 'Merge');
}

/** After an immutable-field error: delete and re-create the object? */
export function recreatesOnImmutableChange(desired: ValueMap, live: ValueMap | undefined, specForce: boolean): boolean {
  return specForce || hasMetadataValue(desired, FORCE_KEY, 'enabled') || hasMetadataValue(live, FORCE_KEY, 'enabled');
}

export interface Owner {
  name: string;
  namespace: string;
}

export function ownerLabels(owner: Owner): Record<string, string> {
  return { [OWNER_NAME_LABEL]: owner.name, [OWNER_NAMESPACE_LABEL]: owner.namespace };
}

/** The objects with the owner labels set (copies; the objects given are not changed). */
export function setOwnerLabels(objects: ValueMap[], owner: Owner): ValueMap[] {
  const labels = ownerLabels(owner);
  return objects.map((obj) => {
    const meta: ValueMap = isMap(obj.metadata) ? { ...obj.metadata } : {};
    meta.labels = { ...(isMap(meta.labels) ? meta.labels : {}), ...labels };
    return { ...obj, metadata: meta };
  });
}

/**
 * What prune does with a stale inventory object, given what the cluster holds: 'gone' when
 * it no longer exists (Flux counts it deleted), 'skip' when it is not this Kustomization's
 * or is protected, else 'delete' (with background propagation).
 */
export function pruneDecision(live: ValueMap | undefined, owner: Owner): 'delete' | 'skip' | 'gone' {
  if (!live) return 'gone';
  const labels = metaMap(live, 'labels');
  for (const [k, v] of Object.entries(ownerLabels(owner))) if (labels[k] !== v) return 'skip';
  if (hasMetadataValue(live, PRUNE_KEY, 'disabled') || hasMetadataValue(live, RECONCILE_KEY, 'disabled')) return 'skip';
  return 'delete';
}
