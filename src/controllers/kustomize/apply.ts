/**
 * The server-side apply of a Kustomization's objects, as fluxcd/pkg's ssa manager does it:
 *
 * 1. normalize: namespaced objects without a namespace get `default`, cluster-scoped ones
 *    lose theirs (discovery decides);
 * 2. validate: every object is read and dry-run applied before anything is written, so an
 *    invalid object stops the whole set (objects whose kind a CRD of the same set defines
 *    are dry-run once that CRD is served);
 * 3. apply in stages (CRDs, Namespaces, ClusterRoles…; then `*Class` kinds; then the rest),
 *    waiting for the first two to be Current before going on, and skipping objects the
 *    dry run shows unchanged;
 * 4. prune: stale inventory objects this Kustomization still owns are deleted.
 *
 * An immutable-field error recreates the object when forced (spec.force or the force
 * annotation). Every step reports `Kind/namespace/name action` entries, Flux's change set.
 */
import type { KubeClient } from '../../kube/client.js';
import { ApiError, isNotFound } from '../../kube/errors.js';
import { computeStatus } from '../../kube/kstatus.js';
import type { KubeObject } from '../../kube/types.js';
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import { goJson } from '../../yaml/gojson.js';
import { applyDecision, pruneDecision, recreatesOnImmutableChange, type Owner } from './annotations.js';
import { fmtObjRef, objMetadataId, objRefOf, type InventoryObject, type ObjRef } from './inventory.js';
import { sortForDeletion, stageObjects, type GroupKind } from './stages.js';

export const FIELD_MANAGER = 'kustomize-controller';

export type Action = 'created' | 'configured' | 'unchanged' | 'skipped' | 'deleted';

export interface ChangeSetEntry {
  ref: ObjRef;
  version: string;
  subject: string;
  action: Action;
}

/** The apply failed; nothing after the failing step was written. */
export class ApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyError';
  }
}

export interface ApplyOptions {
  /** spec.force: recreate objects on immutable-field errors. */
  force: boolean;
  customStageKinds?: GroupKind[];
  /** How long to wait for CRDs/Namespaces/classes to be Current between stages. */
  stageTimeoutMs: number;
  signal?: AbortSignal;
}

interface Planned {
  obj: ValueMap;
  ref: ObjRef;
  live?: KubeObject;
  decision: 'apply' | 'skip';
  /** What the dry run says the apply would do; 'recreate' after an immutable-field error. */
  plan?: 'created' | 'configured' | 'unchanged' | 'recreate';
}

const str = (v: Value | undefined) => (typeof v === 'string' ? v : '');
const metaOf = (o: ValueMap): ValueMap => (isMap(o.metadata) ? o.metadata : {});
const versionOfApi = (apiVersion: string) => apiVersion.slice(apiVersion.lastIndexOf('/') + 1);

/** Runs `fn` over items with at most `limit` in flight, keeping results in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The object without what the server alone writes, for comparing dry-run results with live objects. */
function comparable(o: KubeObject | undefined): unknown {
  if (!o) return undefined;
  const { status: _status, ...rest } = o;
  const meta = { ...o.metadata };
  for (const k of ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid']) delete meta[k];
  return { ...rest, metadata: meta };
}

function sameJson(a: unknown, b: unknown): boolean {
  return goJson(a as Value) === goJson(b as Value);
}

function isImmutableError(e: unknown): boolean {
  return e instanceof ApiError && e.code === 422 && /immutable/i.test(e.message);
}

export class ResourceManager {
  /** Each object as the last read, dry run or apply of this manager returned it, by inventory id. */
  private readonly seen = new Map<string, KubeObject>();

  constructor(
    private readonly client: KubeClient,
    private readonly owner: Owner,
    private readonly concurrency = 8,
  ) {}

  private ref(o: ValueMap | KubeObject) {
    const meta = metaOf(o as ValueMap);
    return { apiVersion: str((o as ValueMap).apiVersion), kind: str((o as ValueMap).kind), namespace: str(meta.namespace) || undefined };
  }

  /**
   * Sets or clears namespaces by the kind's scope: discovery's, else that of a CRD of the same
   * set (so a custom object keeps one inventory id from its first apply on). Kinds nobody
   * defines are left as they are.
   */
  async normalize(objects: ValueMap[]): Promise<ValueMap[]> {
    const crdScopes = new Map<string, boolean>();
    for (const c of objects) {
      if (str(c.kind) !== 'CustomResourceDefinition' || !str(c.apiVersion).startsWith('apiextensions.k8s.io/')) continue;
      const spec = isMap(c.spec) ? c.spec : {};
      const names = isMap(spec.names) ? spec.names : {};
      crdScopes.set(`${str(spec.group)}/${str(names.kind)}`, str(spec.scope) !== 'Cluster');
    }
    return mapLimit(objects, 32, async (o) => {
      let namespaced: boolean;
      try {
        namespaced = (await this.client.discovery.resolve(str(o.apiVersion), str(o.kind))).namespaced;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const api = str(o.apiVersion);
        const inSet = crdScopes.get(`${api.includes('/') ? api.slice(0, api.lastIndexOf('/')) : ''}/${str(o.kind)}`);
        if (inSet === undefined) return o;
        namespaced = inSet;
      }
      const meta = { ...metaOf(o) };
      if (namespaced && !str(meta.namespace)) meta.namespace = 'default';
      else if (!namespaced && 'namespace' in meta) delete meta.namespace;
      else return o;
      return { ...o, metadata: meta };
    });
  }

  private async getLive(o: ValueMap): Promise<KubeObject | undefined> {
    try {
      return await this.client.get(this.ref(o), str(metaOf(o).name));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private apply(o: ValueMap, dryRun: boolean): Promise<KubeObject> {
    // goJson keeps integers beyond 2^53 exact; JSON.stringify cannot print bigints.
    const body = goJson(o);
    const r = this.ref(o);
    return this.client.patch(r, str(metaOf(o).name), 'apply', body, { fieldManager: FIELD_MANAGER, force: true, dryRun });
  }

  /** Reads and dry-runs one object, deciding what the apply will do. */
  private async plan(o: ValueMap, force: boolean): Promise<Planned> {
    const ref = objRefOf(o);
    const subject = fmtObjRef(ref);
    let live: KubeObject | undefined;
    try {
      live = await this.getLive(o);
    } catch (e) {
      throw new ApplyError(`${subject} get failed: ${(e as Error).message}`);
    }
    if (live) this.seen.set(objMetadataId(ref), live);
    const p: Planned = { obj: o, ref, live, decision: applyDecision(o, live as unknown as ValueMap) };
    if (p.decision === 'skip') return p;
    try {
      const result = await this.apply(o, true);
      p.plan = !live ? 'created' : sameJson(comparable(result), comparable(live)) ? 'unchanged' : 'configured';
    } catch (e) {
      if (isImmutableError(e) && recreatesOnImmutableChange(o, live as unknown as ValueMap, force)) p.plan = 'recreate';
      else throw new ApplyError(`${subject} dry-run failed${e instanceof ApiError ? ` (${e.reason || e.code})` : ''}: ${(e as Error).message}`);
    }
    return p;
  }

  /** Whether the kind of `o` is defined by a CRD among `objects` (and so not served yet). */
  private definedInSet(o: ValueMap, crds: ValueMap[]): boolean {
    const group = str(o.apiVersion).includes('/') ? str(o.apiVersion).slice(0, str(o.apiVersion).lastIndexOf('/')) : '';
    return crds.some((c) => {
      const spec = isMap(c.spec) ? c.spec : {};
      const names = isMap(spec.names) ? spec.names : {};
      return str(spec.group) === group && str(names.kind) === str(o.kind);
    });
  }

  /** The Namespaces of the set that do not exist yet. */
  private async namespacesToCreate(objects: ValueMap[]): Promise<Set<string>> {
    const names = objects.filter((o) => str(o.kind) === 'Namespace' && str(o.apiVersion) === 'v1').map((o) => str(metaOf(o).name));
    const missing = await mapLimit(names, this.concurrency, async (name) => !(await this.getLive({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
    return new Set(names.filter((_, i) => missing[i]));
  }

  /**
   * Validates the whole set, then applies it stage by stage. Returns the change set in
   * apply order; throws ApplyError naming the object that failed.
   */
  async applyAllStaged(objects: ValueMap[], opts: ApplyOptions): Promise<ChangeSetEntry[]> {
    const crds = objects.filter((o) => str(o.kind) === 'CustomResourceDefinition' && str(o.apiVersion).startsWith('apiextensions.k8s.io/'));
    const newNamespaces = await this.namespacesToCreate(objects);
    const stages = stageObjects(objects, opts.customStageKinds);
    // Validation: everything whose kind is served and whose namespace exists now; the rest
    // once its CRD or Namespace is applied (a dry run cannot create in a missing namespace).
    const deferred = new Set<ValueMap>();
    const planned = new Map<ValueMap, Planned>();
    const now = stages.flatMap((s) => s.objects).filter((o) => {
      if ((crds.length && this.definedInSet(o, crds)) || (newNamespaces.size && str(o.kind) !== 'Namespace' && newNamespaces.has(str(metaOf(o).namespace)))) {
        deferred.add(o);
        return false;
      }
      return true;
    });
    const results = await mapLimit(now, this.concurrency, (o) => this.plan(o, opts.force));
    now.forEach((o, i) => planned.set(o, results[i]!));

    const changes: ChangeSetEntry[] = [];
    for (const stage of stages) {
      opts.signal?.throwIfAborted();
      const late = stage.objects.filter((o) => deferred.has(o));
      if (late.length) {
        // New kinds are found by discovery only once it forgets what it knew.
        if (crds.length) this.client.discovery.invalidate();
        const lateResults = await mapLimit(late, this.concurrency, (o) => this.plan(o, opts.force));
        late.forEach((o, i) => planned.set(o, lateResults[i]!));
      }
      const entries = await mapLimit(stage.objects, this.concurrency, (o) => this.applyPlanned(planned.get(o)!));
      changes.push(...entries);
      if (stage.wait) {
        await this.waitCurrent(stage.objects.filter((o) => planned.get(o)!.decision === 'apply'), opts.stageTimeoutMs, opts.signal);
        if (crds.length) this.client.discovery.invalidate();
      }
    }
    return changes;
  }

  private async applyPlanned(p: Planned): Promise<ChangeSetEntry> {
    const subject = fmtObjRef(p.ref);
    const entry = (action: Action): ChangeSetEntry => ({ ref: p.ref, version: versionOfApi(str(p.obj.apiVersion)), subject, action });
    if (p.decision === 'skip') return entry('skipped');
    if (p.plan === 'unchanged') return entry('unchanged');
    try {
      if (p.plan === 'recreate') {
        await this.client.delete(this.ref(p.obj), p.ref.name, { propagationPolicy: 'Background' });
        await this.waitGone(p.obj, 30_000);
        this.seen.set(objMetadataId(p.ref), await this.apply(p.obj, false));
        return entry('created');
      }
      this.seen.set(objMetadataId(p.ref), await this.apply(p.obj, false));
    } catch (e) {
      throw new ApplyError(`${subject} apply failed${e instanceof ApiError ? ` (${e.reason || e.code})` : ''}: ${(e as Error).message}`);
    }
    return entry(p.plan === 'created' ? 'created' : 'configured');
  }

  /**
   * The object as this manager last saw it from the server (its read before the dry run, or
   * the apply's answer), for a first health check that needs no request of its own.
   */
  observed(ref: ObjRef): KubeObject | undefined {
    return this.seen.get(objMetadataId(ref));
  }

  private async waitGone(o: ValueMap, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!(await this.getLive(o))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new ApplyError(`${fmtObjRef(objRefOf(o))} was not deleted within ${timeoutMs / 1000}s`);
  }

  /** Waits until every object is Current (CRDs Established, Namespaces Active). */
  private async waitCurrent(objects: ValueMap[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let pending = objects;
    let delay = 50;
    while (pending.length) {
      signal?.throwIfAborted();
      const statuses = await mapLimit(pending, this.concurrency, async (o) => computeStatus((await this.getLive(o)) as never).status);
      pending = pending.filter((_, i) => statuses[i] !== 'Current');
      if (!pending.length) return;
      if (Date.now() > deadline) throw new ApplyError(`timeout waiting for: [${pending.map((o) => fmtObjRef(objRefOf(o))).join(', ')}]`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 1000);
    }
  }

  /**
   * Deletes the stale objects this Kustomization still owns, in reverse apply order. Objects
   * already gone count as deleted; foreign or protected ones are left (and not reported).
   */
  async prune(stale: InventoryObject[], opts: { signal?: AbortSignal } = {}): Promise<ChangeSetEntry[]> {
    const out: ChangeSetEntry[] = [];
    const errors: string[] = [];
    for (const ref of sortForDeletion(stale)) {
      opts.signal?.throwIfAborted();
      const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
      const r = { apiVersion, kind: ref.kind, namespace: ref.namespace || undefined };
      const subject = fmtObjRef(ref);
      let live: KubeObject | undefined;
      try {
        live = await this.client.get(r, ref.name);
      } catch (e) {
        if (!isNotFound(e)) {
          errors.push(`${subject} get failed: ${(e as Error).message}`);
          continue;
        }
      }
      const decision = pruneDecision(live as unknown as ValueMap, this.owner);
      if (decision === 'skip') continue;
      if (decision === 'delete') {
        try {
          await this.client.delete(r, ref.name, { propagationPolicy: 'Background' });
        } catch (e) {
          if (!isNotFound(e)) {
            errors.push(`${subject} delete failed: ${(e as Error).message}`);
            continue;
          }
        }
      }
      out.push({ ref, version: ref.version, subject, action: 'deleted' });
    }
    if (errors.length) throw new ApplyError(`prune failed: ${errors.join('; ')}`);
    return out;
  }
}

/** Flux's change-set text: one `Kind/namespace/name action` line per changed object. */
export function changeSetMessage(entries: ChangeSetEntry[]): string {
  return entries
    .filter((e) => e.action !== 'unchanged' && e.action !== 'skipped')
    .map((e) => `${e.subject} ${e.action}`)
    .join('\n');
}
