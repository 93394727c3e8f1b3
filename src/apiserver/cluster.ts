/**
 * One local cluster: the store (in memory, or durable under a data directory), the
 * registry of served types, the REST semantics, the control loops, the workload
 * simulation and the HTTPS front, started and stopped together.
 */
import type { ValueMap } from '../yaml/types.js';
import { Registry } from './registry.js';
import { Store } from './store.js';
import { ResourceApi, timestamp, type WriteOptions } from './rest.js';
import { Controllers } from './controllers.js';
import { OpenApiV3 } from './openapi.js';
import { HttpFront, type VersionInfo } from './server.js';
import { FileStore } from './persist.js';
import { Workloads, type WorkloadRunner } from './workloads.js';
import { StatusError } from './errors.js';

export const KUBERNETES_VERSION: VersionInfo = {
  major: '1',
  minor: '33',
  emulationMajor: '1',
  emulationMinor: '33',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '32',
  gitVersion: 'v1.33.1+fluxion',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-05-15T00:00:00Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface ClusterOptions {
  /** The cluster's name; its one simulated node is called so too. */
  name: string;
  /** The bearer token clients must send. */
  token: string;
  /** PEM CA certificate, serving certificate and key (see pki.ts). */
  caCert: string;
  cert: string;
  key: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Keep objects here across restarts; in memory only when absent. */
  dataDir?: string;
  bookmarkIntervalMs?: number;
  /** Simulate workload readiness (default true). */
  simulate?: boolean;
  /** How long simulated rollouts take, in milliseconds (default 300). */
  rolloutDelayMs?: number;
  /** How many changes watches and paged lists can resume from (older resourceVersions get 410 Gone). */
  watchHistory?: number;
  /** Bytes a watch may have unread before it is closed as too slow (default 16 MiB). */
  watchBufferBytes?: number;
  /** Runs Deployments the cluster recognises, in place of the simulation. */
  runners?: WorkloadRunner[];
  now?: () => Date;
}

export class LocalCluster {
  readonly registry = new Registry();
  readonly store: Store;
  readonly api: ResourceApi;
  private readonly controllers: Controllers;
  private readonly workloads: Workloads | undefined;
  private readonly http: HttpFront;
  private readonly fileStore: FileStore | undefined;
  port = 0;

  private constructor(readonly opts: ClusterOptions) {
    this.store = new Store(opts.watchHistory ?? 10000);
    const now = opts.now ?? (() => new Date());
    this.api = new ResourceApi(this.registry, this.store, { now });
    if (opts.dataDir) {
      this.fileStore = new FileStore(opts.dataDir, this.store);
    }
    this.controllers = new Controllers(this.registry, this.store, this.api, { caCert: opts.caCert, now });
    if (opts.simulate !== false) {
      this.workloads = new Workloads(this.registry, this.store, this.api, { nodeName: opts.name, now, delayMs: opts.rolloutDelayMs ?? 300, runners: opts.runners ?? [] });
    }
    const openapi = new OpenApiV3(this.registry, KUBERNETES_VERSION.gitVersion);
    this.http = new HttpFront(this.registry, this.store, this.api, openapi, {
      token: opts.token,
      cert: opts.cert,
      key: opts.key,
      version: KUBERNETES_VERSION,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
      watchBufferBytes: opts.watchBufferBytes ?? 16 * 1024 * 1024,
      now,
      podLogs: (pod) => this.workloads?.logsOf(pod),
    });
  }

  static async start(opts: ClusterOptions): Promise<LocalCluster> {
    const c = new LocalCluster(opts);
    if (c.fileStore) {
      c.fileStore.open();
      c.store.sink = c.fileStore;
    }
    c.controllers.start();
    c.bootstrap();
    c.workloads?.start();
    c.port = await c.http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
    c.ensureKubernetesService();
    return c;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  private writer(manager: string): WriteOptions {
    return { dryRun: false, fieldManager: manager, fieldValidation: 'Ignore', force: false };
  }

  private ensure(group: string, version: string, plural: string, namespace: string, obj: ValueMap, manager = 'kube-apiserver'): void {
    const t = this.registry.lookup(group, version, plural);
    if (!t) return;
    const name = String((obj.metadata as ValueMap).name);
    if (this.store.get(t.storage, t.namespaced ? namespace : '', name)) return;
    try {
      this.api.create(t, namespace, obj, this.writer(manager));
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
  }

  /** The objects every cluster starts with. */
  private bootstrap(): void {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.ensure('', 'v1', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    this.ensure('scheduling.k8s.io', 'v1', 'priorityclasses', '', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'system-cluster-critical' },
      value: 2000000000,
      description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
    });
    this.ensure('scheduling.k8s.io', 'v1', 'priorityclasses', '', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'system-node-critical' },
      value: 2000001000,
      description: 'Used for system critical pods that must not be moved from their current node.',
    });
    this.ensure('storage.k8s.io', 'v1', 'storageclasses', '', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'fluxion.dev/simulated',
    });
    const now = timestamp(new Date());
    this.ensure('', 'v1', 'nodes', '', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: this.opts.name, labels: { 'kubernetes.io/hostname': this.opts.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' } },
      spec: {},
    });
    const nodeType = this.registry.lookup('', 'v1', 'nodes')!;
    const node = this.api.read(nodeType, '', this.opts.name);
    if (node && !(node.status as ValueMap | undefined)?.conditions) {
      this.api.update(
        nodeType,
        '',
        this.opts.name,
        {
          ...node,
          status: {
            capacity: { cpu: '2', memory: '8Gi', pods: '110' },
            allocatable: { cpu: '2', memory: '8Gi', pods: '110' },
            conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'simulated by fluxion cluster', lastHeartbeatTime: now, lastTransitionTime: now }],
            addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: this.opts.name }],
            nodeInfo: { kubeletVersion: KUBERNETES_VERSION.gitVersion, kubeProxyVersion: KUBERNETES_VERSION.gitVersion, operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'fluxion://simulated', osImage: 'fluxion', kernelVersion: '', machineID: '', systemUUID: '', bootID: '' },
          },
        },
        this.writer('kubelet'),
        'status',
      );
    }
  }

  private ensureKubernetesService(): void {
    this.ensure('', 'v1', 'services', 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: this.port }], clusterIP: '10.96.0.1' },
    });
  }

  async stop(): Promise<void> {
    this.workloads?.stop();
    this.controllers.stop();
    await this.http.close();
    this.fileStore?.close();
  }
}
