/**
 * The GitRepository reconciler, in the order of Flux's spec: storage, source (credentials,
 * includes, checkout — skipped when the remote still points at the stored revision),
 * includes, artifact; then one status patch with the summarized conditions, and events.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import type { Artifact } from '../../api/meta.js';
import { SOURCE_FINALIZER, type GitRepository, type GitRepositoryInclude } from '../../api/source.js';
import { absoluteRevisionOf, checkout, GitError, GitTimeoutError, resolveReference, revisionOf, scrub, shortMessage, type Commit } from '../../git/index.js';
import type { KubeClient } from '../../kube/client.js';
import { isNotFound } from '../../kube/errors.js';
import {
  beginReconcile,
  deleteCondition,
  done,
  getCondition,
  hasFinalizer,
  isTrue,
  kubeTime,
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
  setSummary,
  terminalError,
  type EventRecorder,
  type ObjectPatcher,
  type ReconcileContext,
  type Result,
} from '../../runtime/index.js';
import { AuthConfigError, gitAuthFromSecret, type GitAuthOptions } from './git-auth.js';
import { sourceIgnoreMatcher } from './sourceignore.js';
import type { ArchiveEntryFilter } from './archive.js';
import { StorageError, type Storage } from './storage.js';
import { untarFile } from './untar.js';
import { archiveKey, type ArchiveCache } from './artifact-cache.js';

export const Conditions = {
  ArtifactInStorage: 'ArtifactInStorage',
  ArtifactOutdated: 'ArtifactOutdated',
  FetchFailed: 'FetchFailed',
  IncludeUnavailable: 'IncludeUnavailable',
  StorageOperationFailed: 'StorageOperationFailed',
  SourceVerified: 'SourceVerified',
} as const;

const READY_SUMMARY = {
  target: 'Ready',
  from: ['StorageOperationFailed', 'FetchFailed', 'IncludeUnavailable', 'ArtifactOutdated', 'ArtifactInStorage', 'SourceVerified', 'Stalled', 'Reconciling'],
  negativePolarity: ['StorageOperationFailed', 'FetchFailed', 'IncludeUnavailable', 'ArtifactOutdated', 'Stalled', 'Reconciling'],
};
const FAILURE_CONDITIONS = ['FetchFailed', 'IncludeUnavailable', 'StorageOperationFailed'];

export interface GitRepositoryDeps {
  client: KubeClient;
  storage: Storage;
  events: EventRecorder;
  patcher: ObjectPatcher;
  /** Another GitRepository of the cache (includes). */
  lookup(namespace: string, name: string): GitRepository | undefined;
  requeueDependencyMs: number;
  /** Protocols git may use (tests widen it); http:https:ssh by default. */
  gitAllowProtocols?: string;
  /** Archives shared between objects at the same remote commit (off when absent). */
  cache?: ArchiveCache;
}

/** Why a step failed, and how the runtime should treat it (Flux's generic/stalling/waiting errors). */
class SourceError extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly kind: 'generic' | 'stalling' | 'waiting' = 'generic',
    readonly requeueAfterMs?: number,
  ) {
    super(message);
  }
}

type Outcome = { type: 'success'; commit?: Commit } | { type: 'unchanged'; commit: Commit } | { type: 'error'; error: SourceError; commit?: Commit };

const SUCCESS_REASON = 'Succeeded';

function intervalOf(obj: GitRepository): number {
  return parseDuration(obj.spec.interval) ?? 60_000;
}

function timeoutOf(obj: GitRepository): number {
  return parseDuration(obj.spec.timeout ?? '60s') ?? 60_000;
}

/** The revision the artifact is named by: absolute for ref.name, `<branch>@sha1:` otherwise. */
function commitReference(obj: GitRepository, c: Commit): string {
  return obj.spec.ref?.name ? absoluteRevisionOf(c) : revisionOf(c);
}

function includesEqual(a: GitRepositoryInclude, b: GitRepositoryInclude | undefined): boolean {
  return !!b && a.repository.name === b.repository.name && (a.fromPath ?? '') === (b.fromPath ?? '') && (a.toPath ?? '') === (b.toPath ?? '');
}

/** Whether what goes into the artifact (besides the commit) changed since it was built. */
function contentConfigChanged(obj: GitRepository, includes: Artifact[]): boolean {
  const st = obj.status ?? {};
  if ((obj.spec.ignore ?? undefined) !== (st.observedIgnore ?? undefined)) return true;
  if ((obj.spec.recurseSubmodules ?? false) !== (st.observedRecurseSubmodules ?? false)) return true;
  const spec = obj.spec.include ?? [];
  if (spec.length !== (st.observedInclude ?? []).length || spec.length !== includes.length || spec.length !== (st.includedArtifacts ?? []).length) return true;
  if (JSON.stringify(obj.spec.sparseCheckout ?? []) !== JSON.stringify(st.observedSparseCheckout ?? [])) return true;
  return spec.some((incl, i) => {
    const observed = st.includedArtifacts![i]!;
    return !includesEqual(incl, st.observedInclude![i]) || observed.revision !== includes[i]!.revision || observed.digest !== includes[i]!.digest;
  });
}

function includesDiffer(a: Artifact[], b: Artifact[] | undefined): boolean {
  const bb = b ?? [];
  return a.length !== bb.length || a.some((x, i) => x.revision !== bb[i]!.revision || x.digest !== bb[i]!.digest);
}

/**
 * With a sparse checkout only the listed directories (and the directories leading to them)
 * go into the artifact, as in Flux; the checkout itself is complete.
 */
function sparseFilter(paths: string[] | undefined, inner: ArchiveEntryFilter): ArchiveEntryFilter {
  if (!paths?.length) return inner;
  const wanted = paths.map((p) => p.replace(/^\.\//, '').replace(/\/+$/, '').split('/').filter(Boolean));
  return {
    excludes(path: string[], isDir: boolean): boolean {
      const inside = wanted.some((w) => w.length === 0 || w.every((seg, i) => path[i] === seg));
      const leadsTo = isDir && wanted.some((w) => path.length < w.length && path.every((seg, i) => w[i] === seg));
      return (!inside && !leadsTo) || inner.excludes(path, isDir);
    },
  };
}

/** Classifies a git failure: credentials and host keys are authentication problems. */
function gitFailureReason(e: unknown): string {
  const msg = (e as Error).message ?? '';
  return /Authentication failed|could not read (Username|Password)|Permission denied \(|Host key verification failed|HTTP Basic: Access denied|401|403 Forbidden|terminal prompts disabled/i.test(msg) ? 'AuthenticationFailed' : 'GitOperationFailed';
}

export class GitRepositoryReconciler {
  constructor(private readonly deps: GitRepositoryDeps) {}

  async reconcile(obj: GitRepository, ctx: ReconcileContext): Promise<Result> {
    const { patcher } = this.deps;
    if (obj.metadata.deletionTimestamp) return this.finalize(obj, ctx);

    const original = await beginReconcile(obj, SOURCE_FINALIZER, patcher, ctx.log);
    if (!original) return done();

    const outcome = await this.reconcileSteps(obj, ctx).catch((e: unknown) => ({ type: 'error' as const, error: new SourceError((e as Error).message, 'Failed') }));
    return this.finish(original, obj, outcome, ctx);
  }

  /** Storage, source, include, artifact — each may end the run early with an error. */
  private async reconcileSteps(obj: GitRepository, ctx: ReconcileContext): Promise<Outcome> {
    obj.status ??= {};
    const generation = obj.metadata.generation ?? 0;
    const observed = obj.status.observedGeneration ?? -1;
    progressiveStatus(obj, false, 'Progressing', generation !== observed ? `processing object: new generation ${observed} -> ${generation}` : 'reconciliation in progress');

    await this.reconcileStorage(obj);

    const dir = await mkdtemp(join(tmpdir(), `fluxion-gitrepository-${obj.metadata.namespace}-${obj.metadata.name}-`));
    try {
      deleteCondition(obj, Conditions.StorageOperationFailed);
      const source = await this.reconcileSource(obj, dir, ctx);
      if (source.type === 'unchanged') return source;
      const { includes, commit, cacheKey } = source;
      if (!cacheKey) await this.reconcileInclude(obj, includes, dir);
      await this.reconcileArtifact(obj, commit, includes, dir, ctx, cacheKey);
      return { type: 'success', commit };
    } catch (e) {
      if (e instanceof SourceError) return { type: 'error', error: e };
      throw e;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Garbage-collects old artifacts, drops an artifact that vanished or no longer matches its digest. */
  private async reconcileStorage(obj: GitRepository): Promise<void> {
    const { storage, events } = this.deps;
    const st = obj.status!;
    let missing = false;
    if (st.artifact) {
      await storage.garbageCollect(st.artifact).catch(() => []);
      if (!(await storage.exists(st.artifact))) missing = true;
      else {
        const mismatch = await storage.verify(st.artifact).catch((e: Error) => e.message);
        if (mismatch) {
          await events.record(obj, 'error', 'ArtifactVerificationFailed', `failed to verify integrity of artifact: ${mismatch}`);
          await rm(storage.localPath(st.artifact.path), { force: true });
          missing = true;
        }
      }
      if (missing) delete st.artifact;
    }
    if (!st.artifact) {
      progressiveStatus(obj, true, 'Progressing', `building artifact${missing ? ': disappeared from storage' : ''}`);
      deleteCondition(obj, Conditions.ArtifactInStorage);
      return;
    }
    // The advertised host may have changed since the artifact was stored.
    st.artifact.url = storage.urlFor(st.artifact.path);
  }

  private async reconcileSource(obj: GitRepository, dir: string, ctx: ReconcileContext): Promise<{ type: 'unchanged'; commit: Commit } | { type: 'fetched'; commit: Commit; includes: Artifact[]; cacheKey?: string }> {
    if (getCondition(obj, Conditions.SourceVerified)?.status === 'False') deleteCondition(obj, Conditions.SourceVerified);
    const fail = (condition: string, e: SourceError): never => {
      markTrue(obj, condition, e.reason, e.message);
      throw e;
    };

    let url: URL;
    try {
      url = new URL(obj.spec.url);
      if (!['http:', 'https:', 'ssh:'].includes(url.protocol)) throw new Error(`unsupported scheme '${url.protocol.replace(/:$/, '')}'`);
    } catch (e) {
      return fail(Conditions.FetchFailed, new SourceError(`failed to parse url '${obj.spec.url}': ${(e as Error).message}`, 'URLInvalid', 'stalling'));
    }
    const provider = obj.spec.provider ?? 'generic';
    if (provider !== 'generic') {
      fail(Conditions.FetchFailed, new SourceError(`provider '${provider}' is not supported by fluxion yet; use a secretRef with credentials`, 'InvalidProviderConfiguration', 'stalling'));
    }
    if (obj.spec.proxySecretRef) {
      fail(Conditions.FetchFailed, new SourceError('proxySecretRef is not supported by fluxion yet', 'InvalidProviderConfiguration', 'stalling'));
    }
    if (obj.spec.verify) {
      const e = new SourceError('commit signature verification is not supported by fluxion yet', 'VerificationError', 'stalling');
      setCondition(obj, { type: Conditions.SourceVerified, status: 'False', reason: e.reason, message: e.message });
      throw e;
    }

    const auth = await this.authOptions(obj, url, fail);

    // Included artifacts must all exist before anything is fetched.
    const includes: Artifact[] = [];
    for (const incl of obj.spec.include ?? []) {
      const dep = this.deps.lookup(obj.metadata.namespace!, incl.repository.name);
      if (!dep) fail(Conditions.IncludeUnavailable, new SourceError(`could not get resource for include '${incl.repository.name}': gitrepositories.source.toolkit.fluxcd.io "${incl.repository.name}" not found`, 'NotFound', 'waiting', this.deps.requeueDependencyMs));
      if (!dep!.status?.artifact) fail(Conditions.IncludeUnavailable, new SourceError(`no artifact available for include '${incl.repository.name}'`, 'NoArtifact', 'waiting', this.deps.requeueDependencyMs));
      includes.push(dep!.status!.artifact!);
    }
    deleteCondition(obj, Conditions.IncludeUnavailable);
    if (includesDiffer(includes, obj.status!.includedArtifacts)) {
      const message = 'included artifacts differ from last observed includes';
      if (obj.status!.includedArtifacts) markTrue(obj, Conditions.ArtifactOutdated, 'IncludeChange', message);
      progressiveStatus(obj, true, 'Progressing', `building artifact: ${message}`);
    }
    deleteCondition(obj, Conditions.ArtifactOutdated);

    // With a stored artifact, ask the remote first and skip the clone if nothing moved; an
    // object whose archive another object already built at that commit reuses it.
    const optimized = isTrue(obj, Conditions.ArtifactInStorage) && obj.status!.artifact !== undefined;
    const shareable = this.deps.cache !== undefined && !obj.spec.include?.length && !obj.spec.recurseSubmodules && !obj.spec.sparseCheckout?.length && !obj.spec.ref?.commit;
    if (optimized || shareable) {
      const head = await this.resolve(obj, auth, fail);
      const revision = commitReference(obj, head);
      if (optimized && revision === obj.status!.artifact!.revision && !contentConfigChanged(obj, includes)) {
        deleteCondition(obj, Conditions.FetchFailed);
        markTrue(obj, Conditions.ArtifactInStorage, SUCCESS_REASON, `stored artifact for revision '${revision}'`);
        ctx.log.debug(`no changes since last reconcilation: observed revision '${revision}'`);
        return { type: 'unchanged', commit: head };
      }
      const key = archiveKey(obj.spec.url, head.hash, obj.spec.ignore);
      const cached = shareable ? this.deps.cache!.get(key) : undefined;
      if (cached && existsSync(cached.file)) {
        deleteCondition(obj, Conditions.FetchFailed);
        this.markNewRevision(obj, revision);
        return { type: 'fetched', commit: { ...head, message: cached.message }, includes, cacheKey: key };
      }
    }
    const commit = await this.gitCheckout(obj, auth, dir, undefined, fail);
    deleteCondition(obj, Conditions.FetchFailed);
    for (const path of obj.spec.sparseCheckout ?? []) {
      // Sparse checkouts are full checkouts here; the paths must still exist.
      if (!existsSync(join(dir, path))) fail(Conditions.FetchFailed, new SourceError(`failed to sparse checkout directories : sparse checkout dir '${path}' does not exist in repository`, 'GitOperationFailed'));
    }

    this.markNewRevision(obj, commitReference(obj, commit.commit));
    return { type: 'fetched', commit: commit.commit, includes };
  }

  private markNewRevision(obj: GitRepository, revision: string): void {
    if (obj.status!.artifact?.revision === revision) return;
    const message = `new upstream revision '${revision}'`;
    if (obj.status!.artifact) markTrue(obj, Conditions.ArtifactOutdated, 'NewRevision', message);
    progressiveStatus(obj, true, 'Progressing', `building artifact: ${message}`);
  }

  private async resolve(obj: GitRepository, auth: GitAuthOptions, fail: (c: string, e: SourceError) => never): Promise<Commit> {
    const ref = obj.spec.ref ?? {};
    try {
      return await resolveReference(obj.spec.url, {
        ref: { branch: ref.branch, tag: ref.tag, semver: ref.semver, name: ref.name, commit: ref.commit },
        auth: auth.auth,
        tls: auth.tls,
        timeoutMs: timeoutOf(obj),
        allowProtocols: this.deps.gitAllowProtocols,
      });
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
      const message = scrub(`failed to checkout and determine revision: ${e.message}`, auth.secrets);
      return fail(Conditions.FetchFailed, new SourceError(message, e instanceof GitTimeoutError ? 'GitOperationFailed' : gitFailureReason(e)));
    }
  }

  private async authOptions(obj: GitRepository, url: URL, fail: (c: string, e: SourceError) => never): Promise<GitAuthOptions> {
    let data: Record<string, string> | undefined;
    if (obj.spec.secretRef) {
      const ns = obj.metadata.namespace!;
      try {
        const secret = await this.deps.client.get<{ apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace: ns }, obj.spec.secretRef.name);
        data = secret.data ?? {};
      } catch (e) {
        const why = isNotFound(e) ? `secrets "${obj.spec.secretRef.name}" not found` : (e as Error).message;
        fail(Conditions.FetchFailed, new SourceError(`failed to get secret '${ns}/${obj.spec.secretRef.name}': ${why}`, 'AuthenticationFailed'));
      }
    }
    try {
      return gitAuthFromSecret(url, data);
    } catch (e) {
      if (e instanceof AuthConfigError) fail(Conditions.FetchFailed, new SourceError(`failed to configure authentication options: ${e.message}`, 'AuthenticationFailed'));
      throw e;
    }
  }

  private async gitCheckout(obj: GitRepository, auth: GitAuthOptions, dir: string, lastObserved: string | undefined, fail: (c: string, e: SourceError) => never) {
    const ref = obj.spec.ref ?? {};
    try {
      // A previous attempt may have left files behind.
      await rm(dir, { recursive: true, force: true });
      return await checkout(obj.spec.url, dir, {
        ref: { branch: ref.branch, tag: ref.tag, semver: ref.semver, name: ref.name, commit: ref.commit },
        auth: auth.auth,
        tls: auth.tls,
        timeoutMs: timeoutOf(obj),
        recurseSubmodules: obj.spec.recurseSubmodules,
        lastObservedRevision: lastObserved,
        allowProtocols: this.deps.gitAllowProtocols,
      });
    } catch (e) {
      if (!(e instanceof GitError)) throw e;
      const message = scrub(`failed to checkout and determine revision: ${e.message}`, auth.secrets);
      const reason = e instanceof GitTimeoutError ? 'GitOperationFailed' : gitFailureReason(e);
      return fail(Conditions.FetchFailed, new SourceError(message, reason));
    }
  }

  /** Copies the included repositories' artifacts (or a sub-path) into the checkout. */
  private async reconcileInclude(obj: GitRepository, includes: Artifact[], dir: string): Promise<void> {
    const specs = obj.spec.include ?? [];
    for (let i = 0; i < specs.length; i++) {
      const incl = specs[i]!;
      const toPath = incl.toPath ?? incl.repository.name;
      const fromPath = incl.fromPath ?? '';
      const target = join(dir, toPath);
      if (target !== dir && !target.startsWith(dir + sep)) {
        markTrue(obj, Conditions.StorageOperationFailed, 'IllegalPath', `path calculation for include '${incl.repository.name}' failed: '${toPath}' is outside the checkout`);
        throw new SourceError(`path calculation for include '${incl.repository.name}' failed`, 'IllegalPath');
      }
      const unpack = await mkdtemp(join(tmpdir(), 'fluxion-include-'));
      try {
        await untarFile(this.deps.storage.localPath(includes[i]!.path), unpack);
        const from = join(unpack, fromPath);
        if (from !== unpack && !from.startsWith(unpack + sep)) throw new Error(`'${fromPath}' is outside the included artifact`);
        await rm(target, { recursive: true, force: true });
        await cp(from, target, { recursive: true });
      } catch (e) {
        const message = `failed to copy '${incl.repository.name}' include from ${fromPath || './'} to ${toPath}: ${(e as Error).message}`;
        markTrue(obj, Conditions.StorageOperationFailed, 'CopyFailure', message);
        throw new SourceError(message, 'CopyFailure');
      } finally {
        await rm(unpack, { recursive: true, force: true });
      }
    }
    deleteCondition(obj, Conditions.IncludeUnavailable);
  }

  private async reconcileArtifact(obj: GitRepository, commit: Commit, includes: Artifact[], dir: string, ctx: ReconcileContext, cacheKey?: string): Promise<void> {
    const { storage, events } = this.deps;
    const st = obj.status!;
    const revision = commitReference(obj, commit);
    const upToDate = () => st.artifact?.revision === revision && !includesDiffer(includes, st.includedArtifacts) && !contentConfigChanged(obj, includes);
    if (upToDate()) {
      await events.record(obj, 'trace', 'ArtifactUpToDate', `artifact up-to-date with remote revision: '${st.artifact!.revision}'`);
      deleteCondition(obj, Conditions.ArtifactOutdated);
      markTrue(obj, Conditions.ArtifactInStorage, SUCCESS_REASON, `stored artifact for revision '${st.artifact!.revision}'`);
      return;
    }
    const path = storage.artifactPath('GitRepository', obj.metadata.namespace!, obj.metadata.name, `${commit.hash}.tar.gz`);
    let artifact: Artifact;
    const cache = this.deps.cache;
    try {
      if (cacheKey) {
        const cached = cache!.get(cacheKey)!;
        await mkdir(dirname(storage.localPath(path)), { recursive: true });
        if (!(await cache!.materialize(cacheKey, storage.localPath(path)))) throw new Error('the shared archive vanished; it will be rebuilt');
        artifact = { digest: cached.digest, lastUpdateTime: kubeTime(), path, revision, size: cached.size, url: storage.urlFor(path) };
      } else {
        artifact = await storage.archive(dir, path, revision, sparseFilter(obj.spec.sparseCheckout, sourceIgnoreMatcher(dir, obj.spec.ignore)));
        const shareable = cache && !obj.spec.include?.length && !obj.spec.recurseSubmodules && !obj.spec.sparseCheckout?.length;
        if (shareable) cache.set(archiveKey(obj.spec.url, commit.hash, obj.spec.ignore), { file: storage.localPath(path), digest: artifact.digest!, size: artifact.size!, message: commit.message });
      }
    } catch (e) {
      const reason = (e as { reason?: string }).reason ?? 'ArchiveOperationFailed';
      const message = e instanceof StorageError ? e.message : `unable to archive artifact to storage: ${(e as Error).message}`;
      markTrue(obj, Conditions.StorageOperationFailed, reason, message);
      throw new SourceError(message, reason);
    }
    st.artifact = artifact;
    st.includedArtifacts = includes.length ? includes : undefined;
    st.observedIgnore = obj.spec.ignore;
    st.observedRecurseSubmodules = obj.spec.recurseSubmodules || undefined;
    st.observedInclude = obj.spec.include;
    st.observedSparseCheckout = obj.spec.sparseCheckout;
    deleteCondition(obj, Conditions.StorageOperationFailed);
    deleteCondition(obj, Conditions.ArtifactOutdated);
    markTrue(obj, Conditions.ArtifactInStorage, SUCCESS_REASON, `stored artifact for revision '${revision}'`);
    ctx.log.debug({ revision }, 'artifact stored');
  }

  /**
   * Settles the run: conditions summarized into Ready, observedGeneration and
   * lastHandledReconcileAt recorded, one status patch, the events, and what happens next.
   */
  private async finish(original: GitRepository, obj: GitRepository, outcome: Outcome, ctx: ReconcileContext): Promise<Result> {
    const { patcher, events } = this.deps;
    recordReconcileRequest(obj);
    let result: Result;
    if (outcome.type === 'error') {
      const e = outcome.error;
      if (e.kind === 'stalling') {
        markStalled(obj, e.reason, e.message);
        obj.status!.observedGeneration = obj.metadata.generation;
        result = terminalError(e);
      } else {
        const reconciling = getCondition(obj, 'Reconciling');
        if (reconciling) setCondition(obj, { ...reconciling, reason: 'ProgressingWithRetry' });
        result = e.kind === 'waiting' ? requeueAfter(e.requeueAfterMs ?? this.deps.requeueDependencyMs) : retryableError(e);
      }
    } else {
      deleteCondition(obj, 'Reconciling');
      deleteCondition(obj, 'Stalled');
      obj.status!.observedGeneration = obj.metadata.generation;
      result = requeueInterval(intervalOf(obj));
    }
    setSummary(obj, READY_SUMMARY);
    const patched = await patcher.patchStatus(original, obj);
    if (patched) obj.metadata.resourceVersion = patched.metadata.resourceVersion;

    if (outcome.type === 'error') {
      if (outcome.error.kind !== 'waiting') await events.record(obj, 'error', outcome.error.reason, outcome.error.message);
      else ctx.log.info(outcome.error.message);
    } else {
      this.notify(original, obj, outcome, ctx);
    }
    return result;
  }

  /** NewArtifact on a new digest; Succeeded when a failure is over. */
  private notify(original: GitRepository, obj: GitRepository, outcome: Outcome, ctx: ReconcileContext): void {
    const artifact = obj.status?.artifact;
    if (!artifact || outcome.type === 'error' || !outcome.commit) return;
    const meta = { 'source.toolkit.fluxcd.io/revision': artifact.revision, 'source.toolkit.fluxcd.io/digest': artifact.digest ?? '' };
    const subject = outcome.commit.message !== undefined ? shortMessage(outcome.commit) : commitReference(obj, outcome.commit);
    const message = `stored artifact for commit '${subject}'`;
    if (original.status?.artifact?.digest !== artifact.digest) {
      void this.deps.events.record(obj, 'info', 'NewArtifact', message, meta);
      ctx.log.info(message);
      return;
    }
    const failedBefore = FAILURE_CONDITIONS.some((c) => isTrue(original, c));
    const failedNow = FAILURE_CONDITIONS.some((c) => isTrue(obj, c));
    if (failedBefore && !failedNow) {
      void this.deps.events.record(obj, 'info', SUCCESS_REASON, message, meta);
      ctx.log.info(message);
    }
  }

  /** Deletion: remove the object's artifacts, then the finalizer. */
  private async finalize(obj: GitRepository, ctx: ReconcileContext): Promise<Result> {
    if (!hasFinalizer(obj, SOURCE_FINALIZER)) return done();
    try {
      const dir = await this.deps.storage.removeAll('GitRepository', obj.metadata.namespace!, obj.metadata.name);
      if (dir) ctx.log.info('garbage collected artifacts for deleted resource');
    } catch (e) {
      return retryableError(new Error(`garbage collection for deleted resource failed: ${(e as Error).message}`));
    }
    removeFinalizer(obj, SOURCE_FINALIZER);
    await this.deps.patcher.patchFinalizers(obj);
    return done();
  }
}
