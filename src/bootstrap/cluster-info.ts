/**
 * What the cluster says about its Flux installation, read from the GitRepository CRD's labels
 * as flux reads them: the version, whether bootstrap installed it (kustomize-controller's
 * owner labels are on it), and which tool manages it.
 */
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';

export interface FluxClusterInfo {
  /** The installed version (app.kubernetes.io/version). */
  version: string;
  /** app.kubernetes.io/part-of ("flux"). */
  partOf: string;
  bootstrapped: boolean;
  /** app.kubernetes.io/managed-by, when another tool (Helm…) installed it. */
  managedBy: string;
}

/** The installation's info; rejects with the API's NotFound error when Flux is not installed. */
export async function fluxClusterInfo(client: KubeClient): Promise<FluxClusterInfo> {
  const crd: KubeObject = await client.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, 'gitrepositories.source.toolkit.fluxcd.io');
  const labels = crd.metadata.labels ?? {};
  return {
    version: labels['app.kubernetes.io/version'] ?? '',
    partOf: labels['app.kubernetes.io/part-of'] ?? '',
    bootstrapped: 'kustomize.toolkit.fluxcd.io/name' in labels && 'kustomize.toolkit.fluxcd.io/namespace' in labels,
    managedBy: labels['app.kubernetes.io/managed-by'] ?? '',
  };
}

/** flux's distribution string: `<part-of>-<version>` ("flux-v2.7.0"). */
export function distribution(info: FluxClusterInfo): string {
  return info.partOf ? `${info.partOf}-${info.version}` : info.version;
}

export const managedByFlux = (manager: string) => manager === '' || manager === 'flux';
