/**
 * The kustomize controller: the Kustomization reconciler on the runtime, with informers on
 * Kustomizations and GitRepositories. A new source revision queues the Kustomizations that
 * read it; a Kustomization turning Ready (or applying a new revision) queues the ones that
 * depend on it, so a chain of dependencies settles without waiting out the requeue.
 */
import { KUSTOMIZE_V1, type Kustomization } from '../../api/kustomize.js';
import { SOURCE_V1, type GitRepository } from '../../api/source.js';
import { KubeClient } from '../../kube/client.js';
import type { KubeConnection } from '../../kube/config.js';
import { Controller, EventRecorder, Informer, isReady, ObjectPatcher, type BackoffOptions, type ControllerMetrics, type Logger } from '../../runtime/index.js';
import { remoteFetcher } from '../../kustomize/remote-fetch.js';
import { ArtifactWorkspace } from './artifact.js';
import { dependenciesOf } from './dependencies.js';
import { KustomizationReconciler } from './kustomization.js';
import type { GroupKind } from './stages.js';

export const CONTROLLER_NAME = 'kustomize-controller';

export interface KustomizeControllerOptions {
  client: KubeClient;
  log: Logger;
  metrics?: ControllerMetrics;
  concurrency?: number;
  namespace?: string;
  requeueDependencyMs?: number;
  backoff?: BackoffOptions;
  jitterPercent?: number;
  eventsAddr?: string;
  stallTimeoutMs?: number;
  noRemoteBases?: boolean;
  noCrossNamespaceRefs?: boolean;
  defaultServiceAccount?: string;
  /** The StrictPostBuildSubstitutions feature gate (default true). */
  strictSubstitute?: boolean;
  customStageKinds?: GroupKind[];
}

export interface RunningKustomizeController {
  informer: Informer<Kustomization>;
  sources: Informer<GitRepository>;
  controller: Controller<Kustomization>;
  events: EventRecorder;
  ready(): boolean;
  stop(): Promise<void>;
}

/** A connection that acts as `user` (Kubernetes impersonation headers). */
export function impersonating(conn: KubeConnection, user: string): KubeConnection {
  return {
    server: conn.server,
    namespace: conn.namespace,
    contextName: conn.contextName,
    invalidate: () => conn.invalidate(),
    auth: async () => {
      const a = await conn.auth();
      return { ...a, headers: { ...a.headers, 'Impersonate-User': user } };
    },
  };
}

export async function startKustomizeController(opts: KustomizeControllerOptions): Promise<RunningKustomizeController> {
  const informer = new Informer<Kustomization>(opts.client, {
    resource: { apiVersion: KUSTOMIZE_V1, kind: 'Kustomization', namespace: opts.namespace },
    log: opts.log,
    stallTimeoutMs: opts.stallTimeoutMs,
  });
  // Sources may live in other namespaces (cross-namespace references), so watch them all.
  const sources = new Informer<GitRepository>(opts.client, {
    resource: { apiVersion: SOURCE_V1, kind: 'GitRepository', namespace: opts.noCrossNamespaceRefs ? opts.namespace : undefined },
    log: opts.log,
    stallTimeoutMs: opts.stallTimeoutMs,
  });
  const patcher = new ObjectPatcher(opts.client, CONTROLLER_NAME, { observe: (o) => informer.observe(o as Kustomization) });
  const events = new EventRecorder({ component: CONTROLLER_NAME, client: opts.client, log: opts.log, eventsAddr: opts.eventsAddr });
  const workspace = new ArtifactWorkspace();
  const remote = opts.noRemoteBases ? undefined : remoteFetcher();
  const impersonated = new Map<string, KubeClient>();
  const reconciler = new KustomizationReconciler({
    client: opts.client,
    clientFor: (sa) => {
      if (!sa) return opts.client;
      const user = `system:serviceaccount:${sa.namespace}:${sa.name}`;
      let c = impersonated.get(user);
      if (!c) impersonated.set(user, (c = new KubeClient(impersonating(opts.client.conn, user), CONTROLLER_NAME)));
      return c;
    },
    events,
    patcher,
    lookup: (ns, name) => informer.get(`${ns}/${name}`),
    lookupSource: (kind, ns, name) => (kind === 'GitRepository' ? sources.get(`${ns}/${name}`) : undefined),
    workspace,
    requeueDependencyMs: opts.requeueDependencyMs ?? 30_000,
    remote,
    noCrossNamespaceRefs: opts.noCrossNamespaceRefs,
    defaultServiceAccount: opts.defaultServiceAccount,
    strictSubstitute: opts.strictSubstitute ?? true,
    customStageKinds: opts.customStageKinds,
  });
  const controller = new Controller<Kustomization>({
    name: 'kustomization',
    group: 'kustomize.toolkit.fluxcd.io',
    kind: 'Kustomization',
    informer,
    reconcile: (obj, ctx) => reconciler.reconcile(obj, ctx),
    concurrency: opts.concurrency ?? 4,
    backoff: opts.backoff,
    jitterPercent: opts.jitterPercent,
    metrics: opts.metrics,
    log: opts.log,
  });
  const keyOf = (k: Kustomization) => `${k.metadata.namespace}/${k.metadata.name}`;
  sources.addHandlers({
    add: (src) => queueReaders(src),
    update: (oldSrc, newSrc) => {
      if (oldSrc.status?.artifact?.revision !== newSrc.status?.artifact?.revision || oldSrc.status?.artifact?.digest !== newSrc.status?.artifact?.digest) queueReaders(newSrc);
    },
  });
  function queueReaders(src: GitRepository): void {
    if (!src.status?.artifact || !informer.hasSynced()) return;
    for (const k of informer.list()) {
      const ref = k.spec.sourceRef;
      if (ref.kind === 'GitRepository' && ref.name === src.metadata.name && (ref.namespace || k.metadata.namespace) === src.metadata.namespace) controller.enqueue(keyOf(k));
    }
  }
  informer.addHandlers({
    update: (oldK, newK) => {
      const becameReady = !isReady(oldK) && isReady(newK);
      const newRevision = oldK.status?.lastAppliedRevision !== newK.status?.lastAppliedRevision;
      if (!becameReady && !newRevision) return;
      for (const k of informer.list()) {
        if (dependenciesOf(k).some((d) => d.namespace === newK.metadata.namespace && d.name === newK.metadata.name)) controller.enqueue(keyOf(k));
      }
    },
  });
  sources.start();
  await sources.waitForSync();
  await controller.start();
  return {
    informer,
    sources,
    controller,
    events,
    ready: () => informer.hasSynced() && sources.hasSynced(),
    stop: async () => {
      await controller.stop();
      await informer.stop();
      await sources.stop();
      for (const c of impersonated.values()) c.close();
      remote?.cleanup();
      await workspace.close();
    },
  };
}
