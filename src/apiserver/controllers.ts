/**
 * The control loops a Kubernetes control plane runs that clients can observe: CRDs become
 * established (and their resources served) and are cleaned up on deletion; namespaces get
 * their default ServiceAccount and root CA ConfigMap, and deleting one removes what it
 * holds; the garbage collector deletes dependents whose owners are gone (background),
 * waits for them (foreground) or releases them (orphan).
 *
 * Work runs outside store notifications, in a de-duplicated queue drained on the event loop.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { StatusError } from './errors.js';
import { CRD_FINALIZER, establishedStatus, typesFromCrd } from './crd.js';
import type { Registry, ResourceType } from './registry.js';
import { timestamp, type ResourceApi, type WriteOptions } from './rest.js';
import { metaOf, type Store, type StoreEvent } from './store.js';
import { fromStorage } from './convert.js';

const CRD_STORAGE = 'apiextensions.k8s.io/customresourcedefinitions';
const NS_STORAGE = '/namespaces';

interface Ref {
  storage: string;
  namespace: string;
  name: string;
}

export class WorkQueue {
  private pending = new Map<string, () => void>();
  private scheduled = false;
  private timers = new Set<NodeJS.Timeout>();
  stopped = false;

  add(key: string, fn: () => void): void {
    if (this.stopped) return;
    this.pending.set(key, fn);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  later(key: string, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key, fn);
    }, ms);
    this.timers.add(t);
  }

  private drain(): void {
    this.scheduled = false;
    const work = [...this.pending.values()];
    this.pending.clear();
    for (const fn of work) {
      if (this.stopped) return;
      try {
        fn();
      } catch (e) {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) {
          process.stderr.write(`fluxion cluster: control loop error: ${(e as Error).stack ?? String(e)}\n`);
        }
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }
}

export interface ControllerOptions {
  caCert: string;
  now: () => Date;
}

export class Controllers {
  readonly queue = new WorkQueue();
  /** uid → where the object lives. */
  private readonly uids = new Map<string, Ref>();
  /** owner uid → dependents. */
  private readonly dependents = new Map<string, Map<string, Ref>>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly store: Store,
    private readonly api: ResourceApi,
    private readonly opts: ControllerOptions,
  ) {}

  private writer(manager: string): WriteOptions {
    return { dryRun: false, fieldManager: manager, fieldValidation: 'Ignore', force: false };
  }

  /** Registers stored CRDs, indexes owners, then follows every change. */
  start(): void {
    for (const crd of this.store.list(CRD_STORAGE)) this.registerCrd(crd);
    for (const s of this.store.storageKeys()) for (const o of this.store.list(s)) this.index(s, o, undefined);
    this.unsubscribe = this.store.subscribe((e) => this.onEvent(e));
    for (const crd of this.store.list(CRD_STORAGE)) this.queue.add(`crd/${String(metaOf(crd).name)}`, () => this.reconcileCrd(String(metaOf(crd).name)));
    for (const ns of this.store.list(NS_STORAGE)) this.queue.add(`ns/${String(metaOf(ns).name)}`, () => this.reconcileNamespace(String(metaOf(ns).name)));
    for (const s of this.store.storageKeys()) {
      for (const o of this.store.list(s)) if (metaOf(o).deletionTimestamp) this.queueFinalize(s, o);
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  private refKey(r: Ref): string {
    return `${r.storage}|${r.namespace}|${r.name}`;
  }

  private index(storage: string, obj: ValueMap | undefined, prev: ValueMap | undefined): void {
    if (prev) {
      const uid = metaOf(prev).uid;
      const ref: Ref = { storage, namespace: String(metaOf(prev).namespace ?? ''), name: String(metaOf(prev).name ?? '') };
      for (const o of ownerUids(prev)) this.dependents.get(o)?.delete(this.refKey(ref));
      if (!obj && typeof uid === 'string') this.uids.delete(uid);
    }
    if (obj) {
      const uid = metaOf(obj).uid;
      const ref: Ref = { storage, namespace: String(metaOf(obj).namespace ?? ''), name: String(metaOf(obj).name ?? '') };
      if (typeof uid === 'string') this.uids.set(uid, ref);
      for (const o of ownerUids(obj)) {
        let m = this.dependents.get(o);
        if (!m) this.dependents.set(o, (m = new Map()));
        m.set(this.refKey(ref), ref);
      }
    }
  }

  private onEvent(e: StoreEvent): void {
    this.index(e.storage, e.type === 'DELETED' ? undefined : e.object, e.prev);
    if (e.storage === CRD_STORAGE) {
      if (e.type === 'DELETED') this.registry.setCustom(e.name, []);
      else this.registerCrd(e.object);
      this.queue.add(`crd/${e.name}`, () => this.reconcileCrd(e.name));
    }
    if (e.storage === NS_STORAGE) this.queue.add(`ns/${e.name}`, () => this.reconcileNamespace(e.name));
    if (e.type === 'DELETED') {
      const uid = metaOf(e.object).uid;
      if (typeof uid === 'string') this.queue.add(`gc/${uid}`, () => this.collectDependents(uid));
    } else if (metaOf(e.object).deletionTimestamp) {
      this.queueFinalize(e.storage, e.object);
    } else if (ownerUids(e.object).some((u) => !this.uids.has(u))) {
      // Checked a little later: an owner and its dependents may arrive in either order in one apply.
      this.queue.later(`owners/${e.storage}/${e.namespace}/${e.name}`, 100, () => this.checkOwners(e.storage, e.namespace, e.name));
    }
  }

  private queueFinalize(storage: string, obj: ValueMap): void {
    const fins = Array.isArray(metaOf(obj).finalizers) ? (metaOf(obj).finalizers as Value[]) : [];
    if (!fins.includes('foregroundDeletion') && !fins.includes('orphan')) return;
    const uid = String(metaOf(obj).uid ?? '');
    this.queue.add(`fin/${uid}`, () => this.finalizeOwner(storage, String(metaOf(obj).namespace ?? ''), String(metaOf(obj).name ?? ''), uid));
  }

  private typeFor(storage: string): ResourceType | undefined {
    return this.registry.storages().find((t) => t.storage === storage);
  }

  private registerCrd(crd: ValueMap): void {
    if (metaOf(crd).deletionTimestamp) return;
    this.registry.setCustom(String(metaOf(crd).name), typesFromCrd(crd));
  }

  // ---- CRDs -------------------------------------------------------------------

  private reconcileCrd(name: string): void {
    const t = this.typeFor(CRD_STORAGE)!;
    const crd = this.api.read(t, '', name);
    if (!crd) return;
    const meta = metaOf(crd);
    const fins = Array.isArray(meta.finalizers) ? meta.finalizers.map(String) : [];
    if (meta.deletionTimestamp) {
      if (!fins.includes(CRD_FINALIZER)) return;
      const spec = isMap(crd.spec) ? crd.spec : {};
      const storage = `${String(spec.group)}/${String(isMap(spec.names) ? spec.names.plural : '')}`;
      const crType = this.registry.all().find((x) => x.storage === storage);
      const remaining = this.store.list(storage);
      if (remaining.length > 0 && crType) {
        for (const o of remaining) {
          if (metaOf(o).deletionTimestamp) continue;
          this.api.delete(crType, String(metaOf(o).namespace ?? ''), String(metaOf(o).name), { dryRun: false });
        }
        this.queue.later(`crd/${name}`, 100, () => this.reconcileCrd(name));
        return;
      }
      this.mutate(t, '', name, 'kube-apiserver', (o) => {
        metaOf(o).finalizers = fins.filter((f) => f !== CRD_FINALIZER);
      });
      return;
    }
    if (!fins.includes(CRD_FINALIZER)) {
      this.mutate(t, '', name, 'kube-apiserver', (o) => {
        metaOf(o).finalizers = [...fins, CRD_FINALIZER];
      });
    }
    const want = establishedStatus(crd, timestamp(this.opts.now()), crd.status);
    if (!sameStatus(crd.status, want)) {
      this.mutate(t, '', name, 'kube-apiserver', (o) => {
        o.status = establishedStatus(o, timestamp(this.opts.now()), o.status);
      }, 'status');
    }
  }

  // ---- namespaces ------------------------------------------------------------------

  private reconcileNamespace(name: string): void {
    const nsType = this.typeFor(NS_STORAGE)!;
    const ns = this.api.read(nsType, '', name);
    if (!ns) return;
    if (!metaOf(ns).deletionTimestamp) {
      this.ensure('/serviceaccounts', name, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
      this.ensure('/configmaps', name, 'kube-root-ca.crt', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': this.opts.caCert },
      });
      return;
    }
    // Deleting: remove everything in it, then the namespace itself.
    let remaining = 0;
    for (const t of this.registry.storages()) {
      if (!t.namespaced || t.review) continue;
      for (const o of this.store.list(t.storage, name)) {
        remaining++;
        if (metaOf(o).deletionTimestamp) continue;
        try {
          this.api.delete(t, name, String(metaOf(o).name), { dryRun: false, propagationPolicy: 'Background' });
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
    }
    if (remaining > 0) {
      this.queue.later(`ns/${name}`, 50, () => this.reconcileNamespace(name));
      return;
    }
    const spec = isMap(ns.spec) ? ns.spec : {};
    const specFins = Array.isArray(spec.finalizers) ? spec.finalizers.map(String) : [];
    if (specFins.includes('kubernetes')) {
      this.mutate(nsType, '', name, 'kube-controller-manager', (o) => {
        o.spec = { ...(isMap(o.spec) ? o.spec : {}), finalizers: specFins.filter((f) => f !== 'kubernetes') };
      });
      return;
    }
    const fins = Array.isArray(metaOf(ns).finalizers) ? (metaOf(ns).finalizers as Value[]) : [];
    if (fins.length === 0) this.store.remove(NS_STORAGE, '', name);
  }

  private ensure(storage: string, namespace: string, name: string, obj: ValueMap): void {
    if (this.store.get(storage, namespace, name)) return;
    const t = this.typeFor(storage);
    if (!t) return;
    try {
      this.api.create(t, namespace, obj, this.writer('kube-controller-manager'));
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 409 || e.code === 403 || e.code === 404))) throw e;
    }
  }

  // ---- garbage collection ----------------------------------------------------------

  private collectDependents(ownerUid: string): void {
    const deps = this.dependents.get(ownerUid);
    if (!deps || deps.size === 0) return;
    for (const ref of [...deps.values()]) {
      const obj = this.store.get(ref.storage, ref.namespace, ref.name);
      if (!obj) continue;
      const t = this.typeFor(ref.storage);
      if (!t) continue;
      const owners = ownerUids(obj);
      const alive = owners.filter((u) => u !== ownerUid && this.uids.has(u));
      if (alive.length === 0) {
        if (metaOf(obj).deletionTimestamp) continue;
        this.api.delete(t, ref.namespace, ref.name, { dryRun: false, propagationPolicy: 'Background' });
      } else {
        this.mutate(t, ref.namespace, ref.name, 'kube-controller-manager', (o) => {
          const m = metaOf(o);
          m.ownerReferences = (Array.isArray(m.ownerReferences) ? m.ownerReferences : []).filter((r) => !(isMap(r) && r.uid === ownerUid));
        });
      }
    }
  }

  /** Foreground deletion waits for dependents; orphaning detaches them. */
  private finalizeOwner(storage: string, namespace: string, name: string, uid: string): void {
    const obj = this.store.get(storage, namespace, name);
    const t = this.typeFor(storage);
    if (!obj || !t || metaOf(obj).uid !== uid) return;
    const rawFins = metaOf(obj).finalizers;
    const fins: string[] = Array.isArray(rawFins) ? rawFins.map(String) : [];
    const deps = [...(this.dependents.get(uid)?.values() ?? [])].filter((r) => this.store.get(r.storage, r.namespace, r.name));
    if (fins.includes('orphan')) {
      for (const ref of deps) {
        const dt = this.typeFor(ref.storage);
        if (!dt) continue;
        this.mutate(dt, ref.namespace, ref.name, 'kube-controller-manager', (o) => {
          const m = metaOf(o);
          m.ownerReferences = (Array.isArray(m.ownerReferences) ? m.ownerReferences : []).filter((r) => !(isMap(r) && r.uid === uid));
          if ((m.ownerReferences as Value[]).length === 0) delete m.ownerReferences;
        });
      }
      this.mutate(t, namespace, name, 'kube-controller-manager', (o) => {
        metaOf(o).finalizers = fins.filter((f) => f !== 'orphan');
      });
      return;
    }
    if (fins.includes('foregroundDeletion')) {
      // Every dependent goes (foreground again, so grandchildren go first); only those whose
      // reference blocks owner deletion hold the owner back.
      let blocking = 0;
      for (const ref of deps) {
        const dt = this.typeFor(ref.storage);
        const d = this.store.get(ref.storage, ref.namespace, ref.name);
        if (!dt || !d) continue;
        if (ownerRefs(d).some((r) => r.uid === uid && r.blockOwnerDeletion === true)) blocking++;
        if (metaOf(d).deletionTimestamp) continue;
        this.api.delete(dt, ref.namespace, ref.name, { dryRun: false, propagationPolicy: 'Foreground' });
      }
      if (blocking > 0) {
        this.queue.later(`fin/${uid}`, 50, () => this.finalizeOwner(storage, namespace, name, uid));
        return;
      }
      this.mutate(t, namespace, name, 'kube-controller-manager', (o) => {
        metaOf(o).finalizers = fins.filter((f) => f !== 'foregroundDeletion');
      });
    }
  }

  /**
   * A dependent whose owners are all gone (no object has the uid it names) is deleted in
   * the background; references to gone owners are dropped while another owner lives.
   */
  private checkOwners(storage: string, namespace: string, name: string): void {
    const obj = this.store.get(storage, namespace, name);
    const t = this.typeFor(storage);
    if (!obj || !t || metaOf(obj).deletionTimestamp) return;
    const refs = ownerRefs(obj);
    if (refs.length === 0) return;
    const dangling = refs.filter((r) => !this.uids.has(String(r.uid ?? '')) && this.servesKind(String(r.apiVersion ?? ''), String(r.kind ?? '')));
    if (dangling.length === 0) return;
    if (dangling.length === refs.length) {
      this.api.delete(t, namespace, name, { dryRun: false, propagationPolicy: 'Background' });
      return;
    }
    const gone = new Set(dangling.map((r) => String(r.uid)));
    this.mutate(t, namespace, name, 'kube-controller-manager', (o) => {
      const m = metaOf(o);
      m.ownerReferences = ownerRefs(o).filter((r) => !gone.has(String(r.uid)));
    });
  }

  /** Whether the owner kind a reference names is one this server has (unknown kinds are left alone, as the collector leaves them). */
  private servesKind(apiVersion: string, kind: string): boolean {
    const i = apiVersion.lastIndexOf('/');
    const group = i < 0 ? '' : apiVersion.slice(0, i);
    const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    return this.registry.byKind(group, version, kind) !== undefined;
  }

  /** Read-modify-write through the API, retried on conflicts. */
  mutate(t: ResourceType, namespace: string, name: string, manager: string, fn: (o: ValueMap) => void, sub?: 'status'): ValueMap | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = this.api.read(t, namespace, name);
      if (!cur) return undefined;
      const next = structuredClone(cur);
      fn(next);
      try {
        return this.api.update(t, namespace, name, next, this.writer(manager), sub).body;
      } catch (e) {
        if (e instanceof StatusError && e.code === 409 && e.reason === 'Conflict') continue;
        throw e;
      }
    }
    return undefined;
  }

  /** The object as a type's version shows it (for callers holding a storage key). */
  view(t: ResourceType, obj: ValueMap): ValueMap {
    return fromStorage(t, obj);
  }
}

function ownerRefs(obj: ValueMap): ValueMap[] {
  const refs = metaOf(obj).ownerReferences;
  return Array.isArray(refs) ? refs.filter(isMap) : [];
}

function ownerUids(obj: ValueMap): string[] {
  const refs = metaOf(obj).ownerReferences;
  if (!Array.isArray(refs)) return [];
  return refs.filter(isMap).map((r) => String(r.uid ?? '')).filter((u) => u !== '');
}

function sameStatus(a: Value | undefined, b: ValueMap): boolean {
  if (!isMap(a)) return false;
  const norm = (s: ValueMap) => {
    const conds = Array.isArray(s.conditions) ? s.conditions.filter(isMap).map((c) => `${String(c.type)}=${String(c.status)}`).sort() : [];
    return JSON.stringify([conds, s.acceptedNames, s.storedVersions]);
  };
  return norm(a) === norm(b);
}

