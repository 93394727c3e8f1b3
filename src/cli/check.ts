/**
 * `fluxion check [--pre]`: flux's checks, with its output. Prerequisites (the Kubernetes
 * version), then — unless --pre — the installation's version and whether it was
 * bootstrapped, the controllers (each Deployment ready, its images), and the CRDs with their
 * stored versions. Exit code 1 when any check fails.
 */
import type { Command } from 'commander';
import { withKubeFlags, type KubeFlags } from './common.js';

interface CheckFlags extends KubeFlags {
  pre?: boolean;
  components: string;
  componentsExtra?: string;
  pollInterval: string;
}

/** The Kubernetes versions Flux 2.7 supports. */
export const KUBERNETES_CONSTRAINT = '>=1.30.0-0';
const PART_OF = 'app.kubernetes.io/part-of=flux';

export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description('check requirements and installation')
    .option('--pre', 'only run pre-installation checks')
    .option('--components <list>', 'list of components, accepts comma-separated values', 'source-controller,kustomize-controller')
    .option('--components-extra <list>', 'list of components in addition to those supplied or defaulted, accepts comma-separated values')
    .option('--poll-interval <duration>', 'how often the health checker should poll the cluster for the latest state of the resources', '5s');
  withKubeFlags(cmd).action(async (flags: CheckFlags) => {
    await runCheck(flags, cmd.getOptionValueSource('components') === 'cli' || flags.componentsExtra !== undefined);
  });
}

export async function runCheck(flags: CheckFlags, componentsGiven: boolean): Promise<void> {
  const { say, timeoutMs, withClient, CliError } = await import('./common.js');
  const { parseDuration } = await import('../runtime/duration.js');
  const { SemverConstraint, parseVersionLoose } = await import('../git/semver.js');
  const timeout = await timeoutMs(flags);
  const pollMs = parseDuration(flags.pollInterval);
  if (pollMs === undefined || pollMs <= 0) throw new CliError(`--poll-interval must be a duration such as 5s, not '${flags.pollInterval}'`);
  const split = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const components = [...split(flags.components), ...split(flags.componentsExtra)];

  say.action('checking prerequisites');
  let failed = false;
  await withClient(flags, async (client) => {
    // Prerequisites: the server's version against Flux's constraint.
    let gitVersion: string;
    try {
      gitVersion = (await client.http.request<{ gitVersion: string }>('GET', '/version')).gitVersion;
    } catch (e) {
      say.failure(`Kubernetes API call failed: ${(e as Error).message}`);
      throw new CliError('check failed');
    }
    const v = parseVersionLoose(gitVersion);
    if (!v) {
      say.failure("Kubernetes version can't be determined");
      failed = true;
    } else if (!SemverConstraint.parse(KUBERNETES_CONSTRAINT).check(v)) {
      say.failure(`Kubernetes version ${gitVersion} does not match ${KUBERNETES_CONSTRAINT}`);
      failed = true;
    } else {
      say.success(`Kubernetes ${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}${v.build ? `+${v.build}` : ''} ${KUBERNETES_CONSTRAINT}`);
    }
    if (flags.pre) {
      if (failed) throw new CliError('prerequisites checks failed');
      say.success('prerequisites checks passed');
      return;
    }

    say.action('checking version in cluster');
    const { fluxClusterInfo, distribution } = await import('../bootstrap/cluster-info.js');
    try {
      const info = await fluxClusterInfo(client);
      if (distribution(info) !== '') say.success(`distribution: ${distribution(info)}`);
      say.success(`bootstrapped: ${info.bootstrapped}`);
    } catch (e) {
      say.failure(`checking failed: ${(e as Error).message}`);
      failed = true;
    }

    say.action('checking controllers');
    const { assessDeployments } = await import('../bootstrap/health.js');
    const deployments = await client.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: flags.namespace }, { labelSelector: PART_OF });
    if (deployments.items.length === 0) {
      say.failure(`no controllers found in the '${flags.namespace}' namespace with the label selector '${PART_OF}'`);
      failed = true;
    }
    for (const d of deployments.items as { metadata: { name: string }; spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }[]) {
      if (!(await assessDeployments(client, flags.namespace, [d.metadata.name], { timeoutMs: timeout, pollMs }, say))) failed = true;
      for (const c of d.spec?.template?.spec?.containers ?? []) say.action(c.image ?? '');
    }
    // Components asked for by name must be there (flux only lists what it finds).
    if (componentsGiven) {
      const found = new Set(deployments.items.map((d) => d.metadata.name));
      for (const c of components.filter((c) => !found.has(c))) {
        say.failure(`${c}: deployment not found`);
        failed = true;
      }
    }

    say.action('checking crds');
    const crds = await client.list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, { labelSelector: PART_OF });
    if (crds.items.length === 0) {
      say.failure(`no crds found with the label selector '${PART_OF}'`);
      failed = true;
    }
    for (const crd of crds.items as { metadata: { name: string }; status?: { storedVersions?: string[] } }[]) {
      const stored = crd.status?.storedVersions ?? [];
      if (stored.length > 0) say.success(`${crd.metadata.name}/${stored[stored.length - 1]}`);
      else {
        say.failure(`no stored versions for ${crd.metadata.name}`);
        failed = true;
      }
    }
  });
  if (flags.pre) return;
  if (failed) throw new CliError('check failed');
  say.success('all checks passed');
}
