/**
 * `fluxion create source git NAME`: builds the GitRepository flux would, prints it with
 * --export, or stores the credentials (when given and no --secret-ref), applies it and waits
 * for the source controller to fetch a revision.
 */
import { CliError, confirm, say, sayGenerating, timeoutMs, withClient, type KubeFlags } from './common.js';
import type { SshKeyFlags } from './create-secret-git.js';

export interface SourceGitFlags extends KubeFlags, SshKeyFlags {
  url?: string;
  branch?: string;
  tag?: string;
  tagSemver?: string;
  refName?: string;
  commit?: string;
  username?: string;
  secretRef?: string;
  caFile?: string;
  recurseSubmodules?: boolean;
  ignorePaths?: string[];
  provider?: string;
  sparseCheckoutPaths?: string[];
  fetchTimeout?: string;
  silent?: boolean;
  export?: boolean;
  interval: string;
  label?: string[];
}

/** The GitRepository's ref: a commit (with its branch), else the ref name, semver, tag, branch. */
function gitRef(flags: SourceGitFlags): Record<string, string> {
  if (flags.commit) return { commit: flags.commit, ...(flags.branch ? { branch: flags.branch } : {}) };
  if (flags.refName) return { name: flags.refName };
  if (flags.tagSemver) return { semver: flags.tagSemver };
  if (flags.tag) return { tag: flags.tag };
  return { branch: flags.branch! };
}

export async function createSourceGit(nameArg: string | undefined, flags: SourceGitFlags): Promise<void> {
  const { GIT_REPOSITORY, checkObjectName, exportObject, exportYaml, goDuration, parseLabels, tidy, upsert, waitForReady } = await import('./objects.js');
  const { gitSecretData, parseGitUrl, secretObject } = await import('./create-secret-git.js');
  const name = checkObjectName(nameArg);
  const url = parseGitUrl(flags.url);
  const scheme = url.protocol.replace(/:$/, '');
  if (!flags.branch && !flags.tag && !flags.tagSemver && !flags.commit && !flags.refName) throw new CliError('a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver');
  if (flags.caFile && scheme === 'ssh') throw new CliError('--ca-file: specifying a CA file is not supported for Git over SSH');
  if (flags.provider && !['generic', 'azure', 'github'].includes(flags.provider)) throw new CliError(`--provider: source Git provider '${flags.provider}' is not supported, must be one of: generic, azure, github`);
  const labels = parseLabels(flags.label);

  const spec: Record<string, unknown> = {
    url: flags.url,
    interval: goDuration(flags.interval),
    ref: gitRef(flags),
    recurseSubmodules: flags.recurseSubmodules ?? false,
  };
  if (flags.ignorePaths?.length) spec.ignore = flags.ignorePaths.join('\n');
  if (flags.fetchTimeout) spec.timeout = goDuration(flags.fetchTimeout);
  if (flags.secretRef) spec.secretRef = { name: flags.secretRef };
  if (flags.provider) spec.provider = flags.provider;
  if (flags.sparseCheckoutPaths?.length) spec.sparseCheckout = flags.sparseCheckoutPaths;
  const repo = {
    apiVersion: GIT_REPOSITORY.apiVersion,
    kind: GIT_REPOSITORY.kind,
    metadata: { name, namespace: flags.namespace, ...(labels ? { labels } : {}) },
    spec,
  };
  if (flags.export) {
    process.stdout.write(exportYaml(exportObject(GIT_REPOSITORY, repo)));
    return;
  }

  const timeout = await timeoutMs(flags);
  await withClient(flags, async (client) => {
    sayGenerating('generating GitRepository source');
    if (!flags.secretRef) {
      if (scheme === 'http' && flags.username) say.warning('insecure configuration: credentials configured for an HTTP URL');
      const data = await gitSecretData({ ...flags, url });
      if (data.knownHosts) say.success(`collected public key from SSH server:\n${data.knownHosts}`);
      if (data.publicKey) {
        sayGenerating(`deploy key: ${data.publicKey}`);
        if (!flags.silent && !(await confirm('Have you added the deploy key to your repository', '--silent'))) throw new CliError('aborting');
      }
      if (Object.keys(data.stringData).length > 0) {
        say.action('applying secret with repository credentials');
        await upsert(client, secretObject(name, flags.namespace, labels, data.stringData), { fields: ['stringData'], labels: false });
        spec.secretRef = { name };
        say.success('authentication configured');
      }
    }
    say.action('applying GitRepository source');
    const desired = { ...repo, spec: tidy(GIT_REPOSITORY.definition.schema.properties?.spec, spec) };
    const op = await upsert(client, desired, { fields: ['spec'], labels: true });
    say.success(`GitRepository source ${op}`);
    say.waiting('waiting for GitRepository source reconciliation');
    const ready = await waitForReady(client, GIT_REPOSITORY, flags.namespace, name, timeout);
    say.success('GitRepository source reconciliation completed');
    const revision = ready.status?.artifact?.revision;
    if (!revision) throw new CliError('GitRepository source reconciliation completed but no artifact was found');
    say.success(`fetched revision: ${revision}`);
  });
}
