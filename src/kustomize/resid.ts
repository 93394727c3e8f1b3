/** Group/version/kind and resource ids as kustomize names and orders them. */
import { isClusterScopedKind } from './scope.js';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId {
  gvk: Gvk;
  name: string;
  namespace: string;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOf(gvk: Gvk): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/** kustomize's Gvk.String(): `group_version_kind`, with ~G/~V/~K for empty parts. */
export function gvkString(gvk: Gvk): string {
  return `${gvk.group || '~G'}_${gvk.version || '~V'}_${gvk.kind || '~K'}`;
}

/** The id form kustomize prints in messages: Kind.version.group/name.namespace */
export function idString(id: ResId): string {
  const g = id.gvk.group || '[noGrp]';
  const ns = id.namespace || '[noNs]';
  return `${id.gvk.kind}.${id.gvk.version}.${g}/${id.name}.${ns}`;
}

/** Namespaces compare with "default" and the empty namespace as one. */
export function sameNamespace(a: string, b: string): boolean {
  return (a || 'default') === (b || 'default');
}

export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/**
 * kustomize's Gvk.IsSelected: empty fields in the selector match anything.
 */
export function gvkSelects(selector: Partial<Gvk>, gvk: Gvk): boolean {
  if (selector.group && selector.group !== gvk.group) return false;
  if (selector.version && selector.version !== gvk.version) return false;
  if (selector.kind && selector.kind !== gvk.kind) return false;
  return true;
}

/**
 * A string equal for two ids exactly when idEquals holds: the namespace is dropped for
 * cluster-scoped kinds and "default" is written as empty. Used to index resources.
 */
export function idKey(id: ResId): string {
  const ns = isClusterScopedKind(id.gvk) ? '' : id.namespace === 'default' ? '' : id.namespace;
  return `${id.gvk.group}\u0000${id.gvk.version}\u0000${id.gvk.kind}\u0000${id.name}\u0000${ns}`;
}

export function idEquals(a: ResId, b: ResId): boolean {
  return gvkEquals(a.gvk, b.gvk) && a.name === b.name && namespaceForId(a) === namespaceForId(b);
}

/** Cluster-scoped kinds have no namespace in their id; "default" equals empty for the rest. */
function namespaceForId(id: ResId): string {
  if (isClusterScopedKind(id.gvk)) return '';
  return id.namespace === 'default' ? '' : id.namespace;
}

/** kustomize's legacy output order: these kinds first, in this order; webhooks last. */
export const LEGACY_ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
export const LEGACY_ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function byteCompare(a: string, b: string): number {
  // Go compares strings bytewise; for the ASCII ids here UTF-16 order is the same.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A legacy comparator for given first and last kind lists (sortOptions.legacySortOptions). */
export function legacyCompareWith(first: string[], last: string[]): (a: ResId, b: ResId) => number {
  const rank = new Map<string, number>();
  first.forEach((k, i) => rank.set(k, i - first.length));
  last.forEach((k, i) => rank.set(k, i + 1));
  return (a, b) => {
    const ra = rank.get(a.gvk.kind) ?? 0;
    const rb = rank.get(b.gvk.kind) ?? 0;
    if (ra !== rb) return ra - rb;
    const ga = gvkString(a.gvk);
    const gb = gvkString(b.gvk);
    if (ga !== gb) return byteCompare(ga, gb);
    return byteCompare(`${a.namespace || '~X'}|${a.name || '~N'}`, `${b.namespace || '~X'}|${b.name || '~N'}`);
  };
}

export const legacyCompare = legacyCompareWith(LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST);
