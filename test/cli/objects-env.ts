/**
 * The world of the object-verb tests (create, get, export, suspend, resume, delete): an
 * in-process cluster with Flux's CRDs, a client, and a stand-in for the controllers that
 * writes the status they would (no controller runs in these tests; the verbs only read
 * status, so the stand-in's status patches are what they wait for).
 */
import { allCrds } from '../../src/api/install.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { poll, startCluster, type TestCluster } from '../apiserver/helpers.js';
import { fluxion, type CliRun } from './run.js';

export const GIT = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
export const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = KubeObject & { spec?: any; status?: any };

export interface ObjectsEnv {
  cluster: TestCluster;
  client: KubeClient;
  run(...args: string[]): Promise<CliRun>;
  namespace(name: string): Promise<void>;
  get(ref: { apiVersion: string; kind: string }, namespace: string, name: string): Promise<Obj>;
  stop(): Promise<void>;
}

export async function startObjectsEnv(): Promise<ObjectsEnv> {
  const cluster = await startCluster();
  const client = new KubeClient(await loadKubeConfig({ kubeconfig: cluster.kubeconfig }));
  for (const crd of allCrds()) await client.create(crd as KubeObject);
  client.discovery.invalidate();
  // The CRDs are served once discovery lists them.
  await poll('Flux kinds served', async () => (await client.list({ ...KS, namespace: 'default' })) && true, 20_000);
  return {
    cluster,
    client,
    run: (...args) => fluxion(args, { kubeconfig: cluster.kubeconfig }),
    namespace: async (name) => {
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    },
    get: (ref, namespace, name) => client.get<Obj>({ ...ref, namespace }, name),
    stop: async () => {
      client.close();
      await cluster.stop();
    },
  };
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function readyCondition(generation: number, status: 'True' | 'False', reason: string, message: string) {
  return { type: 'Ready', status, reason, message, lastTransitionTime: now(), observedGeneration: generation };
}

/** The status a source controller writes after fetching `revision`. */
export function fetchedStatus(obj: Obj, revision: string) {
  const g = obj.metadata.generation!;
  return {
    observedGeneration: g,
    artifact: { path: `gitrepository/${obj.metadata.namespace}/${obj.metadata.name}/x.tar.gz`, url: 'http://source-controller/x.tar.gz', revision, lastUpdateTime: now() },
    conditions: [readyCondition(g, 'True', 'Succeeded', `stored artifact for revision '${revision}'`)],
  };
}

/** The status a kustomize controller writes after applying `revision`. */
export function appliedStatus(obj: Obj, revision: string) {
  const g = obj.metadata.generation!;
  return { observedGeneration: g, lastAppliedRevision: revision, conditions: [readyCondition(g, 'True', 'ReconciliationSucceeded', `Applied revision: ${revision}`)] };
}

/** A stalled reconciliation: Ready=False and Stalled=True at the current generation. */
export function stalledStatus(obj: Obj, message: string) {
  const g = obj.metadata.generation!;
  return {
    observedGeneration: g,
    conditions: [readyCondition(g, 'False', 'URLInvalid', message), { type: 'Stalled', status: 'True', reason: 'URLInvalid', message, lastTransitionTime: now(), observedGeneration: g }],
  };
}

/**
 * Stands in for a controller: whenever an object of `ref` in `namespace` has a generation its
 * status has not observed, it patches the status `statusFor` returns (a status-subresource
 * patch, as a controller writes it).
 */
export function standIn(client: KubeClient, ref: { apiVersion: string; kind: string }, namespace: string, statusFor: (obj: Obj) => Record<string, unknown> | undefined) {
  let running = true;
  const handled: string[] = [];
  const loop = (async () => {
    while (running) {
      const list = await client.list<Obj>({ ...ref, namespace }).catch(() => ({ items: [] as Obj[] }));
      for (const obj of list.items) {
        if (obj.status?.observedGeneration === obj.metadata.generation) continue;
        const status = statusFor(obj);
        if (!status) continue;
        await client.patchStatus({ ...ref, namespace }, obj.metadata.name, 'merge', { status }).catch(() => undefined);
        handled.push(obj.metadata.name);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return { handled, stop: async () => ((running = false), await loop) };
}
