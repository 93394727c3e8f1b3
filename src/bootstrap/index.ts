/**
 * `bootstrap git` as a library: the steps of flux's plain-git bootstrapper, in its order and
 * with its messages.
 *
 * 1. components: clone the branch, write `<path>/<ns>/gotk-components.yaml`, commit and push
 *    when it changed, install the components unless the cluster already syncs itself;
 * 2. source secret: create or update the Secret the GitRepository authenticates with;
 * 3. sync: write gotk-sync.yaml and kustomization.yaml, commit and push when they changed,
 *    apply them;
 * 4. health: wait for the GitRepository and the Kustomization to be Ready at the pushed
 *    revision, then for the controller Deployments.
 *
 * Run again with the same options, it commits nothing and changes nothing.
 */
import type { InstallOptions } from '../api/install.js';
import type { GitAuth } from '../git/index.js';
import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import { applyManifests } from './apply.js';
import { assessDeployments, waitForReconciled } from './health.js';
import { COMPONENTS_FILE, componentsManifest, kustomizationManifest, kustomizationPath, KUSTOMIZATION_FILE, manifestsDir, SYNC_FILE, syncManifest, type SyncOptions } from './manifests.js';
import { WorkingCopy, type Author } from './repository.js';
import type { Reporter } from './reporter.js';
import { reconcileSecret, secretExists, sourceSecret, type SourceSecretData } from './secret.js';

export { applyManifests, subjectOf, FIELD_MANAGER, type ChangeSetEntry } from './apply.js';
export { assessDeployments, waitForReconciled } from './health.js';
export { componentsManifest, syncManifest, syncObjects, kustomizationManifest, manifestsDir, COMPONENTS_FILE, SYNC_FILE, KUSTOMIZATION_FILE } from './manifests.js';
export { syncSourceOf, type SyncSource } from './source.js';
export { generateDeployKey, publicKeyOf, scanHostKeys, sourceSecret, type SourceSecretData } from './secret.js';
export { WorkingCopy, type Author } from './repository.js';
export type { Reporter } from './reporter.js';

export const DEFAULT_AUTHOR: Author = { name: 'Flux', email: '' };

export interface BootstrapOptions {
  client: KubeClient;
  /** The repository bootstrap clones and pushes to, and how git authenticates there. */
  repository: { url: string; branch: string; auth: GitAuth; caCert?: string };
  /** The repository path the cluster syncs (--path), "/"-separated, relative. */
  path: string;
  namespace: string;
  install: InstallOptions & { components: string[] };
  sync: Omit<SyncOptions, 'targetPath' | 'namespace' | 'name' | 'branch'>;
  /**
   * The Secret's data, applied when it differs. A function is called only when no Secret
   * exists yet (a new deploy key); `undefined` keeps the existing one.
   */
  secret: SourceSecretData | (() => Promise<SourceSecretData>) | undefined;
  author?: Author;
  commitMessageAppendix?: string;
  timeoutMs: number;
  pollMs?: number;
  report: Reporter;
}

const withAppendix = (msg: string, appendix?: string) => (appendix ? `${msg}\n\n${appendix}` : msg);

/** flux's mustInstallManifests: install unless the sync Kustomization has applied something. */
async function mustInstall(client: KubeClient, namespace: string): Promise<boolean> {
  try {
    const ks = (await client.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace }, namespace)) as KubeObject & { status?: { lastAppliedRevision?: string } };
    return !ks.status?.lastAppliedRevision;
  } catch {
    return true;
  }
}

/** The path of an existing sync Kustomization when it differs from ours (flux refuses to overwrite it). */
async function existingPathDiffers(client: KubeClient, namespace: string, name: string, path: string): Promise<string | undefined> {
  let ks: KubeObject & { spec?: { path?: string } };
  try {
    ks = await client.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace }, name);
  } catch (e) {
    // No Kustomization, or no such kind yet (CRDs not installed).
    if (isNotFound(e) || /not found|no kind/i.test((e as Error).message)) return undefined;
    throw e;
  }
  const norm = (p: string) => kustomizationPath(p.length > 2 ? p.replace(/\/+$/, '') : p);
  const current = ks.spec?.path ?? '';
  return norm(current) === norm(path) ? undefined : current;
}

/** The objects of `<dir>`: kustomize build when it holds a kustomization.yaml, else the given file. */
async function objectsToApply(wc: WorkingCopy, dir: string, file: string): Promise<KubeObject[]> {
  if ((await wc.read(`${dir}/${KUSTOMIZATION_FILE}`)) !== undefined) {
    const { build } = await import('../kustomize/index.js');
    return build(`${wc.dir}/${dir}`).objects as unknown as KubeObject[];
  }
  const { parseAllDocuments } = await import('../yaml/parse.js');
  return (parseAllDocuments((await wc.read(`${dir}/${file}`))!) as unknown as (KubeObject | null)[]).filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

export async function runBootstrap(o: BootstrapOptions): Promise<void> {
  const { client, report } = o;
  const author = o.author ?? DEFAULT_AUTHOR;
  const { url, branch } = o.repository;
  const dir = manifestsDir(o.path, o.namespace);
  const key = `${o.namespace}/${o.namespace}`;
  const apply = (objects: KubeObject[]) => applyManifests(client, objects, { timeoutMs: o.timeoutMs, onEntry: (e) => report.plain?.(`${e.subject} ${e.action}`) });

  report.action(`cloning branch "${branch}" from Git repository "${url}"`);
  const wc = await WorkingCopy.clone({ ...o.repository, timeoutMs: o.timeoutMs }).catch((e: Error) => {
    throw new Error(`failed to clone repository: ${e.message}`);
  });
  try {
    report.success('cloned repository');

    // 1. Components.
    report.action('generating component manifests');
    const components = componentsManifest({ ...o.install, namespace: o.namespace });
    report.success('generated component manifests');
    await wc.write(`${dir}/${COMPONENTS_FILE}`, components.content);
    const version = o.install.version.startsWith('v') ? o.install.version : `v${o.install.version}`;
    const componentsCommit = await wc.commit([`${dir}/${COMPONENTS_FILE}`], withAppendix(`Add Flux ${version} component manifests`, o.commitMessageAppendix), author);
    if (componentsCommit) {
      report.success(`committed component manifests to "${branch}" ("${componentsCommit}")`);
      report.action(`pushing component manifests to "${url}"`);
      await wc.push().catch((e: Error) => {
        throw new Error(`failed to push manifests: ${e.message}`);
      });
    } else report.success('component manifests are up to date');
    if (await mustInstall(client, o.namespace)) {
      report.action(`installing components in "${o.namespace}" namespace`);
      await apply(await objectsToApply(wc, dir, COMPONENTS_FILE));
      report.success('installed components');
    }
    report.success('reconciled components');

    // 2. Source secret.
    const secretName = o.sync.secretName;
    report.action(`determining if source secret "${o.namespace}/${secretName}" exists`);
    if ((await secretExists(client, o.namespace, secretName)) && (o.secret === undefined || typeof o.secret === 'function')) {
      report.success('source secret up to date');
    } else {
      report.action('generating source secret');
      const data = typeof o.secret === 'function' ? await o.secret() : o.secret;
      if (!data) throw new Error(`no credentials for the source secret "${o.namespace}/${secretName}"`);
      report.action(`applying source secret "${o.namespace}/${secretName}"`);
      await reconcileSecret(client, sourceSecret(secretName, o.namespace, data));
      report.success('reconciled source secret');
    }

    // 3. Sync configuration.
    const previousPath = await existingPathDiffers(client, o.namespace, o.namespace, o.path);
    if (previousPath !== undefined) throw new Error(`sync path configuration ("${o.path}") would overwrite path ("${previousPath}") of existing Kustomization`);
    report.action('generating sync manifests');
    const syncOpts: SyncOptions = { ...o.sync, name: o.namespace, namespace: o.namespace, branch, targetPath: o.path };
    await wc.write(`${dir}/${SYNC_FILE}`, syncManifest(syncOpts));
    // An existing kustomization.yaml is the user's (patches): it stays as it is.
    if ((await wc.read(`${dir}/${KUSTOMIZATION_FILE}`)) === undefined) await wc.write(`${dir}/${KUSTOMIZATION_FILE}`, kustomizationManifest([COMPONENTS_FILE, SYNC_FILE]));
    report.success('generated sync manifests');
    const syncCommit = await wc.commit([`${dir}/${SYNC_FILE}`, `${dir}/${KUSTOMIZATION_FILE}`], withAppendix('Add Flux sync manifests', o.commitMessageAppendix), author);
    if (syncCommit) {
      report.success(`committed sync manifests to "${branch}" ("${syncCommit}")`);
      report.action(`pushing sync manifests to "${url}"`);
      await wc.push().catch((e: Error) => {
        throw new Error(`failed to push sync manifests: ${e.message}`);
      });
    } else report.success('sync manifests are up to date');
    report.action('applying sync manifests');
    await apply(await objectsToApply(wc, dir, SYNC_FILE));
    report.success('reconciled sync configuration');

    // 4. Health.
    const revision = `${branch}@sha1:${await wc.head()}`;
    const wait = { timeoutMs: o.timeoutMs, pollMs: o.pollMs };
    const failures: string[] = [];
    for (const [kind, apiVersion] of [
      ['GitRepository', 'source.toolkit.fluxcd.io/v1'],
      ['Kustomization', 'kustomize.toolkit.fluxcd.io/v1'],
    ] as const) {
      report.waiting(`waiting for ${kind} "${key}" to be reconciled`);
      try {
        await waitForReconciled(client, { apiVersion, kind, namespace: o.namespace }, o.namespace, revision, wait);
        report.success(`${kind} reconciled successfully`);
      } catch (e) {
        report.failure((e as Error).message);
        failures.push(`error while waiting for ${kind} to be ready: '${(e as Error).message}'`);
      }
    }
    report.action('confirming components are healthy');
    if (await assessDeployments(client, o.namespace, o.install.components, wait, report)) report.success('all components are healthy');
    else failures.push('timed out waiting for condition');
    if (failures.length > 0) throw new Error(`bootstrap failed with ${failures.length} health check failure(s): [${failures.join(', ')}]`);
  } finally {
    await wc.dispose();
  }
}
