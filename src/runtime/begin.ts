/**
 * The first steps every Flux reconciler takes before its own work: the finalizer goes on
 * first (so that a deletion racing the first reconcile still cleans up), and a suspended
 * object only records the reconcile request it was handed.
 */
import type { KubeObject } from '../kube/types.js';
import { recordReconcileRequest } from './annotations.js';
import type { Logger } from './logger.js';
import { addFinalizer, clone, hasFinalizer, type ObjectPatcher } from './patch.js';

type Suspendable = KubeObject & { spec: { suspend?: boolean }; status?: { lastHandledReconcileAt?: string } };

/**
 * Returns a copy of the object as read (to patch the status against), or undefined when the
 * run ends here: the object is gone, or suspended.
 */
export async function beginReconcile<T extends Suspendable>(obj: T, finalizer: string, patcher: ObjectPatcher, log: Logger): Promise<T | undefined> {
  if (!hasFinalizer(obj, finalizer)) {
    addFinalizer(obj, finalizer);
    const updated = await patcher.patchFinalizers(obj);
    if (!updated) return undefined;
    obj.metadata.resourceVersion = updated.metadata.resourceVersion;
  }
  const original = clone(obj);
  if (obj.spec.suspend) {
    log.info('Reconciliation is suspended for this object');
    recordReconcileRequest(obj);
    await patcher.patchStatus(original, obj);
    return undefined;
  }
  return original;
}
