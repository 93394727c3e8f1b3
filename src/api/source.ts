/**
 * source.toolkit.fluxcd.io: GitRepository, OCIRepository, HelmRepository, HelmChart,
 * Bucket and ExternalArtifact — types and schemas of the storage version (v1). Older
 * versions (v1beta2, v1beta1) are served with the same schema.
 */
import { artifactSchema, localObjectReference, statusSchema, type Artifact, type FluxObject, type LocalObjectReference, type ReconcileStatus } from './meta.js';
import { arr, bool, duration, obj, READY_COLUMNS, str, stringMap, type KindDefinition, type Schema } from './openapi.js';

export const SOURCE_GROUP = 'source.toolkit.fluxcd.io';
export const SOURCE_V1 = `${SOURCE_GROUP}/v1`;
export { FLUX_FINALIZER as SOURCE_FINALIZER } from './meta.js';
const CATEGORIES = ['all', 'fluxcd', 'fluxcd-sources'];
const COMPONENT = 'source-controller';

const deprecated = (version: string, kind: string, to = 'v1') => ({ name: version, deprecationWarning: `${version} ${kind} is deprecated, upgrade to ${to}` });
const TIMEOUT = str({ default: '60s', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$' });

// ---- GitRepository -------------------------------------------------------------------------

export interface GitRepositoryRef {
  branch?: string;
  tag?: string;
  semver?: string;
  name?: string;
  commit?: string;
}

export interface GitRepositoryInclude {
  repository: LocalObjectReference;
  fromPath?: string;
  toPath?: string;
}

export interface GitRepositorySpec {
  url: string;
  secretRef?: LocalObjectReference;
  provider?: 'generic' | 'aws' | 'azure' | 'github';
  serviceAccountName?: string;
  interval: string;
  timeout?: string;
  ref?: GitRepositoryRef;
  verify?: { mode?: 'HEAD' | 'head' | 'Tag' | 'TagAndHEAD'; secretRef: LocalObjectReference };
  proxySecretRef?: LocalObjectReference;
  ignore?: string;
  suspend?: boolean;
  recurseSubmodules?: boolean;
  include?: GitRepositoryInclude[];
  sparseCheckout?: string[];
}

export interface GitRepositoryStatus extends ReconcileStatus {
  artifact?: Artifact;
  includedArtifacts?: Artifact[];
  observedIgnore?: string;
  observedRecurseSubmodules?: boolean;
  observedInclude?: GitRepositoryInclude[];
  observedSparseCheckout?: string[];
  sourceVerificationMode?: string;
}

export type GitRepository = FluxObject<GitRepositorySpec, GitRepositoryStatus>;

const gitInclude: Schema = obj({ fromPath: str(), repository: localObjectReference, toPath: str() }, ['repository']);

export const gitRepositoryDefinition: KindDefinition = {
  group: SOURCE_GROUP,
  kind: 'GitRepository',
  plural: 'gitrepositories',
  singular: 'gitrepository',
  shortNames: ['gitrepo'],
  categories: CATEGORIES,
  scope: 'Namespaced',
  component: COMPONENT,
  versions: [{ name: 'v1' }, deprecated('v1beta2', 'GitRepository'), deprecated('v1beta1', 'GitRepository')],
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...READY_COLUMNS],
  schema: obj({
    spec: obj(
      {
        ignore: str(),
        include: arr(gitInclude),
        interval: duration(),
        provider: str({ enum: ['generic', 'aws', 'azure', 'github'] }),
        proxySecretRef: localObjectReference,
        recurseSubmodules: bool(),
        ref: obj({ branch: str(), commit: str(), name: str(), semver: str(), tag: str() }),
        secretRef: localObjectReference,
        serviceAccountName: str(),
        sparseCheckout: arr(str()),
        suspend: bool(),
        timeout: TIMEOUT,
        url: str({ pattern: '^(http|https|ssh)://.*$' }),
        verify: obj({ mode: str({ default: 'HEAD', enum: ['head', 'HEAD', 'Tag', 'TagAndHEAD'] }), secretRef: localObjectReference }, ['secretRef']),
      },
      ['interval', 'url'],
    ),
    status: statusSchema({
      artifact: artifactSchema,
      includedArtifacts: arr(artifactSchema),
      observedIgnore: str(),
      observedInclude: arr(gitInclude),
      observedRecurseSubmodules: bool(),
      observedSparseCheckout: arr(str()),
      sourceVerificationMode: str(),
    }),
  }),
};

// ---- OCIRepository -------------------------------------------------------------------------

export interface OCIRepositorySpec {
  url: string;
  ref?: { digest?: string; semver?: string; semverFilter?: string; tag?: string };
  layerSelector?: { mediaType?: string; operation?: 'extract' | 'copy' };
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  secretRef?: LocalObjectReference;
  verify?: Record<string, unknown>;
  serviceAccountName?: string;
  certSecretRef?: LocalObjectReference;
  proxySecretRef?: LocalObjectReference;
  interval: string;
  timeout?: string;
  ignore?: string;
  insecure?: boolean;
  suspend?: boolean;
}

export interface OCIRepositoryStatus extends ReconcileStatus {
  url?: string;
  artifact?: Artifact;
  observedIgnore?: string;
  observedLayerSelector?: { mediaType?: string; operation?: string };
}

export type OCIRepository = FluxObject<OCIRepositorySpec, OCIRepositoryStatus>;

const layerSelector: Schema = obj({ mediaType: str(), operation: str({ enum: ['extract', 'copy'] }) });

export const ociRepositoryDefinition: KindDefinition = {
  group: SOURCE_GROUP,
  kind: 'OCIRepository',
  plural: 'ocirepositories',
  singular: 'ocirepository',
  shortNames: ['ocirepo'],
  categories: CATEGORIES,
  scope: 'Namespaced',
  component: COMPONENT,
  versions: [{ name: 'v1' }, deprecated('v1beta2', 'OCIRepository')],
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...READY_COLUMNS.slice(1), READY_COLUMNS[0]!],
  schema: obj({
    spec: obj(
      {
        certSecretRef: localObjectReference,
        ignore: str(),
        insecure: bool(),
        interval: duration(),
        layerSelector,
        provider: str({ default: 'generic', enum: ['generic', 'aws', 'azure', 'gcp'] }),
        proxySecretRef: localObjectReference,
        ref: obj({ digest: str(), semver: str(), semverFilter: str(), tag: str() }),
        secretRef: localObjectReference,
        serviceAccountName: str(),
        suspend: bool(),
        timeout: TIMEOUT,
        url: str({ pattern: '^oci://.*$' }),
        verify: obj(
          {
            matchOIDCIdentity: arr(obj({ issuer: str(), subject: str() }, ['issuer', 'subject'])),
            provider: str({ default: 'cosign', enum: ['cosign', 'notation'] }),
            secretRef: localObjectReference,
          },
          ['provider'],
        ),
      },
      ['interval', 'url'],
    ),
    status: statusSchema({ artifact: artifactSchema, observedIgnore: str(), observedLayerSelector: layerSelector, url: str() }),
  }),
};

// ---- HelmRepository ------------------------------------------------------------------------

export interface HelmRepositorySpec {
  url: string;
  secretRef?: LocalObjectReference;
  certSecretRef?: LocalObjectReference;
  passCredentials?: boolean;
  interval?: string;
  insecure?: boolean;
  timeout?: string;
  suspend?: boolean;
  accessFrom?: unknown;
  type?: 'default' | 'oci';
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
}

export interface HelmRepositoryStatus extends ReconcileStatus {
  url?: string;
  artifact?: Artifact;
}

export type HelmRepository = FluxObject<HelmRepositorySpec, HelmRepositoryStatus>;

export const helmRepositoryDefinition: KindDefinition = {
  group: SOURCE_GROUP,
  kind: 'HelmRepository',
  plural: 'helmrepositories',
  singular: 'helmrepository',
  shortNames: ['helmrepo'],
  categories: CATEGORIES,
  scope: 'Namespaced',
  component: COMPONENT,
  versions: [{ name: 'v1' }, deprecated('v1beta2', 'HelmRepository'), deprecated('v1beta1', 'HelmRepository')],
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...READY_COLUMNS],
  schema: obj({
    spec: obj(
      {
        accessFrom: obj({ namespaceSelectors: arr(obj({ matchLabels: stringMap() })) }, ['namespaceSelectors']),
        certSecretRef: localObjectReference,
        insecure: bool(),
        interval: duration(),
        passCredentials: bool(),
        provider: str({ default: 'generic', enum: ['generic', 'aws', 'azure', 'gcp'] }),
        secretRef: localObjectReference,
        suspend: bool(),
        timeout: str({ pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$' }),
        type: str({ enum: ['default', 'oci'] }),
        url: str({ pattern: '^(http|https|oci)://.*$' }),
      },
      ['url'],
    ),
    status: statusSchema({ artifact: artifactSchema, url: str() }),
  }),
};

// ---- HelmChart -----------------------------------------------------------------------------

export interface HelmChartSpec {
  chart: string;
  version?: string;
  sourceRef: { apiVersion?: string; kind: 'HelmRepository' | 'GitRepository' | 'Bucket'; name: string };
  interval: string;
  reconcileStrategy?: 'ChartVersion' | 'Revision';
  valuesFiles?: string[];
  ignoreMissingValuesFiles?: boolean;
  suspend?: boolean;
  verify?: Record<string, unknown>;
}

export interface HelmChartStatus extends ReconcileStatus {
  observedSourceArtifactRevision?: string;
  observedChartName?: string;
  observedValuesFiles?: string[];
  url?: string;
  artifact?: Artifact;
}

export type HelmChart = FluxObject<HelmChartSpec, HelmChartStatus>;

export const helmChartDefinition: KindDefinition = {
  group: SOURCE_GROUP,
  kind: 'HelmChart',
  plural: 'helmcharts',
  singular: 'helmchart',
  shortNames: ['hc'],
  categories: CATEGORIES,
  scope: 'Namespaced',
  component: COMPONENT,
  versions: [{ name: 'v1' }, deprecated('v1beta2', 'HelmChart'), deprecated('v1beta1', 'HelmChart')],
  printerColumns: [
    { name: 'Chart', type: 'string', jsonPath: '.spec.chart' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Source Kind', type: 'string', jsonPath: '.spec.sourceRef.kind' },
    { name: 'Source Name', type: 'string', jsonPath: '.spec.sourceRef.name' },
    ...READY_COLUMNS,
  ],
  schema: obj({
    spec: obj(
      {
        chart: str(),
        ignoreMissingValuesFiles: bool(),
        interval: duration(),
        reconcileStrategy: str({ default: 'ChartVersion', enum: ['ChartVersion', 'Revision'] }),
        sourceRef: obj({ apiVersion: str(), kind: str({ enum: ['HelmRepository', 'GitRepository', 'Bucket'] }), name: str() }, ['kind', 'name']),
        suspend: bool(),
        valuesFiles: arr(str()),
        verify: obj(
          {
            matchOIDCIdentity: arr(obj({ issuer: str(), subject: str() }, ['issuer', 'subject'])),
            provider: str({ default: 'cosign', enum: ['cosign', 'notation'] }),
            secretRef: localObjectReference,
          },
          ['provider'],
        ),
        version: str({ default: '*' }),
      },
      ['chart', 'interval', 'sourceRef'],
    ),
    status: statusSchema({ artifact: artifactSchema, observedChartName: str(), observedSourceArtifactRevision: str(), observedValuesFiles: arr(str()), url: str() }),
  }),
};

// ---- Bucket --------------------------------------------------------------------------------

export interface BucketSpec {
  provider?: 'generic' | 'aws' | 'gcp' | 'azure';
  bucketName: string;
  endpoint: string;
  sts?: Record<string, unknown>;
  insecure?: boolean;
  region?: string;
  prefix?: string;
  secretRef?: LocalObjectReference;
  serviceAccountName?: string;
  certSecretRef?: LocalObjectReference;
  proxySecretRef?: LocalObjectReference;
  interval: string;
  timeout?: string;
  ignore?: string;
  suspend?: boolean;
}

export interface BucketStatus extends ReconcileStatus {
  url?: string;
  artifact?: Artifact;
  observedIgnore?: string;
}

export type Bucket = FluxObject<BucketSpec, BucketStatus>;

export const bucketDefinition: KindDefinition = {
  group: SOURCE_GROUP,
  kind: 'Bucket',
  plural: 'buckets',
  singular: 'bucket',
  categories: CATEGORIES,
  scope: 'Namespaced',
  component: COMPONENT,
  versions: [{ name: 'v1' }, deprecated('v1beta2', 'Bucket'), deprecated('v1beta1', 'Bucket')],
  printerColumns: [{ name: 'Endpoint', type: 'string', jsonPath: '.spec.endpoint' }, ...READY_COLUMNS],
  schema: obj({
    spec: obj(
      {
        bucketName: str(),
        certSecretRef: localObjectReference,
        endpoint: str(),
        ignore: str(),
        insecure: bool(),
        interval: duration(),
        prefix: str(),
        provider: str({ default: 'generic', enum: ['generic', 'aws', 'gcp', 'azure'] }),
        proxySecretRef: localObjectReference,
        region: str(),
        secretRef: localObjectReference,
        serviceAccountName: str(),
        sts: obj({ certSecretRef: localObjectReference, endpoint: str({ pattern: '^(http|https)://.*$' }), provider: str({ enum: ['aws', 'ldap'] }), secretRef: localObjectReference }, ['endpoint', 'provider']),
        suspend: bool(),
        timeout: TIMEOUT,
      },
      ['bucketName', 'endpoint', 'interval'],
    ),
    status: statusSchema({ artifact: artifactSchema, observedIgnore: str(), url: str() }),
  }),
};

// ---- ExternalArtifact ----------------------------------------------------------------------

export interface ExternalArtifactSpec {
  sourceRef?: { apiVersion?: string; kind: string; name: string; namespace?: string };
}

export type ExternalArtifact = FluxObject<ExternalArtifactSpec, ReconcileStatus & { artifact?: Artifact }>;

export const externalArtifactDefinition: KindDefinition = {
  group: SOURCE_GROUP,
  kind: 'ExternalArtifact',
  plural: 'externalartifacts',
  singular: 'externalartifact',
  shortNames: ['ea'],
  categories: CATEGORIES,
  scope: 'Namespaced',
  component: COMPONENT,
  versions: [{ name: 'v1' }],
  printerColumns: [...READY_COLUMNS.slice(1), READY_COLUMNS[0]!, { name: 'Source', type: 'string', jsonPath: '.spec.sourceRef.name' }],
  schema: obj({
    spec: obj({ sourceRef: obj({ apiVersion: str(), kind: str(), name: str(), namespace: str() }, ['kind', 'name']) }),
    status: obj({ artifact: artifactSchema, conditions: statusSchema({}).properties!.conditions! }),
  }),
};

export const sourceDefinitions: KindDefinition[] = [
  bucketDefinition,
  externalArtifactDefinition,
  gitRepositoryDefinition,
  helmChartDefinition,
  helmRepositoryDefinition,
  ociRepositoryDefinition,
];
