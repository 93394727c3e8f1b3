/**
 * The inventory a Kustomization keeps in `status.inventory.entries`: one entry per applied
 * object, `{id: "<namespace>_<name>_<group>_<Kind>", v: "<version>"}` (cli-utils'
 * ObjMetadata string: empty namespace for cluster-scoped objects, empty group for core
 * kinds, ':' in RBAC names written "__"), in the order the objects were applied. The objects
 * that left the build — in the old inventory, not in the new one — are the ones to prune.
 */
import { isMap, type ValueMap } from '../../yaml/types.js';
import { compareApplyOrder, stageObjects, type GroupKind } from './stages.js';

/** What identifies an object for the API server: group, kind, namespace, name (no version). */
export interface ObjRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface InventoryEntry {
  id: string;
  v: string;
}

/** An inventory entry read back: the object it names and the version it was applied at. */
export interface InventoryObject extends ObjRef {
  version: string;
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const RBAC_GROUP = 'rbac.authorization.k8s.io';

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function objRefOf(obj: ValueMap): ObjRef {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  return {
    group: splitApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '').group,
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    name: typeof meta.name === 'string' ? meta.name : '',
  };
}

export function versionOf(obj: ValueMap): string {
  return splitApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '').version;
}

/** The inventory id of an object. */
export function objMetadataId(ref: ObjRef): string {
  const name = ref.group === RBAC_GROUP && RBAC_KINDS.has(ref.kind) ? ref.name.replaceAll(':', '__') : ref.name;
  return `${ref.namespace}_${name}_${ref.group}_${ref.kind}`;
}

export class InventoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InventoryError';
  }
}

/**
 * Reads an inventory id back (names cannot hold '_', so the namespace is before the first
 * one and group and kind after the last two). Throws InventoryError, with cli-utils' words.
 */
export function parseObjMetadataId(id: string): ObjRef {
  const first = id.indexOf('_');
  if (first < 0) throw new InventoryError(`unable to parse stored object metadata: ${id}`);
  const namespace = id.slice(0, first);
  let rest = id.slice(first + 1);
  const lastKind = rest.lastIndexOf('_');
  if (lastKind < 0) throw new InventoryError(`unable to parse stored object metadata: ${rest}`);
  const kind = rest.slice(lastKind + 1).trim();
  rest = rest.slice(0, lastKind);
  const lastGroup = rest.lastIndexOf('_');
  if (lastGroup < 0) throw new InventoryError(`unable to parse stored object metadata: ${rest}`);
  const group = rest.slice(lastGroup + 1).trim();
  const name = rest.slice(0, lastGroup).replaceAll('__', ':').trim();
  if (name.includes('_')) throw new InventoryError(`too many fields within: ${rest}`);
  if (name === '') throw new InventoryError('empty name for object');
  if (group === '' && kind === '') throw new InventoryError('empty GroupKind for object');
  return { group, kind, namespace: namespace.trim(), name };
}

/** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object (Flux's messages and events). */
export function fmtObjRef(ref: ObjRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/**
 * The inventory of a set of applied objects, in the order the staged apply goes through
 * them. Leave out the objects the apply skipped (ssa: Ignore, reconcile: disabled).
 */
export function inventoryOf(objects: ValueMap[], customStageKinds: GroupKind[] = []): InventoryEntry[] {
  return stageObjects(objects, customStageKinds).flatMap((s) => s.objects.map((o) => ({ id: objMetadataId(objRefOf(o)), v: versionOf(o) })));
}

/** The entries as objects (throws InventoryError on an unreadable id). */
export function listInventory(entries: InventoryEntry[]): InventoryObject[] {
  return entries.map((e) => ({ ...parseObjMetadataId(e.id), version: e.v }));
}

/**
 * The objects to garbage-collect: in `previous`, not in `next`, and not among the objects the
 * apply skipped this time. Sorted in apply order (delete them in the reverse order).
 */
export function staleObjects(previous: InventoryEntry[], next: InventoryEntry[], skipped: ObjRef[] = []): InventoryObject[] {
  const keep = new Set([...next.map((e) => e.id), ...skipped.map(objMetadataId)]);
  const stale = previous.filter((e) => !keep.has(e.id));
  // An id stored twice names one object.
  const seen = new Set<string>();
  return listInventory(stale.filter((e) => !seen.has(e.id) && seen.add(e.id))).sort(compareApplyOrder);
}
