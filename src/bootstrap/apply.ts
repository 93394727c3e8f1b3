/**
 * Server-side apply of a set of manifests as `flux install` and bootstrap do it: cluster
 * definitions (CRDs, Namespaces, ClusterRoles) first and waited on until Current, then the
 * rest, in ssa's kind order, each reported as flux's change set line
 * (`Kind/namespace/name created|configured|unchanged`).
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { computeStatus } from '../kube/kstatus.js';
import type { KubeObject } from '../kube/types.js';
import { stageObjects } from '../controllers/kustomize/stages.js';
import type { ValueMap } from '../yaml/types.js';

/** flux's CLI owner (ssa.Owner{Field: "flux"}). */
export const FIELD_MANAGER = 'flux';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ChangeSetEntry {
  subject: string;
  action: ApplyAction;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects (fluxcd/pkg ssa's FmtObjMetadata). */
export function subjectOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}` : `${obj.kind}/${obj.metadata.name}`;
}

/** The object without what every write changes (managedFields, resourceVersion). */
function comparable(obj: KubeObject): unknown {
  const { managedFields: _m, resourceVersion: _r, ...meta } = obj.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { ...obj, metadata: meta };
}

/**
 * Applies one object the way fluxcd/pkg's ssa does: a dry run first, and a write only when it
 * would change the object (so that another field manager's ownership is left alone).
 */
async function applyOne(client: KubeClient, obj: KubeObject, fieldManager: string): Promise<ChangeSetEntry> {
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace };
  let before: KubeObject | undefined;
  try {
    before = await client.get(ref, obj.metadata.name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  try {
    if (before) {
      const dry = await client.apply(obj, { fieldManager, force: true, dryRun: true });
      if (isDeepStrictEqual(comparable(dry), comparable(before))) return { subject: subjectOf(obj), action: 'unchanged' };
    }
    await client.apply(obj, { fieldManager, force: true });
  } catch (e) {
    throw new Error(`${subjectOf(obj)} apply failed: ${(e as Error).message}`);
  }
  return { subject: subjectOf(obj), action: before ? 'configured' : 'created' };
}

async function waitCurrent(client: KubeClient, objects: KubeObject[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const obj of objects) {
    for (;;) {
      const live = await client.get({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace }, obj.metadata.name);
      const s = computeStatus(live as Record<string, unknown>);
      if (s.status === 'Current') break;
      if (Date.now() >= deadline) throw new Error(`${subjectOf(obj)} is not ready: ${s.message}`);
      await sleep(100);
    }
  }
}

/** Applies the objects in stages; calls `onEntry` for each change-set line as it happens. */
export async function applyManifests(client: KubeClient, objects: KubeObject[], opts: { timeoutMs: number; fieldManager?: string; onEntry?: (e: ChangeSetEntry) => void }): Promise<ChangeSetEntry[]> {
  const out: ChangeSetEntry[] = [];
  for (const stage of stageObjects(objects as unknown as ValueMap[])) {
    const objs = stage.objects as unknown as KubeObject[];
    for (const obj of objs) {
      const entry = await applyOne(client, obj, opts.fieldManager ?? FIELD_MANAGER);
      out.push(entry);
      opts.onEntry?.(entry);
    }
    if (stage.wait) {
      await waitCurrent(client, objs, opts.timeoutMs);
      // New CRDs add kinds the next stages may use.
      if (objs.some((o) => o.kind === 'CustomResourceDefinition')) client.discovery.invalidate();
    }
  }
  return out;
}
