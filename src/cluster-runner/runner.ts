/**
 * Runs Fluxion's controller Deployments inside `fluxion cluster`, as a kubelet would run their
 * pods: the container args parsed as `fluxion controllers` parses them, a client that talks
 * HTTPS to the cluster with its token and CA (as a pod's service account would), emptyDir
 * volumes in temporary directories, listeners on free 127.0.0.1 ports, and the JSON logs kept
 * for `kubectl logs`. A spec change restarts the controllers; deletion or zero replicas stops
 * them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogBuffer, type RunningWorkload, type WorkloadRunner } from '../apiserver/index.js';
import type { ValueMap } from '../yaml/types.js';
import { controllerContainer, controllerLaunch, type ControllerLaunch } from './container.js';

/** Where the cluster listens and how a pod authenticates to it. */
export interface ClusterEndpoint {
  server: string;
  token: string;
  caCert: string;
}

export interface ControllerRunnerOptions {
  /** Parent of the emptyDir volumes (the system temporary directory by default). */
  workDir?: string;
  /** Lines of log kept per Deployment (default 10,000). */
  logLines?: number;
  /** Lifecycle messages for the cluster's own log (standard error by default). */
  report?: (message: string) => void;
}

interface Launched {
  stop(): Promise<void>;
}

export class ControllerRunner implements WorkloadRunner {
  private endpoint: Promise<ClusterEndpoint>;
  private setEndpoint!: (e: ClusterEndpoint) => void;
  private readonly live = new Set<Promise<void>>();
  private readonly stoppers = new Set<() => Promise<void>>();

  constructor(private readonly opts: ControllerRunnerOptions = {}) {
    this.endpoint = new Promise((resolve) => (this.setEndpoint = resolve));
  }

  /** The cluster's address is known only once it listens; workloads wait for it. */
  connect(endpoint: ClusterEndpoint): void {
    this.setEndpoint(endpoint);
  }

  recognizes(deployment: ValueMap): boolean {
    return controllerContainer(deployment) !== undefined;
  }

  async start(deployment: ValueMap): Promise<RunningWorkload> {
    let launch = controllerLaunch(deployment)!;
    const endpoint = await this.endpoint;
    const logs = new LogBuffer(this.opts.logLines ?? 10_000);
    let current: Launched | undefined = await this.launch(launch, endpoint, logs);
    // Updates and stops run one after the other, never interleaved.
    let chain: Promise<void> = Promise.resolve();
    const serial = (fn: () => Promise<void>) => (chain = chain.then(fn, fn));
    const stop = () =>
      serial(async () => {
        this.stoppers.delete(stop);
        await current?.stop();
        current = undefined;
        logs.close();
        this.report(`stopped the controllers of Deployment ${launch.namespace}/${launch.name}`);
      });
    this.stoppers.add(stop);
    return {
      logs,
      update: (next: ValueMap) =>
        serial(async () => {
          const l = controllerLaunch(next);
          if (!l || l.fingerprint === launch.fingerprint || logs.closed) return;
          await current?.stop();
          current = undefined;
          launch = l;
          this.report(`restarting the controllers of Deployment ${l.namespace}/${l.name} (its pod template changed)`);
          try {
            current = await this.launch(l, endpoint, logs);
          } catch (e) {
            logs.write(`${JSON.stringify({ level: 'error', ts: new Date().toISOString(), msg: 'unable to start controllers', error: (e as Error).message })}\n`);
            this.report(`Deployment ${l.namespace}/${l.name}: ${(e as Error).message}`);
          }
        }),
      stop,
    };
  }

  /** Stops every workload still running (the cluster is shutting down). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.stoppers].map((s) => s()));
    await Promise.all([...this.live]);
  }

  private report(message: string): void {
    (this.opts.report ?? ((m: string) => process.stderr.write(`fluxion cluster: ${m}\n`)))(message);
  }

  private async launch(l: ControllerLaunch, endpoint: ClusterEndpoint, logs: LogBuffer): Promise<Launched> {
    const { parseControllerArgs, managerOptionsFromFlags } = await import('../cli/controllers.js');
    const { startControllers, KNOWN_CONTROLLERS } = await import('../controllers/manager.js');
    const { KubeClient } = await import('../kube/index.js');
    const { VERSION } = await import('../cli/version.js');
    const flags = parseControllerArgs(l.args);
    const options = await managerOptionsFromFlags(flags);
    const known = options.controllers.filter((c) => (KNOWN_CONTROLLERS as readonly string[]).includes(c));
    const unknown = options.controllers.filter((c) => !known.includes(c));
    // The pod's emptyDir volumes (artifact storage): gone when the pod goes.
    const volume = await mkdtemp(join(this.opts.workDir ?? tmpdir(), `fluxion-${l.namespace}-${l.name}-`));
    const tls = { ca: endpoint.caCert };
    const auth = { headers: { Authorization: `Bearer ${endpoint.token}` }, tls };
    const client = new KubeClient(
      { server: endpoint.server, namespace: l.namespace, contextName: `${l.namespace}/${l.serviceAccount}`, auth: async () => auth, invalidate: () => {} },
      `${l.name}/v${VERSION} (fluxion cluster; serviceaccount ${l.namespace}/${l.serviceAccount})`,
    );
    let running: Awaited<ReturnType<typeof startControllers>>;
    try {
      running = await startControllers({
        ...options,
        client,
        controllers: known,
        namespace: flags.namespace ?? l.namespace,
        logDestination: { write: (s: string) => logs.write(s) },
        storagePath: volume,
        storageAddr: '127.0.0.1:0',
        storageAdvAddr: undefined,
        metricsAddr: '127.0.0.1:0',
        healthAddr: '127.0.0.1:0',
      });
    } catch (e) {
      client.close();
      await rm(volume, { recursive: true, force: true });
      throw e;
    }
    const listeners = [
      running.metricsServer && `metrics ${running.metricsServer.address}`,
      running.healthServer && `health ${running.healthServer.address}`,
      running.storageAddress && `artifacts ${running.storageAddress}`,
    ].filter(Boolean);
    running.log.info({ server: endpoint.server, image: l.image }, `controllers started: ${known.join(',') || '(none)'} (${listeners.join(', ')})`);
    if (unknown.length > 0) {
      running.log.error({ controllers: unknown, known: KNOWN_CONTROLLERS }, `controller${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `'${c}'`).join(', ')} not available in this build of fluxion; not running`);
    }
    this.report(`started the controllers of Deployment ${l.namespace}/${l.name}: ${known.join(',') || '(none)'}${unknown.length ? ` (unavailable: ${unknown.join(',')})` : ''}`);
    let stopped: Promise<void> | undefined;
    return {
      stop: () => {
        stopped ??= (async () => {
          running.log.info('shutting down');
          await running.stop();
          await rm(volume, { recursive: true, force: true });
        })();
        this.live.add(stopped);
        void stopped.finally(() => this.live.delete(stopped!));
        return stopped;
      },
    };
  }
}
