/**
 * Runs the chosen controllers in one process against one API server: the shared client,
 * logger and metrics registry, the /metrics and /healthz,/readyz listeners, and each
 * controller's own listeners. `fluxion controllers` and the local cluster's workload
 * runner both start controllers through here.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../kube/client.js';
import { ControllerMetrics, createLogger, listen, probeHandler, type Listener, type Logger, type LogLevel } from '../runtime/index.js';
import type { DestinationStream } from 'pino';

export const KNOWN_CONTROLLERS = ['source', 'kustomize'] as const;
export type ControllerName = (typeof KNOWN_CONTROLLERS)[number];

export interface ManagerOptions {
  client: KubeClient;
  controllers: string[];
  concurrency?: number;
  /** Watch only this namespace (when not watching all). */
  namespace?: string;
  watchAllNamespaces?: boolean;
  metricsAddr?: string;
  healthAddr?: string;
  logLevel?: LogLevel;
  logDestination?: DestinationStream;
  log?: Logger;
  eventsAddr?: string;
  requeueDependencyMs?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  jitterPercent?: number;
  // source
  storagePath?: string;
  storageAddr?: string;
  storageAdvAddr?: string;
  retentionRecords?: number;
  retentionTtlMs?: number;
  stallTimeoutMs?: number;
  gitAllowProtocols?: string;
  // kustomize
  noRemoteBases?: boolean;
  noCrossNamespaceRefs?: boolean;
  defaultServiceAccount?: string;
  /** The StrictPostBuildSubstitutions feature gate (default true). */
  strictSubstitute?: boolean;
  customApplyStageKinds?: string;
}

export interface RunningControllers {
  log: Logger;
  metrics: ControllerMetrics;
  metricsServer?: Listener;
  healthServer?: Listener;
  /** The artifact server's bound address (source). */
  storageAddress?: string;
  source?: import('./source/index.js').RunningSourceController;
  kustomize?: import('./kustomize/index.js').RunningKustomizeController;
  stop(): Promise<void>;
}

export function defaultStoragePath(): string {
  return join(process.env.FLUXION_HOME || join(homedir(), '.fluxion'), 'storage');
}

export async function startControllers(opts: ManagerOptions): Promise<RunningControllers> {
  for (const c of opts.controllers) {
    if (!(KNOWN_CONTROLLERS as readonly string[]).includes(c)) throw new Error(`unknown controller '${c}': the controllers are ${KNOWN_CONTROLLERS.join(', ')}`);
  }
  const log = opts.log ?? createLogger({ level: opts.logLevel, destination: opts.logDestination });
  const metrics = new ControllerMetrics();
  const running: RunningControllers = { log, metrics, stop: async () => {} };
  const stoppers: (() => Promise<void>)[] = [];
  const readiness: (() => boolean)[] = [];
  const namespace = opts.watchAllNamespaces === false ? (opts.namespace ?? opts.client.defaultNamespace) : undefined;
  const backoff = { baseMs: opts.minRetryDelayMs ?? 750, maxMs: opts.maxRetryDelayMs ?? 15 * 60_000 };
  try {
    if (opts.metricsAddr) {
      running.metricsServer = await listen(opts.metricsAddr, probeHandler({ registry: metrics.registry, ready: () => readiness.every((r) => r()) }));
      stoppers.push(() => running.metricsServer!.close());
    }
    if (opts.healthAddr) {
      running.healthServer = await listen(opts.healthAddr, probeHandler({ ready: () => readiness.every((r) => r()) }));
      stoppers.push(() => running.healthServer!.close());
    }
    if (opts.controllers.includes('source')) {
      const { startSourceController } = await import('./source/index.js');
      const source = await startSourceController({
        client: opts.client,
        log,
        metrics,
        storagePath: opts.storagePath ?? defaultStoragePath(),
        storageAddr: opts.storageAddr ?? ':9090',
        storageAdvAddr: opts.storageAdvAddr,
        concurrency: opts.concurrency,
        namespace,
        requeueDependencyMs: opts.requeueDependencyMs,
        retentionRecords: opts.retentionRecords,
        retentionTtlMs: opts.retentionTtlMs,
        backoff,
        jitterPercent: opts.jitterPercent,
        eventsAddr: opts.eventsAddr,
        stallTimeoutMs: opts.stallTimeoutMs,
        gitAllowProtocols: opts.gitAllowProtocols,
      });
      running.source = source;
      running.storageAddress = source.artifactServer.address;
      readiness.push(source.ready);
      stoppers.unshift(() => source.stop());
    }
    if (opts.controllers.includes('kustomize')) {
      const { startKustomizeController } = await import('./kustomize/index.js');
      const { parseGroupKinds } = await import('./kustomize/stages.js');
      const kustomize = await startKustomizeController({
        client: opts.client,
        log,
        metrics,
        concurrency: opts.concurrency,
        namespace,
        requeueDependencyMs: opts.requeueDependencyMs,
        backoff,
        jitterPercent: opts.jitterPercent,
        eventsAddr: opts.eventsAddr,
        stallTimeoutMs: opts.stallTimeoutMs,
        noRemoteBases: opts.noRemoteBases,
        noCrossNamespaceRefs: opts.noCrossNamespaceRefs,
        defaultServiceAccount: opts.defaultServiceAccount,
        strictSubstitute: opts.strictSubstitute,
        customStageKinds: parseGroupKinds(opts.customApplyStageKinds ?? ''),
      });
      running.kustomize = kustomize;
      readiness.push(kustomize.ready);
      stoppers.unshift(() => kustomize.stop());
    }
  } catch (e) {
    for (const s of stoppers) await s().catch(() => {});
    throw e;
  }
  running.stop = async () => {
    for (const s of stoppers) await s().catch(() => {});
    opts.client.close();
  };
  return running;
}
