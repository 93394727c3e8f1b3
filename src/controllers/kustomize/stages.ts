/**
 * The order of fluxcd/pkg/ssa's staged apply. Objects go in four stages, each applied after
 * the previous one is done (the first two are also waited on until Current), so that custom
 * resources, namespaced objects and class users find what they need:
 *
 * 1. cluster definitions: CustomResourceDefinitions (apiextensions.k8s.io), Namespaces (v1),
 *    ClusterRoles (rbac.authorization.k8s.io) — kinds matched case-insensitively;
 * 2. class definitions: any kind whose name ends in "Class" (StorageClass, IngressClass, …);
 * 3. the kinds given with `--custom-apply-stage-kinds` (group/Kind);
 * 4. everything else.
 *
 * Inside a stage objects are sorted by ssa's kind order (CRD, Namespace, ClusterRole, the
 * classes, …, webhooks last; unlisted kinds in between), then group, kind, namespace, name.
 * Deletion goes in the reverse order.
 */
import { isMap, type ValueMap } from '../../yaml/types.js';
import type { ObjRef } from './inventory.js';

export type ApplyStage = 'definitions' | 'classes' | 'custom' | 'resources';

export interface GroupKind {
  group: string;
  kind: string;
}

// ssa's ReconcileOrder (v0.77): listed kinds first, in this order; the last ones after all others.
const ORDER_FIRST = [
  'CustomResourceDefinition',
  'Namespace',
  'ClusterRole',
  'ClusterClass',
  'RuntimeClass',
  'PriorityClass',
  'StorageClass',
  'VolumeSnapshotClass',
  'IngressClass',
  'GatewayClass',
  'ClusterRoleBinding',
  'ResourceQuota',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'LimitRange',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
const KIND_RANK = new Map<string, number>([
  ...ORDER_FIRST.map((k, i): [string, number] => [k, i - ORDER_FIRST.length]),
  ...ORDER_LAST.map((k, i): [string, number] => [k, i + 1]),
]);

function kindRank(kind: string): number {
  return KIND_RANK.get(kind) ?? 0;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** ssa's sort: kind rank, group, kind, then namespace and name. */
export function compareApplyOrder(a: ObjRef, b: ObjRef): number {
  if (a.group !== b.group || a.kind !== b.kind) {
    return kindRank(a.kind) - kindRank(b.kind) || cmp(a.group, b.group) || cmp(a.kind, b.kind);
  }
  return cmp(a.namespace, b.namespace) || cmp(a.name, b.name);
}

function refOf(obj: ValueMap): ObjRef & { apiVersion: string } {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  return {
    apiVersion,
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    name: typeof meta.name === 'string' ? meta.name : '',
  };
}

/** CRDs, Namespaces and ClusterRoles, by ssa's rules (which look at apiVersion and kind). */
export function isClusterDefinition(obj: ValueMap): boolean {
  const { apiVersion, kind } = refOf(obj);
  const k = kind.toLowerCase();
  return (
    (k === 'customresourcedefinition' && apiVersion.startsWith('apiextensions.k8s.io/')) ||
    (k === 'namespace' && apiVersion === 'v1') ||
    (k === 'clusterrole' && apiVersion.startsWith('rbac.authorization.k8s.io/'))
  );
}

export function isClassDefinition(obj: ValueMap): boolean {
  return refOf(obj).kind.endsWith('Class');
}

/** The stage an object is applied in. */
export function applyStageOf(obj: ValueMap, customStageKinds: GroupKind[] = []): ApplyStage {
  if (isClusterDefinition(obj)) return 'definitions';
  if (isClassDefinition(obj)) return 'classes';
  const { group, kind } = refOf(obj);
  if (customStageKinds.some((gk) => gk.group === group && gk.kind === kind)) return 'custom';
  return 'resources';
}

export interface Stage {
  stage: ApplyStage;
  objects: ValueMap[];
  /** The apply waits for these objects to be Current before the next stage. */
  wait: boolean;
}

const STAGES: ApplyStage[] = ['definitions', 'classes', 'custom', 'resources'];

/** The non-empty stages in apply order, each sorted. */
export function stageObjects(objects: ValueMap[], customStageKinds: GroupKind[] = []): Stage[] {
  const byStage = new Map<ApplyStage, ValueMap[]>(STAGES.map((s) => [s, []]));
  for (const o of objects) byStage.get(applyStageOf(o, customStageKinds))!.push(o);
  return STAGES.filter((s) => byStage.get(s)!.length > 0).map((stage) => ({
    stage,
    objects: sortForApply(byStage.get(stage)!),
    wait: stage === 'definitions' || stage === 'classes',
  }));
}

/** A sorted copy, in ssa's order. */
export function sortForApply(objects: ValueMap[]): ValueMap[] {
  return objects
    .map((o) => ({ o, ref: refOf(o) }))
    .sort((a, b) => compareApplyOrder(a.ref, b.ref))
    .map((x) => x.o);
}

/** A sorted copy of object references in deletion order (ssa deletes in reverse apply order). */
export function sortForDeletion<T extends ObjRef>(refs: T[]): T[] {
  return refs.slice().sort((a, b) => compareApplyOrder(b, a));
}

/**
 * `--custom-apply-stage-kinds` as ssa parses it: comma-separated `group/Kind` (or `Kind` for
 * the core group), e.g. `rbac.authorization.k8s.io/Role`.
 */
export function parseGroupKinds(flag: string): GroupKind[] {
  if (flag === '') return [];
  return flag.split(',').map((item) => {
    const s = item.trim();
    const slash = s.indexOf('/');
    return slash < 0 ? { group: '', kind: s } : { group: s.slice(0, slash), kind: s.slice(slash + 1) };
  });
}
