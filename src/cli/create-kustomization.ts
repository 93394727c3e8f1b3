/**
 * `fluxion create kustomization NAME`: builds the Kustomization flux would from its flags,
 * prints it with --export, or applies it and waits for the kustomize controller to apply a
 * revision.
 */
import { CliError, say, sayGenerating, timeoutMs, withClient, type KubeFlags } from './common.js';

export interface KustomizationFlags extends KubeFlags {
  source?: string;
  path: string;
  prune?: boolean;
  wait?: boolean;
  healthCheck?: string[];
  healthCheckTimeout: string;
  dependsOn?: string[];
  serviceAccount?: string;
  targetNamespace?: string;
  kubeconfigSecretRef?: string;
  retryInterval?: string;
  decryptionProvider?: string;
  decryptionSecret?: string;
  export?: boolean;
  interval: string;
  label?: string[];
}

const SOURCE_KINDS = ['OCIRepository', 'GitRepository', 'Bucket'];

/** --source: `[<kind>/]<name>[.<namespace>]`, the kind GitRepository when left out. */
export function parseSourceRef(value: string | undefined): { kind: string; name: string; namespace?: string } {
  if (!value?.trim()) throw new CliError(`--source is required: the source that contains the Kubernetes manifests, '[<kind>/]<name>[.<namespace>]' with kind one of: ${SOURCE_KINDS.join(', ')}`);
  const slash = value.split('/');
  let kind = slash.length === 2 ? slash[0]! : '';
  let name = slash.length === 2 ? slash[1]! : value;
  let namespace: string | undefined;
  const dots = name.split('.');
  if (dots.length > 1) {
    namespace = dots.pop();
    name = dots.join('.');
  }
  if (!name) throw new CliError(`--source: no name given for source of kind '${kind}'`);
  if (!kind) {
    if (SOURCE_KINDS.includes(name)) throw new CliError(`--source: no name given for source of kind '${name}'`);
    kind = 'GitRepository';
  }
  const known = SOURCE_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (!known) throw new CliError(`--source: source kind '${kind}' is not supported, must be one of: ${SOURCE_KINDS.join(', ')}`);
  return { kind: known, name, ...(namespace ? { namespace } : {}) };
}

/**
 * --path made a relative path inside the source, as flux's SafeRelativePath does: `..` cannot
 * climb above the root and the result starts with "./".
 */
export function safeRelativePath(path: string): string {
  const parts: string[] = [];
  for (const seg of path.trim().replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `./${parts.join('/')}`;
}

const HEALTH_KINDS: Record<string, string | undefined> = { Deployment: undefined, DaemonSet: undefined, StatefulSet: undefined, HelmRelease: 'helm.toolkit.fluxcd.io/v2' };

/** --health-check `<kind>/<name>.<namespace>` entries. */
export function parseHealthChecks(checks: string[]): Record<string, string>[] {
  return checks.map((w) => {
    const kindObj = w.split('/');
    if (kindObj.length !== 2) throw new CliError(`--health-check: invalid health check '${w}' must be in the format 'kind/name.namespace'`);
    const [kind, rest] = kindObj as [string, string];
    if (!(kind in HEALTH_KINDS)) throw new CliError(`--health-check: invalid health check kind '${kind}' can be HelmRelease, Deployment, DaemonSet or StatefulSet`);
    const nameNs = rest.split('.');
    if (nameNs.length !== 2 || !nameNs[0] || !nameNs[1]) throw new CliError(`--health-check: invalid health check '${w}' must be in the format 'kind/name.namespace'`);
    const apiVersion = HEALTH_KINDS[kind];
    return { ...(apiVersion ? { apiVersion } : {}), kind, name: nameNs[0], namespace: nameNs[1] };
  });
}

/** --depends-on `<name>` or `<namespace>/<name>`. */
export const parseDependsOn = (deps: string[]) =>
  deps.map((d) => {
    const parts = d.split('/');
    return parts.length > 1 ? { name: parts[1]!, namespace: parts[0]! } : { name: parts[0]! };
  });

export async function createKustomization(nameArg: string | undefined, flags: KustomizationFlags): Promise<void> {
  const { KUSTOMIZATION, checkObjectName, exportObject, exportYaml, goDuration, parseLabels, tidy, upsert, waitForReady } = await import('./objects.js');
  const name = checkObjectName(nameArg);
  if (flags.decryptionProvider !== undefined || flags.decryptionSecret !== undefined) {
    if (flags.decryptionProvider !== undefined && flags.decryptionProvider !== 'sops') throw new CliError(`--decryption-provider: unsupported decryption provider '${flags.decryptionProvider}', must be one of: sops`);
    throw new CliError('--decryption-provider/--decryption-secret: SOPS decryption is not supported by fluxion yet; decrypt the secrets before they reach the source, or leave these flags out');
  }
  if (!flags.path?.trim()) throw new CliError('--path is required');
  const sourceRef = parseSourceRef(flags.source);
  const labels = parseLabels(flags.label);

  const spec: Record<string, unknown> = {
    interval: goDuration(flags.interval),
    path: safeRelativePath(flags.path),
    prune: flags.prune ?? false,
    sourceRef,
    suspend: false,
  };
  if (flags.dependsOn?.length) spec.dependsOn = parseDependsOn(flags.dependsOn);
  if (flags.targetNamespace) spec.targetNamespace = flags.targetNamespace;
  if (flags.kubeconfigSecretRef) spec.kubeConfig = { secretRef: { name: flags.kubeconfigSecretRef } };
  // Health checks are ignored with --wait, which checks every applied object.
  if (flags.healthCheck?.length && !flags.wait) {
    spec.healthChecks = parseHealthChecks(flags.healthCheck);
    spec.timeout = goDuration(flags.healthCheckTimeout);
  }
  if (flags.wait) {
    spec.wait = true;
    spec.timeout = goDuration(flags.healthCheckTimeout);
  }
  if (flags.serviceAccount) spec.serviceAccountName = flags.serviceAccount;
  if (flags.retryInterval && goDuration(flags.retryInterval) !== '0s') spec.retryInterval = goDuration(flags.retryInterval);

  const ks = {
    apiVersion: KUSTOMIZATION.apiVersion,
    kind: KUSTOMIZATION.kind,
    metadata: { name, namespace: flags.namespace, ...(labels ? { labels } : {}) },
    spec,
  };
  if (flags.export) {
    process.stdout.write(exportYaml(exportObject(KUSTOMIZATION, ks)));
    return;
  }

  const timeout = await timeoutMs(flags);
  sayGenerating('generating Kustomization');
  await withClient(flags, async (client) => {
    say.action('applying Kustomization');
    const desired = { ...ks, spec: tidy(KUSTOMIZATION.definition.schema.properties?.spec, spec) };
    const op = await upsert(client, desired, { fields: ['spec'], labels: true });
    say.success(`Kustomization ${op}`);
    say.waiting('waiting for Kustomization reconciliation');
    const ready = await waitForReady(client, KUSTOMIZATION, flags.namespace, name, timeout);
    say.success(`Kustomization ${name} is ready`);
    say.success(`applied revision ${ready.status?.lastAppliedRevision ?? ''}`);
  });
}
