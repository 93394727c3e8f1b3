/**
 * Writing back what a reconcile decided, in one request: a JSON merge patch of the status
 * subresource holding only what changed between the object as read and as updated (arrays
 * such as conditions are replaced whole). Finalizers are changed the same way on the main
 * resource, guarded by the resourceVersion so that a concurrent writer is not overwritten.
 */
import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** The RFC 7386 merge patch that turns `from` into `to`; undefined when they are equal. */
export function mergePatchBetween(from: unknown, to: unknown): Json | undefined {
  if (deepEqual(from, to)) return undefined;
  if (!isObject(from) || !isObject(to)) return (to === undefined ? null : (to as Json));
  const patch: { [k: string]: Json } = {};
  for (const k of Object.keys(from)) if (from[k] !== undefined && to[k] === undefined) patch[k] = null;
  for (const k of Object.keys(to)) {
    if (to[k] === undefined) continue;
    const d = mergePatchBetween(from[k], to[k]);
    if (d !== undefined) patch[k] = d;
  }
  return patch;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export interface PatchSink {
  observe?(obj: KubeObject): void;
}

export class ObjectPatcher {
  /** Status patches sent (for tests and metrics). */
  statusPatches = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly fieldManager: string,
    private readonly sink: PatchSink = {},
  ) {}

  private ref(obj: KubeObject) {
    return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace };
  }

  /** Patches status from `original` to `updated`; returns the new object, or undefined if nothing changed or it is gone. */
  async patchStatus<T extends KubeObject>(original: T, updated: T): Promise<T | undefined> {
    const diff = mergePatchBetween(original.status ?? {}, updated.status ?? {});
    if (diff === undefined) return undefined;
    this.statusPatches++;
    try {
      const out = await this.client.patchStatus<T>(this.ref(updated), updated.metadata.name, 'merge', { status: diff }, { fieldManager: this.fieldManager });
      this.sink.observe?.(out);
      return out;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Writes metadata.finalizers as in `updated` (conflict if the object changed since it was read). */
  async patchFinalizers<T extends KubeObject>(updated: T): Promise<T | undefined> {
    try {
      const out = await this.client.patch<T>(
        this.ref(updated),
        updated.metadata.name,
        'merge',
        { metadata: { finalizers: updated.metadata.finalizers ?? null, resourceVersion: updated.metadata.resourceVersion } },
        { fieldManager: this.fieldManager },
      );
      this.sink.observe?.(out);
      return out;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}

export function hasFinalizer(obj: KubeObject, f: string): boolean {
  return obj.metadata.finalizers?.includes(f) ?? false;
}

export function addFinalizer(obj: KubeObject, f: string): void {
  if (!hasFinalizer(obj, f)) obj.metadata.finalizers = [...(obj.metadata.finalizers ?? []), f];
}

export function removeFinalizer(obj: KubeObject, f: string): void {
  const rest = (obj.metadata.finalizers ?? []).filter((x) => x !== f);
  obj.metadata.finalizers = rest.length ? rest : undefined;
}
