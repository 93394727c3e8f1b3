/**
 * `fluxion reconcile source git|oci|bucket|helm|chart NAME` and `reconcile kustomization NAME
 * [--with-source]`, as flux does them: refuse a suspended object, ask for a reconciliation with
 * the `reconcile.fluxcd.io/requestedAt` annotation (a merge patch), then wait until the
 * controller has handled that request and report the revision it fetched or applied. A
 * handled request that left the object not Ready fails with the Ready message (exit 1).
 */
import type { Command } from 'commander';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { CliError, say, timeoutMs, withClient, withKubeFlags, type KubeFlags } from './common.js';

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
const POLL_MS = 500;

type FluxObject = KubeObject & {
  spec?: { suspend?: boolean; type?: string; sourceRef?: { kind: string; name: string; namespace?: string } };
  status?: {
    observedGeneration?: number;
    lastHandledReconcileAt?: string;
    lastAppliedRevision?: string;
    artifact?: { revision?: string };
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
};

/** What the verb needs to know of a kind: where it is served and what success says. */
interface ReconcileKind {
  kind: string;
  apiVersion: string;
  success(obj: FluxObject): string;
  /** Objects without a reconciler (an OCI HelmRepository is only a pointer). */
  isStatic?(obj: FluxObject): boolean;
}

const fetched = (obj: FluxObject) => `fetched revision ${obj.status?.artifact?.revision ?? ''}`;

const SOURCE_KINDS: Record<string, ReconcileKind> = {
  git: { kind: 'GitRepository', apiVersion: 'source.toolkit.fluxcd.io/v1', success: fetched },
  oci: { kind: 'OCIRepository', apiVersion: 'source.toolkit.fluxcd.io/v1', success: fetched },
  bucket: { kind: 'Bucket', apiVersion: 'source.toolkit.fluxcd.io/v1', success: fetched },
  helm: { kind: 'HelmRepository', apiVersion: 'source.toolkit.fluxcd.io/v1', success: fetched, isStatic: (o) => o.spec?.type === 'oci' },
  chart: { kind: 'HelmChart', apiVersion: 'source.toolkit.fluxcd.io/v1', success: fetched },
};

const KUSTOMIZATION: ReconcileKind = {
  kind: 'Kustomization',
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  success: (obj) => `applied revision ${obj.status?.lastAppliedRevision ?? ''}`,
};

/** The kinds a Kustomization's sourceRef may name. */
const SOURCE_BY_KIND = new Map(Object.values(SOURCE_KINDS).map((k) => [k.kind, k]));

/** Go's time.RFC3339Nano of now, in UTC: trailing zeros of the fraction dropped. */
export function rfc3339Nano(d = new Date()): string {
  return d.toISOString().replace(/\.?0+Z$/, 'Z');
}

/**
 * Whether the controller handled our request: it recorded our token, or a later one (another
 * client asked again after us, and that request covers ours too).
 */
export function requestHandled(handled: string | undefined, before: string | undefined, token: string): boolean {
  if (handled === undefined || handled === before) return false;
  if (handled === token) return true;
  const [h, t] = [Date.parse(handled), Date.parse(token)];
  return !Number.isNaN(h) && !Number.isNaN(t) && h >= t;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The four beats for one object: ► annotating, ✔ annotated, ◎ waiting, ✔ revision. */
export async function reconcileObject(client: KubeClient, kind: ReconcileKind, name: string, namespace: string, deadline: number, timeoutText: string): Promise<FluxObject> {
  const ref = { apiVersion: kind.apiVersion, kind: kind.kind, namespace };
  const obj = await client.get<FluxObject>(ref, name);
  if (kind.isStatic?.(obj)) {
    say.success('reconciliation not supported by the object');
    return obj;
  }
  if (obj.spec?.suspend) throw new CliError('resource is suspended');
  return requestAndWait(client, kind, obj, deadline, timeoutText);
}

async function requestAndWait(client: KubeClient, kind: ReconcileKind, obj: FluxObject, deadline: number, timeoutText: string): Promise<FluxObject> {
  const { name, namespace } = obj.metadata;
  const ref = { apiVersion: kind.apiVersion, kind: kind.kind, namespace };
  const before = obj.status?.lastHandledReconcileAt;
  say.action(`annotating ${kind.kind} ${name} in ${namespace} namespace`);
  const token = rfc3339Nano();
  await client.patch(ref, name, 'merge', { metadata: { annotations: { [REQUESTED_AT]: token } } });
  say.success(`${kind.kind} annotated`);
  say.waiting(`waiting for ${kind.kind} reconciliation`);
  for (;;) {
    const cur = await client.get<FluxObject>(ref, name);
    if (requestHandled(cur.status?.lastHandledReconcileAt, before, token)) {
      const ready = cur.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status === 'False') throw new CliError(`${kind.kind} reconciliation failed: '${ready.message ?? ''}'`);
      const current = (cur.status?.observedGeneration ?? -1) === (cur.metadata.generation ?? 0);
      if (ready?.status === 'True' && current) {
        say.success(kind.success(cur));
        return cur;
      }
    }
    if (Date.now() + POLL_MS > deadline) {
      throw new CliError(`timed out after ${timeoutText} waiting for ${kind.kind} ${namespace}/${name} to be reconciled (is its controller running?)`);
    }
    await sleep(POLL_MS);
  }
}

/** `--with-source`: the Kustomization's source first (in its own namespace when it names one). */
async function reconcileWithSource(client: KubeClient, name: string, namespace: string, withSource: boolean, deadline: number, timeoutText: string): Promise<void> {
  const ref = { apiVersion: KUSTOMIZATION.apiVersion, kind: KUSTOMIZATION.kind, namespace };
  const ks = await client.get<FluxObject>(ref, name);
  if (ks.spec?.suspend) throw new CliError('resource is suspended');
  if (withSource) {
    const src = ks.spec?.sourceRef;
    const srcKind = src && SOURCE_BY_KIND.get(src.kind);
    if (!src || !srcKind) throw new CliError(`Kustomization ${namespace}/${name} has a sourceRef of kind '${src?.kind ?? ''}', which cannot be reconciled`);
    await reconcileObject(client, srcKind, src.name, src.namespace || namespace, deadline, timeoutText);
  }
  await requestAndWait(client, KUSTOMIZATION, ks, deadline, timeoutText);
}

export function registerReconcile(program: Command): void {
  const reconcile = program.command('reconcile').description('reconcile sources and resources');
  const source = reconcile.command('source').description('reconcile sources');
  for (const [verb, kind] of Object.entries(SOURCE_KINDS)) {
    withKubeFlags(
      source
        .command(`${verb} <name>`)
        .description(`trigger a reconciliation of a ${kind.kind} and wait for it to finish`)
        .action(async (name: string, flags: KubeFlags) => {
          const ms = await timeoutMs(flags);
          await withClient(flags, (client) => reconcileObject(client, kind, name, flags.namespace, Date.now() + ms, flags.timeout));
        }),
    );
  }
  withKubeFlags(
    reconcile
      .command('kustomization <name>')
      .alias('ks')
      .description('trigger a reconciliation of a Kustomization (and of its source with --with-source) and wait for it')
      .option('--with-source', 'reconcile the Kustomization source first')
      .action(async (name: string, flags: KubeFlags & { withSource?: boolean }) => {
        const ms = await timeoutMs(flags);
        await withClient(flags, (client) => reconcileWithSource(client, name, flags.namespace, Boolean(flags.withSource), Date.now() + ms, flags.timeout));
      }),
  );
}
