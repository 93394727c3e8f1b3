/**
 * Simulated workloads. No container runs here; instead the controllers and kubelet a real
 * cluster runs are imitated so that clients see what a healthy rollout looks like:
 * Deployments get a ReplicaSet per pod template and Pods, StatefulSets and DaemonSets get
 * Pods, Jobs complete, Pods turn Running and Ready shortly after they are created, and
 * PersistentVolumeClaims bind to a volume made for them. The annotation
 * `fluxion.dev/simulate: fail` on a workload (or its pod template, or a Pod) keeps its pods
 * from becoming ready, so the rollout stalls the way a bad image would.
 *
 * A WorkloadRunner plugged in by whoever starts the cluster is handed every Deployment it
 * recognises (Fluxion's own controllers, for instance) and runs it for real, in process;
 * the simulation still reports the Deployment's status.
 */
import { createHash } from 'node:crypto';
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { StatusError } from './errors.js';
import type { Registry, ResourceType } from './registry.js';
import { timestamp, type ResourceApi, type WriteOptions } from './rest.js';
import { metaOf, type Store, type StoreEvent } from './store.js';
import { WorkQueue } from './controllers.js';
import { valuesEqual } from './ssa.js';
import type { LogBuffer } from './podlogs.js';

export const SIMULATE_ANNOTATION = 'fluxion.dev/simulate';

/** A Deployment a runner has taken on. */
export interface RunningWorkload {
  /** The Deployment changed (new spec); the runner may restart what it runs. */
  update?(deployment: ValueMap): void | Promise<void>;
  /** The Deployment is gone or scaled to zero. */
  stop(): void | Promise<void>;
  /** What the workload writes, served as the log of the Deployment's pods. */
  logs?: LogBuffer;
}

export interface WorkloadRunner {
  /** Whether this runner runs the Deployment (by image, labels, …). */
  recognizes(deployment: ValueMap): boolean;
  /** Starts running it; a rejected promise shows as a failed rollout. */
  start(deployment: ValueMap): RunningWorkload | Promise<RunningWorkload>;
}

export interface WorkloadOptions {
  nodeName: string;
  now: () => Date;
  delayMs: number;
  runners: WorkloadRunner[];
}

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

function safeHash(v: Value, len = 10): string {
  const h = createHash('sha256').update(JSON.stringify(v)).digest();
  let s = '';
  for (let i = 0; i < len; i++) s += ALNUM[h[i]! % ALNUM.length];
  return s;
}

function rand(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return s;
}

function spec(o: ValueMap): ValueMap {
  return isMap(o.spec) ? o.spec : {};
}
function status(o: ValueMap): ValueMap {
  return isMap(o.status) ? o.status : {};
}
function annotations(o: Value | undefined): ValueMap {
  const m = isMap(o) && isMap(o.metadata) ? o.metadata : {};
  return isMap(m.annotations) ? m.annotations : {};
}
function failing(...objs: (Value | undefined)[]): boolean {
  return objs.some((o) => annotations(o)[SIMULATE_ANNOTATION] === 'fail');
}

function ownerRef(t: ResourceType, owner: ValueMap): ValueMap {
  return {
    apiVersion: t.group === '' ? t.version : `${t.group}/${t.version}`,
    kind: t.kind,
    name: String(metaOf(owner).name),
    uid: String(metaOf(owner).uid),
    controller: true,
    blockOwnerDeletion: true,
  };
}

function controllerUid(o: ValueMap): string | undefined {
  const refs = metaOf(o).ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  const c = refs.find((r) => isMap(r) && r.controller === true) as ValueMap | undefined;
  return c ? String(c.uid) : undefined;
}

function cond(type: string, st: string, reason: string, message: string, now: string, prev?: Value): ValueMap {
  const old = Array.isArray(prev) ? (prev.find((c) => isMap(c) && c.type === type) as ValueMap | undefined) : undefined;
  const same = old && old.status === st;
  const c: ValueMap = { type, status: st };
  if (type === 'Progressing' || type === 'Available' || type === 'ReplicaFailure') c.lastUpdateTime = same && old.reason === reason ? (old.lastUpdateTime ?? now) : now;
  c.lastTransitionTime = same ? (old.lastTransitionTime ?? now) : now;
  c.reason = reason;
  c.message = message;
  return c;
}

export class Workloads {
  private readonly queue = new WorkQueue();
  private unsubscribe: (() => void) | undefined;
  private podIp = 2;
  private readonly running = new Map<string, { runner: WorkloadRunner; workload: Promise<RunningWorkload>; generation: Value | undefined; started?: RunningWorkload }>();
  private readonly failedRunners = new Set<string>();
  /** Controller uid → the ReplicaSets and Pods it controls (storage, namespace, name), so that owned() reads a few objects, not the namespace. */
  private readonly controlled = new Map<string, Map<string, { storage: string; namespace: string; name: string }>>();

  constructor(
    private readonly registry: Registry,
    private readonly store: Store,
    private readonly api: ResourceApi,
    private readonly opts: WorkloadOptions,
  ) {}

  private type(group: string, plural: string): ResourceType {
    return this.registry.lookup(group, 'v1', plural)!;
  }

  private now(): string {
    return timestamp(this.opts.now());
  }

  private writer(manager: string): WriteOptions {
    return { dryRun: false, fieldManager: manager, fieldValidation: 'Ignore', force: false };
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((e) => this.onEvent(e));
    for (const s of ['apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs', '/pods', '/persistentvolumeclaims']) {
      for (const o of this.store.list(s)) this.onEvent({ rv: 0, type: 'ADDED', storage: s, namespace: String(metaOf(o).namespace ?? ''), name: String(metaOf(o).name), object: o });
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
    for (const r of this.running.values()) void r.workload.then((w) => w.stop()).catch(() => undefined);
    this.running.clear();
  }

  private key(kind: string, ns: string, name: string): string {
    return `${kind}/${ns}/${name}`;
  }

  private indexControlled(e: StoreEvent): void {
    if (e.storage !== 'apps/replicasets' && e.storage !== '/pods') return;
    const key = `${e.storage}|${e.namespace}|${e.name}`;
    const before = e.prev ? controllerUid(e.prev) : undefined;
    const after = e.type === 'DELETED' ? undefined : controllerUid(e.object);
    if (before !== undefined && before !== after) {
      const m = this.controlled.get(before);
      m?.delete(key);
      if (m?.size === 0) this.controlled.delete(before);
    }
    if (after !== undefined) {
      let m = this.controlled.get(after);
      if (!m) this.controlled.set(after, (m = new Map()));
      m.set(key, { storage: e.storage, namespace: e.namespace, name: e.name });
    }
  }

  private onEvent(e: StoreEvent): void {
    this.indexControlled(e);
    const ns = e.namespace;
    switch (e.storage) {
      case 'apps/deployments':
        this.queue.add(this.key('deploy', ns, e.name), () => this.deployment(ns, e.name));
        break;
      case 'apps/replicasets':
        this.queue.add(this.key('rs', ns, e.name), () => this.replicaSet(ns, e.name));
        this.queueOwner(e.object, ns);
        break;
      case 'apps/statefulsets':
        this.queue.add(this.key('sts', ns, e.name), () => this.statefulSet(ns, e.name));
        break;
      case 'apps/daemonsets':
        this.queue.add(this.key('ds', ns, e.name), () => this.daemonSet(ns, e.name));
        break;
      case 'batch/jobs':
        this.queue.add(this.key('job', ns, e.name), () => this.job(ns, e.name));
        break;
      case '/pods':
        if (e.type !== 'DELETED') this.queue.later(this.key('pod', ns, e.name), this.opts.delayMs, () => this.pod(ns, e.name));
        this.queueOwner(e.object, ns);
        break;
      case '/persistentvolumeclaims':
        if (e.type !== 'DELETED') this.queue.later(this.key('pvc', ns, e.name), this.opts.delayMs, () => this.pvc(ns, e.name));
        break;
    }
  }

  /** Re-examines the controller of an object (pod → its ReplicaSet, ReplicaSet → its Deployment…). */
  private queueOwner(obj: ValueMap, ns: string): void {
    const refs = metaOf(obj).ownerReferences;
    if (!Array.isArray(refs)) return;
    for (const r of refs) {
      if (!isMap(r) || r.controller !== true) continue;
      const name = String(r.name);
      switch (r.kind) {
        case 'ReplicaSet':
          this.queue.add(this.key('rs', ns, name), () => this.replicaSet(ns, name));
          break;
        case 'Deployment':
          this.queue.add(this.key('deploy', ns, name), () => this.deployment(ns, name));
          break;
        case 'StatefulSet':
          this.queue.add(this.key('sts', ns, name), () => this.statefulSet(ns, name));
          break;
        case 'DaemonSet':
          this.queue.add(this.key('ds', ns, name), () => this.daemonSet(ns, name));
          break;
        case 'Job':
          this.queue.add(this.key('job', ns, name), () => this.job(ns, name));
          break;
      }
    }
  }

  /** The live objects of `storage` in `ns` that `uid` controls, in list (name) order. */
  private owned(storage: string, ns: string, uid: string): ValueMap[] {
    const out: ValueMap[] = [];
    for (const r of this.controlled.get(uid)?.values() ?? []) {
      if (r.storage !== storage || r.namespace !== ns) continue;
      const o = this.store.get(storage, ns, r.name);
      if (o && controllerUid(o) === uid && !metaOf(o).deletionTimestamp) out.push(o);
    }
    return out.sort((a, b) => (String(metaOf(a).name) < String(metaOf(b).name) ? -1 : 1));
  }

  private create(t: ResourceType, ns: string, obj: ValueMap, manager = 'kube-controller-manager'): void {
    try {
      this.api.create(t, ns, obj, this.writer(manager));
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 409 || e.code === 403 || e.code === 404))) throw e;
    }
  }

  private setStatus(t: ResourceType, ns: string, name: string, st: ValueMap, manager = 'kube-controller-manager'): void {
    const cur = this.api.read(t, ns, name);
    if (!cur || valuesEqual(cur.status, st)) return;
    try {
      this.api.update(t, ns, name, { ...cur, status: st }, this.writer(manager), 'status');
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) {
        this.queue.later(`retry/${t.plural}/${ns}/${name}`, 20, () => this.setStatus(t, ns, name, st, manager));
        return;
      }
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }

  private podTemplateObject(template: ValueMap, name: string, ns: string, owner: ValueMap, extraLabels: ValueMap): ValueMap {
    const tm = isMap(template.metadata) ? template.metadata : {};
    const labels = { ...(isMap(tm.labels) ? tm.labels : {}), ...extraLabels };
    const meta: ValueMap = { name, namespace: ns, labels, ownerReferences: [owner] };
    if (isMap(tm.annotations)) meta.annotations = tm.annotations;
    return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: { ...(isMap(template.spec) ? template.spec : {}), nodeName: this.opts.nodeName } };
  }

  // ---- Deployments -------------------------------------------------------------

  private deployment(ns: string, name: string): void {
    const dt = this.type('apps', 'deployments');
    const d = this.api.read(dt, ns, name);
    const runKey = `${ns}/${name}`;
    if (!d || metaOf(d).deletionTimestamp) {
      this.stopRunner(runKey);
      return;
    }
    const s = spec(d);
    const replicas = typeof s.replicas === 'number' ? s.replicas : 1;
    const template = isMap(s.template) ? s.template : {};
    const hash = safeHash(template);
    const rsType = this.type('apps', 'replicasets');
    const uid = String(metaOf(d).uid);
    const sets = this.owned('apps/replicasets', ns, uid);
    let current = sets.find((r) => (isMap(metaOf(r).labels) ? (metaOf(r).labels as ValueMap)['pod-template-hash'] : undefined) === hash);
    const revisions = sets.map((r) => Number(annotations(r)['deployment.kubernetes.io/revision'] ?? 0));
    const maxRevision = revisions.length ? Math.max(...revisions) : 0;
    if (!current) {
      const rsName = `${name}-${hash}`;
      const tm = isMap(template.metadata) ? template.metadata : {};
      const labels = { ...(isMap(tm.labels) ? tm.labels : {}), 'pod-template-hash': hash };
      const sel = isMap(s.selector) ? s.selector : {};
      const selector: ValueMap = { ...sel, matchLabels: { ...(isMap(sel.matchLabels) ? sel.matchLabels : {}), 'pod-template-hash': hash } };
      this.create(rsType, ns, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace: ns,
          labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(replicas),
            'deployment.kubernetes.io/max-replicas': String(replicas + 1),
            'deployment.kubernetes.io/revision': String(maxRevision + 1),
          },
          ownerReferences: [ownerRef(dt, d)],
        },
        spec: { replicas, selector, template: { ...template, metadata: { ...tm, labels } } },
      });
      return; // the new ReplicaSet's event brings us back
    }
    // Scale the current set, retire the others.
    const curReplicas = spec(current).replicas;
    if (curReplicas !== replicas || annotations(current)['deployment.kubernetes.io/desired-replicas'] !== String(replicas)) {
      const c = structuredClone(current);
      spec(c).replicas = replicas;
      (metaOf(c).annotations as ValueMap)['deployment.kubernetes.io/desired-replicas'] = String(replicas);
      (metaOf(c).annotations as ValueMap)['deployment.kubernetes.io/max-replicas'] = String(replicas + 1);
      this.tryUpdate(rsType, ns, c);
    }
    const limit = typeof s.revisionHistoryLimit === 'number' ? s.revisionHistoryLimit : 10;
    const old = sets.filter((r) => r !== current).sort((a, b) => Number(annotations(a)['deployment.kubernetes.io/revision'] ?? 0) - Number(annotations(b)['deployment.kubernetes.io/revision'] ?? 0));
    for (const r of old) {
      if (spec(r).replicas !== 0) {
        const c = structuredClone(r);
        spec(c).replicas = 0;
        this.tryUpdate(rsType, ns, c);
      }
    }
    for (const r of old.slice(0, Math.max(0, old.length - limit))) {
      if (status(r).replicas === 0 || status(r).replicas === undefined) this.tryDelete(rsType, ns, String(metaOf(r).name));
    }
    // Runner: hand recognised Deployments over.
    this.runWorkload(runKey, d, replicas);
    const cs = status(current);
    // A Deployment whose runner failed has nothing running, whatever its pods say.
    const runnerFailed = this.failedRunners.has(runKey);
    const ready = runnerFailed ? 0 : num(cs.readyReplicas);
    const available = runnerFailed ? 0 : num(cs.availableReplicas);
    const total = sets.reduce((n, r) => n + num(status(r).replicas), 0);
    const updated = num(cs.replicas);
    const now = this.now();
    const prev = status(d).conditions;
    const fail = failing(d, template) || runnerFailed;
    const created = Date.parse(String(metaOf(current).creationTimestamp ?? now));
    const stalledFor = this.opts.now().getTime() - created;
    const deadline = Math.min((typeof s.progressDeadlineSeconds === 'number' ? s.progressDeadlineSeconds : 600) * 1000, Math.max(this.opts.delayMs * 4, 1000));
    const complete = updated === replicas && ready === replicas && available === replicas && total === replicas;
    const conditions: ValueMap[] = [];
    conditions.push(available >= replicas - Math.floor(replicas / 4) && available > 0 || replicas === 0 ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now, prev) : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now, prev));
    if (complete) {
      conditions.push(cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${String(metaOf(current).name)}" has successfully progressed.`, now, prev));
    } else if (fail && stalledFor >= deadline) {
      conditions.push(cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${String(metaOf(current).name)}" has timed out progressing.`, now, prev));
    } else {
      conditions.push(cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${String(metaOf(current).name)}" is progressing.`, now, prev));
      if (fail) this.queue.later(this.key('deploy', ns, name), deadline - stalledFor + 10, () => this.deployment(ns, name));
    }
    const st: ValueMap = { observedGeneration: metaOf(d).generation ?? 1, replicas: total, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available };
    if (total - available > 0) st.unavailableReplicas = total - available;
    if (ready === 0) delete st.readyReplicas;
    if (available === 0) delete st.availableReplicas;
    if (updated === 0) delete st.updatedReplicas;
    if (total === 0) delete st.replicas;
    st.conditions = conditions;
    this.setStatus(dt, ns, name, st);
  }

  private runWorkload(key: string, d: ValueMap, replicas: number): void {
    const runner = this.opts.runners.find((r) => {
      try {
        return r.recognizes(d);
      } catch {
        return false;
      }
    });
    const existing = this.running.get(key);
    if (!runner || replicas === 0) {
      if (existing) this.stopRunner(key);
      return;
    }
    if (existing) {
      if (existing.generation !== metaOf(d).generation) {
        existing.generation = metaOf(d).generation;
        void existing.workload.then((w) => w.update?.(d)).catch(() => undefined);
      }
      return;
    }
    const workload = Promise.resolve().then(() => runner.start(d));
    const entry: { runner: WorkloadRunner; workload: Promise<RunningWorkload>; generation: Value | undefined; started?: RunningWorkload } = { runner, workload, generation: metaOf(d).generation };
    this.running.set(key, entry);
    workload.then(
      (w) => {
        entry.started = w;
        this.failedRunners.delete(key);
      },
      (e) => {
        process.stderr.write(`fluxion cluster: runner for Deployment ${key} failed: ${(e as Error)?.message ?? String(e)}\n`);
        this.failedRunners.add(key);
        const [ns, name] = key.split('/') as [string, string];
        this.queue.add(this.key('deploy', ns, name), () => this.deployment(ns, name));
      },
    );
  }

  /** The log buffer of the runner behind a pod (pod → ReplicaSet → Deployment), if any. */
  logsOf(pod: ValueMap): LogBuffer | undefined {
    const ns = String(metaOf(pod).namespace ?? '');
    let cur: ValueMap | undefined = pod;
    for (let depth = 0; cur && depth < 3; depth++) {
      const refs = metaOf(cur).ownerReferences;
      const ref = Array.isArray(refs) ? (refs.find((r) => isMap(r) && r.controller === true) as ValueMap | undefined) : undefined;
      if (!ref) return undefined;
      if (ref.kind === 'Deployment') return this.running.get(`${ns}/${String(ref.name)}`)?.started?.logs;
      if (ref.kind !== 'ReplicaSet') return undefined;
      cur = this.store.get('apps/replicasets', ns, String(ref.name));
    }
    return undefined;
  }

  private stopRunner(key: string): void {
    const r = this.running.get(key);
    if (!r) return;
    this.running.delete(key);
    this.failedRunners.delete(key);
    void r.workload.then((w) => w.stop()).catch(() => undefined);
  }

  private tryUpdate(t: ResourceType, ns: string, obj: ValueMap, manager = 'kube-controller-manager'): void {
    try {
      this.api.update(t, ns, String(metaOf(obj).name), obj, this.writer(manager));
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 409 || e.code === 404))) throw e;
      this.queueOwner(obj, ns);
    }
  }

  private tryDelete(t: ResourceType, ns: string, name: string): void {
    try {
      this.api.delete(t, ns, name, { dryRun: false, propagationPolicy: 'Background' });
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }

  // ---- ReplicaSets -------------------------------------------------------------

  private replicaSet(ns: string, name: string): void {
    const rt = this.type('apps', 'replicasets');
    const rs = this.api.read(rt, ns, name);
    if (!rs || metaOf(rs).deletionTimestamp) return;
    const s = spec(rs);
    const want = typeof s.replicas === 'number' ? s.replicas : 1;
    const pods = this.owned('/pods', ns, String(metaOf(rs).uid));
    const podType = this.type('', 'pods');
    const template = isMap(s.template) ? s.template : {};
    for (let i = pods.length; i < want; i++) {
      this.create(podType, ns, this.podTemplateObject(template, `${name}-${rand()}`, ns, ownerRef(rt, rs), {}));
    }
    for (const p of pods.slice(want)) this.tryDelete(podType, ns, String(metaOf(p).name));
    const live = pods.slice(0, want);
    const ready = live.filter(podReady).length;
    const st: ValueMap = { replicas: live.length, fullyLabeledReplicas: live.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: metaOf(rs).generation ?? 1 };
    if (ready === 0) {
      delete st.readyReplicas;
      delete st.availableReplicas;
    }
    if (live.length === 0) delete st.fullyLabeledReplicas;
    this.setStatus(rt, ns, name, st);
  }

  // ---- StatefulSets ------------------------------------------------------------------

  private statefulSet(ns: string, name: string): void {
    const t = this.type('apps', 'statefulsets');
    const sts = this.api.read(t, ns, name);
    if (!sts || metaOf(sts).deletionTimestamp) return;
    const s = spec(sts);
    const want = typeof s.replicas === 'number' ? s.replicas : 1;
    const template = isMap(s.template) ? s.template : {};
    const revision = `${name}-${safeHash(template)}`;
    const podType = this.type('', 'pods');
    const pvcType = this.type('', 'persistentvolumeclaims');
    const pods = this.owned('/pods', ns, String(metaOf(sts).uid));
    for (let i = 0; i < want; i++) {
      const podName = `${name}-${i}`;
      const existing = pods.find((p) => metaOf(p).name === podName);
      const tplLabels = isMap(template.metadata) && isMap(template.metadata.labels) ? template.metadata.labels : {};
      if (existing) {
        const labels = isMap(metaOf(existing).labels) ? (metaOf(existing).labels as ValueMap) : {};
        if (labels['controller-revision-hash'] !== revision) this.tryDelete(podType, ns, podName);
        continue;
      }
      if (Array.isArray(s.volumeClaimTemplates)) {
        for (const vct of s.volumeClaimTemplates) {
          if (!isMap(vct)) continue;
          const claim = `${String(metaOf(vct).name)}-${podName}`;
          this.create(pvcType, ns, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: ns, labels: tplLabels }, spec: spec(vct) });
        }
      }
      const pod = this.podTemplateObject(template, podName, ns, ownerRef(t, sts), { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(i) });
      spec(pod).hostname = podName;
      if (typeof s.serviceName === 'string') spec(pod).subdomain = s.serviceName;
      this.create(podType, ns, pod);
    }
    for (const p of pods) {
      const idx = Number(String(metaOf(p).name).slice(name.length + 1));
      if (!(idx < want)) this.tryDelete(podType, ns, String(metaOf(p).name));
    }
    const live = pods.filter((p) => Number(String(metaOf(p).name).slice(name.length + 1)) < want);
    const ready = live.filter(podReady).length;
    const updated = live.filter((p) => isMap(metaOf(p).labels) && (metaOf(p).labels as ValueMap)['controller-revision-hash'] === revision).length;
    this.setStatus(t, ns, name, {
      observedGeneration: metaOf(sts).generation ?? 1,
      replicas: live.length,
      readyReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  }

  // ---- DaemonSets ----------------------------------------------------------------------

  private daemonSet(ns: string, name: string): void {
    const t = this.type('apps', 'daemonsets');
    const ds = this.api.read(t, ns, name);
    if (!ds || metaOf(ds).deletionTimestamp) return;
    const s = spec(ds);
    const template = isMap(s.template) ? s.template : {};
    const hash = safeHash(template);
    const podType = this.type('', 'pods');
    const pods = this.owned('/pods', ns, String(metaOf(ds).uid));
    const current = pods.filter((p) => isMap(metaOf(p).labels) && (metaOf(p).labels as ValueMap)['controller-revision-hash'] === hash);
    for (const p of pods) if (!current.includes(p)) this.tryDelete(podType, ns, String(metaOf(p).name));
    if (current.length === 0) {
      this.create(podType, ns, this.podTemplateObject(template, `${name}-${rand()}`, ns, ownerRef(t, ds), { 'controller-revision-hash': hash, 'pod-template-generation': String(metaOf(ds).generation ?? 1) }));
    }
    const ready = current.filter(podReady).length;
    const st: ValueMap = {
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: ready,
      observedGeneration: metaOf(ds).generation ?? 1,
      updatedNumberScheduled: current.length > 0 ? 1 : 0,
      numberAvailable: ready,
    };
    if (ready === 0) {
      delete st.numberAvailable;
      st.numberUnavailable = 1;
    }
    this.setStatus(t, ns, name, st);
  }

  // ---- Jobs ----------------------------------------------------------------------------------

  private job(ns: string, name: string): void {
    const t = this.type('batch', 'jobs');
    const job = this.api.read(t, ns, name);
    if (!job || metaOf(job).deletionTimestamp) return;
    const s = spec(job);
    if (s.suspend === true) return;
    const st = status(job);
    const conds = Array.isArray(st.conditions) ? st.conditions : [];
    if (conds.some((c) => isMap(c) && (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return;
    const template = isMap(s.template) ? s.template : {};
    const podType = this.type('', 'pods');
    const pods = this.owned('/pods', ns, String(metaOf(job).uid));
    const uid = String(metaOf(job).uid);
    if (pods.length === 0 && !st.startTime) {
      this.create(podType, ns, this.podTemplateObject(template, `${name}-${rand()}`, ns, ownerRef(t, job), { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name }));
      this.setStatus(t, ns, name, { startTime: this.now(), active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
      return;
    }
    const done = pods.filter((p) => status(p).phase === 'Succeeded').length;
    let failed = pods.filter((p) => status(p).phase === 'Failed').length;
    const now = this.now();
    if (failing(job, template) && failed === 0) {
      // A marked Job's pod never starts; after the simulated back-off the Job fails.
      const started = Date.parse(String(st.startTime ?? now));
      const backoff = Math.max(this.opts.delayMs * 4, 1000);
      const waited = this.opts.now().getTime() - started;
      if (waited < backoff) {
        this.queue.later(this.key('job', ns, name), backoff - waited + 10, () => this.job(ns, name));
        return;
      }
      failed = 1;
    }
    const completions = typeof s.completions === 'number' ? s.completions : 1;
    if (done >= completions) {
      this.setStatus(t, ns, name, {
        startTime: st.startTime ?? now,
        completionTime: now,
        succeeded: done,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [cond('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now), cond('Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now)],
      });
    } else if (failed > 0) {
      this.setStatus(t, ns, name, {
        startTime: st.startTime ?? now,
        failed,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [cond('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now), cond('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now)],
      });
    }
  }

  // ---- Pods ("kubelet") -------------------------------------------------------------------

  private ownerChainFails(pod: ValueMap, ns: string): boolean {
    let cur: ValueMap | undefined = pod;
    for (let depth = 0; cur && depth < 4; depth++) {
      if (failing(cur)) return true;
      const refs: Value | undefined = metaOf(cur).ownerReferences;
      const ref: ValueMap | undefined = Array.isArray(refs) ? (refs.find((r) => isMap(r) && r.controller === true) as ValueMap | undefined) : undefined;
      if (!ref) return false;
      const storage: string = ref.kind === 'ReplicaSet' ? 'apps/replicasets' : ref.kind === 'Deployment' ? 'apps/deployments' : ref.kind === 'StatefulSet' ? 'apps/statefulsets' : ref.kind === 'DaemonSet' ? 'apps/daemonsets' : ref.kind === 'Job' ? 'batch/jobs' : '';
      cur = storage ? this.store.get(storage, ns, String(ref.name)) : undefined;
      if (cur && isMap(cur.spec) && isMap(cur.spec.template) && failing(cur.spec.template)) return true;
    }
    return false;
  }

  private pod(ns: string, name: string): void {
    const t = this.type('', 'pods');
    const pod = this.api.read(t, ns, name);
    if (!pod || metaOf(pod).deletionTimestamp) return;
    if (typeof spec(pod).nodeName !== 'string' || spec(pod).nodeName === '') {
      // The scheduler binds a pod nobody placed to the one node; the change brings us back.
      const bound = structuredClone(pod);
      spec(bound).nodeName = this.opts.nodeName;
      this.tryUpdate(t, ns, bound, 'kube-scheduler');
      return;
    }
    const st = status(pod);
    if (st.phase === 'Running' || st.phase === 'Succeeded' || st.phase === 'Failed') return;
    if (st.phase === 'Pending' && Array.isArray(st.containerStatuses)) return;
    const now = this.now();
    const rawContainers = spec(pod).containers;
    const containers: ValueMap[] = Array.isArray(rawContainers) ? rawContainers.filter(isMap) : [];
    const refs = metaOf(pod).ownerReferences;
    const isJob = Array.isArray(refs) && refs.some((r) => isMap(r) && r.kind === 'Job');
    const ip = `10.244.0.${(this.podIp++ % 250) + 2}`;
    const base: ValueMap = { hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], podIP: ip, podIPs: [{ ip }], qosClass: 'BestEffort', startTime: now };
    if (this.ownerChainFails(pod, ns)) {
      this.setStatus(t, ns, name, {
        ...base,
        phase: 'Pending',
        conditions: [cond('PodScheduled', 'True', '', '', now), cond('Initialized', 'True', '', '', now), cond('Ready', 'False', 'ContainersNotReady', `containers with unready status: [${containers.map((c) => String(c.name)).join(' ')}]`, now), cond('ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${containers.map((c) => String(c.name)).join(' ')}]`, now)].map(dropEmpty),
        containerStatuses: containers.map((c) => ({ name: c.name!, image: c.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${String(c.image ?? '')}" (simulated failure: ${SIMULATE_ANNOTATION}=fail)` } } })),
      }, 'kubelet');
      return;
    }
    if (isJob) {
      this.setStatus(t, ns, name, {
        ...base,
        phase: 'Succeeded',
        conditions: [cond('PodScheduled', 'True', '', '', now), cond('Initialized', 'True', '', '', now), cond('Ready', 'False', 'PodCompleted', '', now), cond('ContainersReady', 'False', 'PodCompleted', '', now)].map(dropEmpty),
        containerStatuses: containers.map((c) => ({ name: c.name!, image: c.image ?? '', imageID: `simulated://${String(c.image ?? '')}`, containerID: `fluxion://${rand(12)}`, ready: false, restartCount: 0, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } } })),
      }, 'kubelet');
      return;
    }
    this.setStatus(t, ns, name, {
      ...base,
      phase: 'Running',
      conditions: [cond('PodReadyToStartContainers', 'True', '', '', now), cond('Initialized', 'True', '', '', now), cond('Ready', 'True', '', '', now), cond('ContainersReady', 'True', '', '', now), cond('PodScheduled', 'True', '', '', now)].map(dropEmpty),
      containerStatuses: containers.map((c) => ({ name: c.name!, image: c.image ?? '', imageID: `simulated://${String(c.image ?? '')}`, containerID: `fluxion://${rand(12)}`, ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
    }, 'kubelet');
  }

  // ---- PersistentVolumeClaims ------------------------------------------------------------

  private pvc(ns: string, name: string): void {
    const t = this.type('', 'persistentvolumeclaims');
    const pvc = this.api.read(t, ns, name);
    if (!pvc || metaOf(pvc).deletionTimestamp || status(pvc).phase === 'Bound') return;
    const s = spec(pvc);
    const pvName = typeof s.volumeName === 'string' && s.volumeName !== '' ? s.volumeName : `pvc-${String(metaOf(pvc).uid)}`;
    const resources = isMap(s.resources) ? s.resources : {};
    const storage = isMap(resources.requests) && resources.requests.storage !== undefined ? resources.requests.storage : '1Gi';
    const accessModes = Array.isArray(s.accessModes) ? s.accessModes : ['ReadWriteOnce'];
    const pvType = this.type('', 'persistentvolumes');
    const storageClassName = typeof s.storageClassName === 'string' ? s.storageClassName : 'standard';
    this.create(pvType, '', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': 'fluxion.dev/simulated' } },
      spec: {
        capacity: { storage },
        accessModes,
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName,
        hostPath: { path: `/tmp/fluxion-simulated/${pvName}`, type: '' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name, uid: String(metaOf(pvc).uid), resourceVersion: String(metaOf(pvc).resourceVersion) },
      },
    });
    this.setStatus(pvType, '', pvName, { phase: 'Bound' });
    if (s.volumeName !== pvName || s.storageClassName === undefined) {
      const c = structuredClone(pvc);
      spec(c).volumeName = pvName;
      if (spec(c).storageClassName === undefined) spec(c).storageClassName = storageClassName;
      const ann = isMap(metaOf(c).annotations) ? (metaOf(c).annotations as ValueMap) : (metaOf(c).annotations = {});
      ann['pv.kubernetes.io/bind-completed'] = 'yes';
      ann['pv.kubernetes.io/bound-by-controller'] = 'yes';
      try {
        this.api.update(t, ns, name, c, this.writer('kube-controller-manager'));
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        this.queue.later(this.key('pvc', ns, name), 50, () => this.pvc(ns, name));
        return;
      }
    }
    this.setStatus(t, ns, name, { phase: 'Bound', accessModes, capacity: { storage } });
  }
}

function num(v: Value | undefined): number {
  return typeof v === 'number' ? v : 0;
}

function podReady(p: ValueMap): boolean {
  const conds = status(p).conditions;
  return Array.isArray(conds) && conds.some((c) => isMap(c) && c.type === 'Ready' && c.status === 'True');
}

function dropEmpty(c: ValueMap): ValueMap {
  const out: ValueMap = {};
  for (const [k, v] of Object.entries(c)) if (v !== '' && k !== 'lastUpdateTime') out[k] = v;
  return out;
}
