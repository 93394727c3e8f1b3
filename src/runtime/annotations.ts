/** Flux's shared annotations and the update predicates built on them. */
import type { KubeObject } from '../kube/types.js';

/** Reconcile now when its value differs from status.lastHandledReconcileAt. */
export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

export function reconcileRequest(obj: KubeObject): string | undefined {
  return obj.metadata.annotations?.[REQUESTED_AT];
}

/** Copies the request annotation's value to status.lastHandledReconcileAt (if any). */
export function recordReconcileRequest(obj: KubeObject & { status?: { lastHandledReconcileAt?: string } }): void {
  const v = reconcileRequest(obj);
  if (v === undefined) return;
  obj.status ??= {};
  obj.status.lastHandledReconcileAt = v;
}

export function generationChanged(oldObj: KubeObject, newObj: KubeObject): boolean {
  return oldObj.metadata.generation !== newObj.metadata.generation;
}

export function reconcileRequested(oldObj: KubeObject, newObj: KubeObject): boolean {
  const v = reconcileRequest(newObj);
  return v !== undefined && v !== reconcileRequest(oldObj);
}

export function deletionStarted(oldObj: KubeObject, newObj: KubeObject): boolean {
  return !oldObj.metadata.deletionTimestamp && Boolean(newObj.metadata.deletionTimestamp);
}

/** Flux's default for its own kinds: spec changes, explicit requests and deletion. */
export function defaultUpdatePredicate(oldObj: KubeObject, newObj: KubeObject): boolean {
  return generationChanged(oldObj, newObj) || reconcileRequested(oldObj, newObj) || deletionStarted(oldObj, newObj);
}
