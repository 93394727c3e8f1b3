/**
 * `fluxion uninstall [--silent] [--keep-namespace] [--dry-run]`: removes Flux as flux does, in
 * its order: the components (Deployments, Services, NetworkPolicies, ServiceAccounts,
 * ClusterRoles, ClusterRoleBindings labelled part-of flux), then the finalizers of every
 * toolkit object in every namespace (so that nothing waits on a controller that is gone),
 * then the CRDs, then the namespace. Asks first unless --silent or --dry-run.
 */
import type { Command } from 'commander';
import { withKubeFlags, type KubeFlags } from './common.js';

interface UninstallFlags extends KubeFlags {
  silent?: boolean;
  keepNamespace?: boolean;
  dryRun?: boolean;
}

const PART_OF = 'app.kubernetes.io/part-of=flux';

/** The component kinds flux deletes, in its order (namespaced ones in the install namespace). */
const COMPONENT_KINDS: { apiVersion: string; kind: string; namespaced: boolean }[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespaced: false },
];

export function registerUninstall(program: Command): void {
  const cmd = program
    .command('uninstall')
    .description('uninstall Flux and its custom resource definitions')
    .option('--keep-namespace', 'skip namespace deletion')
    .option('--dry-run', 'only print the objects that would be deleted')
    .option('-s, --silent', 'delete components without asking for confirmation');
  withKubeFlags(cmd).action((flags: UninstallFlags) => runUninstall(flags));
}

export async function runUninstall(flags: UninstallFlags): Promise<void> {
  const { say, withClient, confirm, CliError } = await import('./common.js');
  const { fluxClusterInfo, managedByFlux } = await import('../bootstrap/cluster-info.js');
  const { isNotFound } = await import('../kube/errors.js');
  await withClient(flags, async (client) => {
    if (!flags.dryRun && !flags.silent) {
      const info = await fluxClusterInfo(client).catch((e: unknown) => {
        if (isNotFound(e)) return undefined;
        throw new CliError(`cluster info unavailable: ${(e as Error).message}`);
      });
      const question =
        info && !managedByFlux(info.managedBy)
          ? `Flux is managed by ${info.managedBy}! Are you sure you want to delete Flux and its CRDs using Flux CLI?`
          : 'Are you sure you want to delete Flux and its custom resource definitions?';
      if (!(await confirm(question, '--silent'))) throw new CliError('aborting');
    }
    const dry = flags.dryRun ? ' (dry run)' : '';
    const query = flags.dryRun ? { dryRun: 'All' } : undefined;
    const subject = (kind: string, ns: string | undefined, name: string) => (ns ? `${kind}/${ns}/${name}` : `${kind}/${name}`);
    let failures = 0;

    const remove = async (apiVersion: string, kind: string, ns: string | undefined, name: string) => {
      const { path } = await client.path({ apiVersion, kind, namespace: ns }, name);
      try {
        await client.http.request('DELETE', path, { query, body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
        say.success(`${subject(kind, ns, name)} deleted${dry}`);
      } catch (e) {
        failures++;
        say.failure(`${subject(kind, ns, name)} deletion failed: ${(e as Error).message}`);
      }
    };
    // A kind the cluster does not serve has nothing to delete.
    const listOrNone = async (ref: { apiVersion: string; kind: string; namespace?: string }, labelSelector?: string) => {
      try {
        return (await client.list(ref, { labelSelector })).items;
      } catch (e) {
        if (isNotFound(e)) return [];
        throw e;
      }
    };

    say.action(`deleting components in ${flags.namespace} namespace`);
    for (const k of COMPONENT_KINDS) {
      for (const obj of await listOrNone({ apiVersion: k.apiVersion, kind: k.kind, namespace: k.namespaced ? flags.namespace : undefined }, PART_OF)) {
        await remove(k.apiVersion, k.kind, obj.metadata.namespace, obj.metadata.name);
      }
    }

    say.action('deleting toolkit.fluxcd.io finalizers in all namespaces');
    // Every served kind of every Flux CRD: the kinds other helpers add are covered too.
    const crds = await listOrNone({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, PART_OF);
    for (const crd of crds as { spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; storage?: boolean }[] } }[]) {
      const group = crd.spec?.group ?? '';
      const version = crd.spec?.versions?.find((v) => v.storage)?.name ?? crd.spec?.versions?.[0]?.name;
      const kind = crd.spec?.names?.kind;
      if (!group.endsWith('toolkit.fluxcd.io') || !version || !kind) continue;
      for (const obj of await listOrNone({ apiVersion: `${group}/${version}`, kind })) {
        const id = subject(kind, obj.metadata.namespace, obj.metadata.name);
        try {
          await client.update({ ...obj, apiVersion: `${group}/${version}`, kind, metadata: { ...obj.metadata, finalizers: [] } }, { dryRun: flags.dryRun });
          say.success(`${id} finalizers deleted${dry}`);
        } catch (e) {
          failures++;
          say.failure(`${id} removing finalizers failed: ${(e as Error).message}`);
        }
      }
    }

    say.action('deleting toolkit.fluxcd.io custom resource definitions');
    for (const crd of crds) await remove('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, crd.metadata.name);

    if (!flags.keepNamespace) await remove('v1', 'Namespace', undefined, flags.namespace);
    if (failures > 0) throw new CliError(`uninstall failed: ${failures} object${failures > 1 ? 's' : ''} could not be deleted`);
  });
  say.success('uninstall finished');
}
