/**
 * The source controller: the GitRepository reconciler on the runtime, the artifact storage
 * and its HTTP server.
 */
import { mkdir } from 'node:fs/promises';
import { SOURCE_V1, type GitRepository } from '../../api/source.js';
import type { KubeClient } from '../../kube/client.js';
import { Controller, EventRecorder, Informer, listen, ObjectPatcher, type BackoffOptions, type ControllerMetrics, type Listener, type Logger } from '../../runtime/index.js';
import { artifactHandler } from './artifact-server.js';
import { GitRepositoryReconciler } from './gitrepository.js';
import { ArchiveCache } from './artifact-cache.js';
import { Storage } from './storage.js';

export const CONTROLLER_NAME = 'source-controller';

export interface SourceControllerOptions {
  client: KubeClient;
  log: Logger;
  metrics?: ControllerMetrics;
  storagePath: string;
  /** Where the artifact server listens (Go-style address). */
  storageAddr: string;
  /** host:port in artifact URLs; the bound address when absent. */
  storageAdvAddr?: string;
  concurrency?: number;
  /** Only this namespace; all namespaces when undefined. */
  namespace?: string;
  requeueDependencyMs?: number;
  retentionRecords?: number;
  retentionTtlMs?: number;
  backoff?: BackoffOptions;
  jitterPercent?: number;
  eventsAddr?: string;
  /** Informer tuning (tests shorten the stall timeout). */
  stallTimeoutMs?: number;
  watchTimeoutSeconds?: () => number;
  gitAllowProtocols?: string;
  /** Share archives between objects at the same remote commit (default true). */
  shareArchives?: boolean;
}

export interface RunningSourceController {
  storage: Storage;
  artifactServer: Listener;
  informer: Informer<GitRepository>;
  controller: Controller<GitRepository>;
  events: EventRecorder;
  patcher: ObjectPatcher;
  ready(): boolean;
  stop(): Promise<void>;
}

export async function startSourceController(opts: SourceControllerOptions): Promise<RunningSourceController> {
  await mkdir(opts.storagePath, { recursive: true });
  const storage = new Storage({ basePath: opts.storagePath, hostname: opts.storageAdvAddr ?? '', retentionRecords: opts.retentionRecords, retentionTtlMs: opts.retentionTtlMs });
  const artifactServer = await listen(opts.storageAddr, artifactHandler(storage));
  if (!opts.storageAdvAddr) storage.hostname = artifactServer.address.replace(/^0\.0\.0\.0:|^\[::\]:/, 'localhost:');

  const informer = new Informer<GitRepository>(opts.client, {
    resource: { apiVersion: SOURCE_V1, kind: 'GitRepository', namespace: opts.namespace },
    log: opts.log,
    stallTimeoutMs: opts.stallTimeoutMs,
    watchTimeoutSeconds: opts.watchTimeoutSeconds,
  });
  const patcher = new ObjectPatcher(opts.client, CONTROLLER_NAME, { observe: (o) => informer.observe(o as GitRepository) });
  const events = new EventRecorder({ component: CONTROLLER_NAME, client: opts.client, log: opts.log, eventsAddr: opts.eventsAddr });
  const reconciler = new GitRepositoryReconciler({
    client: opts.client,
    storage,
    events,
    patcher,
    lookup: (ns, name) => informer.get(`${ns}/${name}`),
    requeueDependencyMs: opts.requeueDependencyMs ?? 30_000,
    gitAllowProtocols: opts.gitAllowProtocols,
    cache: opts.shareArchives === false ? undefined : new ArchiveCache(),
  });
  const controller = new Controller<GitRepository>({
    name: 'gitrepository',
    group: 'source.toolkit.fluxcd.io',
    kind: 'GitRepository',
    informer,
    reconcile: (obj, ctx) => reconciler.reconcile(obj, ctx),
    concurrency: opts.concurrency ?? 2,
    backoff: opts.backoff,
    jitterPercent: opts.jitterPercent,
    metrics: opts.metrics,
    log: opts.log,
  });
  // An included repository's new artifact rebuilds the repositories that include it.
  informer.addHandlers({
    update: (oldObj, newObj) => {
      if (oldObj.status?.artifact?.digest === newObj.status?.artifact?.digest) return;
      for (const other of informer.list()) {
        if (other.metadata.namespace === newObj.metadata.namespace && other.spec.include?.some((i) => i.repository.name === newObj.metadata.name)) {
          controller.enqueue(`${other.metadata.namespace}/${other.metadata.name}`);
        }
      }
    },
  });
  await controller.start();
  return {
    storage,
    artifactServer,
    informer,
    controller,
    events,
    patcher,
    ready: () => informer.hasSynced(),
    stop: async () => {
      await controller.stop();
      await informer.stop();
      await artifactServer.close();
    },
  };
}
