/**
 * Health checks: poll the objects until kstatus says each is Current, within the
 * Kustomization's timeout. An object that turns Failed (a stalled rollout) ends the wait
 * early; after the timeout every object not Current is named, as Flux's ssa does.
 */
import type { KubeClient } from '../../kube/client.js';
import { isNotFound } from '../../kube/errors.js';
import { computeStatus, describeWaitFailure, type CheckedObject, type StatusResult } from '../../kube/kstatus.js';
import type { KubeObject } from '../../kube/types.js';

export interface HealthTarget {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export class HealthCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HealthCheckError';
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** First poll delay; it doubles up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  signal?: AbortSignal;
  /** The object as just read or applied, for the first check (a GET otherwise). */
  observed?: (t: HealthTarget) => KubeObject | undefined;
}

async function statusOf(client: KubeClient, t: HealthTarget): Promise<StatusResult | undefined> {
  try {
    const live = await client.get<KubeObject>({ apiVersion: t.apiVersion, kind: t.kind, namespace: t.namespace }, t.name);
    return computeStatus(live as never);
  } catch (e) {
    if (isNotFound(e)) return { status: 'NotFound', message: 'Resource not found' };
    return undefined;
  }
}

/** Resolves when all targets are Current; throws HealthCheckError naming the others. */
export async function waitForHealth(client: KubeClient, targets: HealthTarget[], opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.pollMs ?? 200;
  const last = new Map<HealthTarget, StatusResult | undefined>();
  let pending = targets;
  let first = true;
  for (;;) {
    opts.signal?.throwIfAborted();
    const results = await Promise.all(
      pending.map((t) => {
        const seen = first ? opts.observed?.(t) : undefined;
        return seen ? computeStatus(seen as never) : statusOf(client, t);
      }),
    );
    first = false;
    pending.forEach((t, i) => last.set(t, results[i]));
    pending = pending.filter((_, i) => results[i]?.status !== 'Current');
    if (pending.length === 0) return;
    const checked = (): CheckedObject[] => pending.map((t) => ({ kind: t.kind, namespace: t.namespace, name: t.name, result: last.get(t) }));
    if (pending.some((t) => last.get(t)?.status === 'Failed')) throw new HealthCheckError(describeWaitFailure(checked(), false)!);
    if (Date.now() >= deadline) throw new HealthCheckError(describeWaitFailure(checked(), true) ?? 'timeout waiting for health checks');
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, opts.maxPollMs ?? 2000);
  }
}
