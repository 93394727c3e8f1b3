/**
 * Waiting for what install and bootstrap set up, as flux's status checker and bootstrap do:
 * the controller Deployments until kstatus says Current (reported sorted by name,
 * "<name>: deployment ready"), and the sync objects until Ready at the expected revision.
 */
import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { computeStatus, type Status } from '../kube/kstatus.js';
import type { KubeObject } from '../kube/types.js';
import type { Reporter } from './reporter.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WaitOptions {
  timeoutMs: number;
  /** How often the cluster is read (flux: --poll-interval, 5s for the status checker). */
  pollMs?: number;
}

/**
 * Waits for the named Deployments to be Current, then reports each one. Returns false (after
 * reporting which ones are not ready or not found) when the time ran out.
 */
export async function assessDeployments(client: KubeClient, namespace: string, names: string[], opts: WaitOptions, report: Reporter): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  const statuses = new Map<string, Status>();
  for (;;) {
    for (const name of names) {
      let obj: KubeObject | undefined;
      try {
        obj = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace }, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      statuses.set(name, computeStatus(obj as Record<string, unknown> | undefined).status);
    }
    if ([...statuses.values()].every((s) => s === 'Current') || Date.now() >= deadline) break;
    await sleep(Math.min(opts.pollMs ?? 1000, Math.max(0, deadline - Date.now())));
  }
  let ok = true;
  for (const name of [...names].sort()) {
    const s = statuses.get(name);
    if (s === 'Current') report.success(`${name}: deployment ready`);
    else {
      ok = false;
      report.failure(`${name}: deployment ${s === 'NotFound' ? 'not found' : 'not ready'}`);
    }
  }
  return ok;
}

interface Condition {
  type: string;
  status: string;
  message?: string;
}

type FluxObject = KubeObject & { spec?: { suspend?: boolean }; status?: { observedGeneration?: number; conditions?: Condition[]; artifact?: { revision?: string }; lastAttemptedRevision?: string } };

/** Flux's revision of a status: the artifact's for sources, lastAttemptedRevision for a Kustomization. */
function revisionOf(obj: FluxObject): string | undefined {
  return obj.kind === 'Kustomization' ? obj.status?.lastAttemptedRevision : obj.status?.artifact?.revision;
}

/**
 * Polls a GitRepository or Kustomization until it is Ready at `revision`. Fails at once when it
 * is suspended or reports Ready=False for its current generation (a Kustomization: for this
 * revision, so that a failure from before its source was ready does not count); on timeout,
 * the message says what its Ready condition says.
 */
export async function waitForReconciled(client: KubeClient, ref: { apiVersion: string; kind: string; namespace: string }, name: string, revision: string, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  const key = `${ref.namespace}/${name}`;
  let last: FluxObject | undefined;
  for (;;) {
    try {
      last = (await client.get(ref, name)) as FluxObject;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      last = undefined;
    }
    if (last) {
      if (last.spec?.suspend) throw new Error(`${ref.kind} '${key}' is suspended`);
      const current = last.status?.observedGeneration === undefined || last.status.observedGeneration === last.metadata.generation;
      const ready = last.status?.conditions?.find((c) => c.type === 'Ready');
      if (current && ready?.status === 'True' && revisionOf(last) === revision) return;
      // A Kustomization may report the state before its source had an artifact (Source not
      // found): only a failure at our revision, or a stalled object, ends the wait early.
      const stalled = last.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True');
      const ours = last.kind !== 'Kustomization' || revisionOf(last) === revision;
      if (current && ready?.status === 'False' && (ours || stalled)) throw new Error(ready.message ?? `${ref.kind} '${key}' is not ready`);
    }
    if (Date.now() >= deadline) {
      const ready = last?.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready && ready.status !== 'True') throw new Error(`${ref.kind.toLowerCase()} '${key}' not ready: '${ready.message ?? ''}'`);
      throw new Error('timed out waiting for the condition');
    }
    await sleep(Math.min(opts.pollMs ?? 1000, Math.max(0, deadline - Date.now())));
  }
}
