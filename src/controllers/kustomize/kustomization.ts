/**
 * The Kustomization reconciler, in the order of Flux's spec: source, dependencies, artifact,
 * build (with Flux's generated kustomization and spec edits), post-build substitution,
 * validation and staged server-side apply, prune, health checks; then one status patch
 * (lastAttemptedRevision, lastAppliedRevision, inventory, conditions) and the events.
 */
import type { Kustomization } from '../../api/kustomize.js';
import { FLUX_FINALIZER, type Artifact } from '../../api/meta.js';
import type { KubeClient } from '../../kube/client.js';
import { isNotFound } from '../../kube/errors.js';
import type { KubeObject } from '../../kube/types.js';
import {
  beginReconcile,
  deleteCondition,
  done,
  formatDuration,
  getCondition,
  hasFinalizer,
  isFalse,
  markFalse,
  markStalled,
  markTrue,
  parseDuration,
  progressiveStatus,
  recordReconcileRequest,
  removeFinalizer,
  requeueAfter,
  requeueInterval,
  retryableError,
  setCondition,
  terminalError,
  type EventRecorder,
  type ObjectPatcher,
  type ReconcileContext,
  type Result,
  Reasons as MetaReasons,
} from '../../runtime/index.js';
import type { RemoteFetcher } from '../../kustomize/index.js';
import type { ValueMap } from '../../yaml/types.js';
import { setOwnerLabels, type Owner } from './annotations.js';
import { ApplyError, changeSetMessage, ResourceManager, type ChangeSetEntry } from './apply.js';
import { ArtifactError, type ArtifactWorkspace } from './artifact.js';
import { checkDependencies, type Lookup } from './dependencies.js';
import { applyCommonMetadata, buildFluxKustomization, type BuildSpec } from './generate.js';
import { HealthCheckError, waitForHealth, type HealthTarget } from './health.js';
import { inventoryOf, objMetadataId, objRefOf, staleObjects, type InventoryEntry } from './inventory.js';
import { mergeSubstituteVars, substituteObjects, type SubstituteSource } from './substitute.js';
import type { GroupKind } from './stages.js';

/** Flux's Kustomization condition reasons: the shared ones and its own. */
export const Reasons = {
  ...MetaReasons,
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  PruneFailed: 'PruneFailed',
  InvalidSpec: 'InvalidSpec',
  AccessDenied: 'AccessDenied',
} as const;

export interface KustomizationDeps {
  client: KubeClient;
  /** A client acting as the given service account (spec.serviceAccountName). */
  clientFor(serviceAccount: { namespace: string; name: string } | undefined): KubeClient;
  events: EventRecorder;
  patcher: ObjectPatcher;
  lookup: Lookup;
  /** A source from the cache (GitRepository); others are read from the API. */
  lookupSource(kind: string, namespace: string, name: string): KubeObject | undefined;
  workspace: ArtifactWorkspace;
  requeueDependencyMs: number;
  /** Remote bases are refused when absent (`--no-remote-bases`). */
  remote?: RemoteFetcher;
  noCrossNamespaceRefs?: boolean;
  defaultServiceAccount?: string;
  /** Undefined variables fail substitution (the StrictPostBuildSubstitutions gate). */
  strictSubstitute: boolean;
  customStageKinds?: GroupKind[];
}

/** Why a step failed, and what the runtime does about it. */
class StepError extends Error {
  constructor(
    message: string,
    readonly reason: string,
    /** stalling: no retry until the object changes; waiting: requeue quietly; generic: retry. */
    readonly kind: 'generic' | 'stalling' | 'waiting' = 'generic',
    readonly requeueAfterMs?: number,
  ) {
    super(message);
  }
}

interface Outcome {
  error?: StepError;
  revision?: string;
  changes: ChangeSetEntry[];
  startedAt: number;
}

const SOURCE_KINDS = new Set(['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact']);

function intervalOf(obj: Kustomization): number {
  return parseDuration(obj.spec.interval) ?? 600_000;
}

function retryIntervalOf(obj: Kustomization): number {
  return (obj.spec.retryInterval && parseDuration(obj.spec.retryInterval)) || intervalOf(obj);
}

/** Flux's default timeout is the interval. */
function timeoutOf(obj: Kustomization): number {
  return (obj.spec.timeout && parseDuration(obj.spec.timeout)) || intervalOf(obj);
}

function ownerOf(obj: Kustomization): Owner {
  return { name: obj.metadata.name, namespace: obj.metadata.namespace ?? 'default' };
}

export class KustomizationReconciler {
  constructor(private readonly deps: KustomizationDeps) {}

  async reconcile(obj: Kustomization, ctx: ReconcileContext): Promise<Result> {
    const { patcher } = this.deps;
    if (obj.metadata.deletionTimestamp) return this.finalize(obj, ctx);
    const original = await beginReconcile(obj, FLUX_FINALIZER, patcher, ctx.log);
    if (!original) return done();
    const outcome: Outcome = { changes: [], startedAt: Date.now() };
    try {
      await this.reconcileSteps(obj, outcome, ctx);
    } catch (e) {
      outcome.error = e instanceof StepError ? e : new StepError((e as Error).message, Reasons.ReconciliationFailed);
    }
    return this.finish(original, obj, outcome, ctx);
  }

  private async reconcileSteps(obj: Kustomization, out: Outcome, ctx: ReconcileContext): Promise<void> {
    obj.status ??= {};
    const generation = obj.metadata.generation ?? 0;
    const observed = obj.status.observedGeneration ?? -1;
    progressiveStatus(obj, false, Reasons.Progressing, generation !== observed ? `processing object: new generation ${observed} -> ${generation}` : 'reconciliation in progress');

    this.checkSpec(obj);
    const artifact = await this.resolveSource(obj);
    const verdict = checkDependencies(obj, this.deps.lookup, artifact.revision);
    if (!verdict.ready) {
      throw new StepError(verdict.message, Reasons.DependencyNotReady, 'waiting', this.deps.requeueDependencyMs);
    }
    out.revision = artifact.revision;
    obj.status.lastAttemptedRevision = artifact.revision;

    let workspace;
    try {
      workspace = await this.deps.workspace.acquire(artifact);
    } catch (e) {
      throw new StepError(e instanceof ArtifactError ? e.message : `failed to fetch artifact: ${(e as Error).message}`, Reasons.ArtifactFailed);
    }
    let objects: ValueMap[];
    try {
      objects = await this.build(obj, workspace.dir);
    } finally {
      workspace.release();
    }

    const client = this.deps.clientFor(this.serviceAccountOf(obj));
    const manager = new ResourceManager(client, ownerOf(obj));
    let changes: ChangeSetEntry[];
    try {
      objects = await manager.normalize(objects);
      changes = await manager.applyAllStaged(objects, {
        force: obj.spec.force ?? false,
        customStageKinds: this.deps.customStageKinds,
        stageTimeoutMs: timeoutOf(obj),
        signal: ctx.signal,
      });
    } catch (e) {
      throw new StepError(e instanceof ApplyError ? e.message : `apply failed: ${(e as Error).message}`, Reasons.ReconciliationFailed);
    }
    out.changes = changes;
    const skipped = new Set(changes.filter((c) => c.action === 'skipped').map((c) => objMetadataId(c.ref)));
    const applied = objects.filter((o) => !skipped.has(objMetadataId(objRefOf(o))));
    const previous: InventoryEntry[] = obj.status.inventory?.entries ?? [];
    const inventory = inventoryOf(applied, this.deps.customStageKinds);
    obj.status.inventory = { entries: inventory };

    if (obj.spec.prune) {
      const stale = staleObjects(previous, inventory, changes.filter((c) => c.action === 'skipped').map((c) => c.ref));
      if (stale.length) {
        try {
          out.changes = [...out.changes, ...(await manager.prune(stale, { signal: ctx.signal }))];
        } catch (e) {
          throw new StepError((e as Error).message, Reasons.PruneFailed);
        }
      }
    }
    const changeLog = changeSetMessage(out.changes);
    if (changeLog) {
      ctx.log.info({ revision: artifact.revision }, changeLog.replaceAll('\n', ', '));
      void this.deps.events.record(obj, 'info', Reasons.Progressing, changeLog, { 'kustomize.toolkit.fluxcd.io/revision': artifact.revision });
    }

    await this.checkHealth(obj, client, applied, ctx, manager);
    obj.status.lastAppliedRevision = artifact.revision;
  }

  /** What Fluxion cannot do yet stalls with a clear message rather than half-working. */
  private checkSpec(obj: Kustomization): void {
    if (obj.spec.decryption) throw new StepError(`spec.decryption (provider '${obj.spec.decryption.provider}') is not supported by Fluxion yet`, Reasons.InvalidSpec, 'stalling');
    if (obj.spec.kubeConfig) throw new StepError('spec.kubeConfig (remote clusters) is not supported by Fluxion yet', Reasons.InvalidSpec, 'stalling');
  }

  private serviceAccountOf(obj: Kustomization): { namespace: string; name: string } | undefined {
    const name = obj.spec.serviceAccountName || this.deps.defaultServiceAccount;
    return name ? { namespace: obj.metadata.namespace ?? 'default', name } : undefined;
  }

  /** The source's artifact; a missing source or artifact retries after retryInterval. */
  private async resolveSource(obj: Kustomization): Promise<Artifact> {
    const ref = obj.spec.sourceRef;
    const ns = ref.namespace || obj.metadata.namespace || 'default';
    if (!SOURCE_KINDS.has(ref.kind)) throw new StepError(`unsupported source kind '${ref.kind}'`, Reasons.InvalidSpec, 'stalling');
    if (this.deps.noCrossNamespaceRefs && ns !== obj.metadata.namespace) {
      throw new StepError(`cannot access ${ref.kind}/${ns}/${ref.name}, cross-namespace references have been blocked`, Reasons.AccessDenied, 'stalling');
    }
    let source = this.deps.lookupSource(ref.kind, ns, ref.name);
    if (!source && ref.kind !== 'GitRepository') {
      try {
        source = await this.deps.client.get({ apiVersion: ref.apiVersion || 'source.toolkit.fluxcd.io/v1', kind: ref.kind, namespace: ns }, ref.name);
      } catch (e) {
        if (!isNotFound(e)) throw new StepError(`unable to get source '${ref.kind}/${ns}/${ref.name}': ${(e as Error).message}`, Reasons.ArtifactFailed);
      }
    }
    if (!source) throw new StepError(`Source '${ref.kind}/${ns}/${ref.name}' not found`, Reasons.ArtifactFailed, 'waiting', retryIntervalOf(obj));
    const artifact = (source as { status?: { artifact?: Artifact } }).status?.artifact;
    if (!artifact) throw new StepError('Source is not ready, artifact not found', Reasons.ArtifactFailed, 'waiting', retryIntervalOf(obj));
    return artifact;
  }

  /** Build, substitute, owner labels, common metadata — every failure is BuildFailed. */
  private async build(obj: Kustomization, root: string): Promise<ValueMap[]> {
    let objects: ValueMap[];
    try {
      const result = buildFluxKustomization(root, obj.spec.path, obj.spec as BuildSpec, this.deps.remote ? { remote: this.deps.remote } : {});
      objects = result.objects;
    } catch (e) {
      // Paths inside the artifact are shown from its root, not the temporary directory.
      throw new StepError((e as Error).message.replaceAll(`${root}/`, '').replaceAll(root, '.'), Reasons.BuildFailed);
    }
    if (obj.spec.postBuild) {
      try {
        const vars = mergeSubstituteVars(obj.spec.postBuild.substitute, await this.substituteSources(obj));
        objects = substituteObjects(objects, vars, { strict: this.deps.strictSubstitute });
      } catch (e) {
        throw new StepError((e as Error).message, Reasons.BuildFailed);
      }
    }
    objects = setOwnerLabels(objects, ownerOf(obj));
    return applyCommonMetadata(objects, obj.spec.commonMetadata);
  }

  private async substituteSources(obj: Kustomization): Promise<SubstituteSource[]> {
    const ns = obj.metadata.namespace ?? 'default';
    return Promise.all(
      (obj.spec.postBuild?.substituteFrom ?? []).map(async (ref) => {
        let data: Record<string, string> | undefined;
        try {
          const o = await this.deps.client.get<KubeObject>({ apiVersion: 'v1', kind: ref.kind, namespace: ns }, ref.name);
          data = (o.data as Record<string, string> | undefined) ?? {};
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        return { kind: ref.kind, name: ref.name, optional: ref.optional, data };
      }),
    );
  }

  /** spec.wait checks every applied object; else spec.healthChecks. Sets Healthy. */
  private async checkHealth(obj: Kustomization, client: KubeClient, applied: ValueMap[], ctx: ReconcileContext, manager: ResourceManager): Promise<void> {
    const ns = obj.metadata.namespace ?? 'default';
    let targets: HealthTarget[];
    if (obj.spec.wait) {
      targets = applied.map((o) => {
        const meta = o.metadata as ValueMap;
        return { apiVersion: String(o.apiVersion), kind: String(o.kind), namespace: (meta.namespace as string | undefined) || undefined, name: String(meta.name) };
      });
    } else {
      targets = await Promise.all(
        (obj.spec.healthChecks ?? []).map(async (h) => ({ apiVersion: h.apiVersion || (await this.preferredVersion(client, h.kind)), kind: h.kind, namespace: h.namespace || ns, name: h.name })),
      );
    }
    if (targets.length === 0) {
      deleteCondition(obj, 'Healthy');
      return;
    }
    const started = Date.now();
    if (!getCondition(obj, 'Healthy') || isFalse(obj, 'Healthy')) setCondition(obj, { type: 'Healthy', status: 'Unknown', reason: Reasons.Progressing, message: 'running health checks' });
    try {
      // The first check reads what the apply already returned; later ones poll the server.
      const observed = (t: HealthTarget) => {
        const slash = t.apiVersion.lastIndexOf('/');
        return manager.observed({ group: slash < 0 ? '' : t.apiVersion.slice(0, slash), kind: t.kind, namespace: t.namespace ?? '', name: t.name });
      };
      await waitForHealth(client, targets, { timeoutMs: timeoutOf(obj), signal: ctx.signal, observed });
    } catch (e) {
      const message = e instanceof HealthCheckError ? `health check failed after ${formatDuration(Date.now() - started)}: ${e.message}` : `health check failed: ${(e as Error).message}`;
      markFalse(obj, 'Healthy', Reasons.HealthCheckFailed, message);
      throw new StepError(message, Reasons.HealthCheckFailed);
    }
    markTrue(obj, 'Healthy', Reasons.Succeeded, `Health check passed in ${formatDuration(Date.now() - started)}`);
  }

  /** The version discovery prefers for a kind named without apiVersion (Flux kinds first). */
  private async preferredVersion(client: KubeClient, kind: string): Promise<string> {
    for (const apiVersion of ['kustomize.toolkit.fluxcd.io/v1', 'helm.toolkit.fluxcd.io/v2', 'source.toolkit.fluxcd.io/v1', 'apps/v1', 'v1', 'batch/v1']) {
      try {
        await client.discovery.resolve(apiVersion, kind);
        return apiVersion;
      } catch {
        /* not this one */
      }
    }
    throw new StepError(`health check: no apiVersion given for kind '${kind}' and none of the known groups serves it`, Reasons.InvalidSpec, 'stalling');
  }

  /** One status patch, events and the next requeue. */
  private async finish(original: Kustomization, obj: Kustomization, out: Outcome, ctx: ReconcileContext): Promise<Result> {
    const { patcher, events } = this.deps;
    recordReconcileRequest(obj);
    let result: Result;
    const e = out.error;
    const revisionMeta: Record<string, string> = out.revision ? { 'kustomize.toolkit.fluxcd.io/revision': out.revision } : {};
    if (e) {
      markFalse(obj, 'Ready', e.reason, e.message);
      if (e.kind === 'stalling') {
        markStalled(obj, e.reason, e.message);
        obj.status!.observedGeneration = obj.metadata.generation;
        result = terminalError(e);
      } else {
        const reconciling = getCondition(obj, 'Reconciling');
        if (reconciling) setCondition(obj, { ...reconciling, reason: Reasons.ProgressingWithRetry });
        if (e.kind === 'waiting') {
          // Waiting on another object is not this object's failure: the generation is handled.
          obj.status!.observedGeneration = obj.metadata.generation;
          result = requeueAfter(e.requeueAfterMs ?? this.deps.requeueDependencyMs);
        } else {
          obj.status!.observedGeneration = obj.metadata.generation;
          result = requeueAfter(retryIntervalOf(obj));
        }
      }
    } else {
      deleteCondition(obj, 'Reconciling');
      deleteCondition(obj, 'Stalled');
      markTrue(obj, 'Ready', Reasons.ReconciliationSucceeded, `Applied revision: ${out.revision}`);
      obj.status!.observedGeneration = obj.metadata.generation;
      result = requeueInterval(intervalOf(obj));
    }
    const patched = await patcher.patchStatus(original, obj);
    if (patched) obj.metadata.resourceVersion = patched.metadata.resourceVersion;

    if (e) {
      const previous = getCondition(original, 'Ready');
      const repeated = previous?.status === 'False' && previous.reason === e.reason && previous.message === e.message;
      if (e.kind === 'waiting') ctx.log.info(e.message);
      else ctx.log.error({ reason: e.reason }, e.message);
      if (!repeated) void events.record(obj, e.kind === 'waiting' ? 'info' : 'error', e.reason, e.message, revisionMeta);
    } else {
      const recovered = getCondition(original, 'Ready')?.status !== 'True';
      const changed = out.changes.some((c) => c.action !== 'unchanged' && c.action !== 'skipped');
      // (The runtime logs the same line once the result is back; this one is the event's.)
      const message = `Reconciliation finished in ${formatDuration(Date.now() - out.startedAt)}, next run in ${formatDuration(intervalOf(obj))}`;
      if (recovered || changed) void events.record(obj, 'info', Reasons.ReconciliationSucceeded, message, revisionMeta);
    }
    return result;
  }

  /**
   * Deletion: garbage-collect the inventory as the deletion policy says (MirrorPrune: when
   * spec.prune; Delete; WaitForTermination: and wait for them to go; Orphan: keep), then
   * release the finalizer. A suspended Kustomization keeps its objects.
   */
  private async finalize(obj: Kustomization, ctx: ReconcileContext): Promise<Result> {
    if (!hasFinalizer(obj, FLUX_FINALIZER)) return done();
    const policy = obj.spec.deletionPolicy ?? 'MirrorPrune';
    const collect = !obj.spec.suspend && (policy === 'Delete' || policy === 'WaitForTermination' || (policy === 'MirrorPrune' && obj.spec.prune));
    const entries = obj.status?.inventory?.entries ?? [];
    if (collect && entries.length) {
      const client = this.deps.clientFor(this.serviceAccountOf(obj));
      const manager = new ResourceManager(client, ownerOf(obj));
      try {
        const stale = staleObjects(entries, []);
        const deleted = await manager.prune(stale, { signal: ctx.signal });
        if (policy === 'WaitForTermination') {
          await waitForHealthGone(client, stale, timeoutOf(obj));
        }
        const msg = changeSetMessage(deleted);
        if (msg) void this.deps.events.record(obj, 'info', Reasons.Succeeded, msg);
      } catch (e) {
        ctx.log.error({ error: (e as Error).message }, 'garbage collection of the inventory failed');
        void this.deps.events.record(obj, 'error', Reasons.PruneFailed, (e as Error).message);
        return retryableError(e as Error);
      }
    }
    removeFinalizer(obj, FLUX_FINALIZER);
    await this.deps.patcher.patchFinalizers(obj);
    return done();
  }
}

/** Waits until the deleted objects are gone (WaitForTermination). */
async function waitForHealthGone(client: KubeClient, refs: { group: string; version: string; kind: string; namespace: string; name: string }[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = refs;
  while (pending.length) {
    const alive = await Promise.all(
      pending.map((r) =>
        client.get({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, namespace: r.namespace || undefined }, r.name).then(
          () => true,
          (e) => !isNotFound(e),
        ),
      ),
    );
    pending = pending.filter((_, i) => alive[i]);
    if (!pending.length) return;
    if (Date.now() > deadline) throw new Error(`timeout waiting for the deletion of ${pending.map((r) => `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
