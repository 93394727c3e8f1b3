/**
 * Hand-written facts about the resources a Kubernetes v1.33 API server serves by default,
 * which the OpenAPI document does not carry: which group-versions are on (GA ones; beta
 * and alpha APIs are off by default since 1.24, and the document we generate from is a
 * later, all-APIs-enabled release), short names and categories. scripts/gen-kube-schema.ts
 * reads this table; the cluster reads the generated result.
 */
export interface ServedResource {
  /** "v1" for the core group, otherwise "group/version". */
  gv: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
}

const ALL = ['all'];
const EXT = ['api-extensions'];

export const SERVED_1_33: readonly ServedResource[] = [
  { gv: 'v1', plural: 'componentstatuses', shortNames: ['cs'] },
  { gv: 'v1', plural: 'configmaps', shortNames: ['cm'] },
  { gv: 'v1', plural: 'endpoints', shortNames: ['ep'] },
  { gv: 'v1', plural: 'events', shortNames: ['ev'] },
  { gv: 'v1', plural: 'limitranges', shortNames: ['limits'] },
  { gv: 'v1', plural: 'namespaces', shortNames: ['ns'] },
  { gv: 'v1', plural: 'nodes', shortNames: ['no'] },
  { gv: 'v1', plural: 'persistentvolumeclaims', shortNames: ['pvc'] },
  { gv: 'v1', plural: 'persistentvolumes', shortNames: ['pv'] },
  { gv: 'v1', plural: 'pods', shortNames: ['po'], categories: ALL },
  { gv: 'v1', plural: 'podtemplates' },
  { gv: 'v1', plural: 'replicationcontrollers', shortNames: ['rc'], categories: ALL },
  { gv: 'v1', plural: 'resourcequotas', shortNames: ['quota'] },
  { gv: 'v1', plural: 'secrets' },
  { gv: 'v1', plural: 'serviceaccounts', shortNames: ['sa'] },
  { gv: 'v1', plural: 'services', shortNames: ['svc'], categories: ALL },
  { gv: 'admissionregistration.k8s.io/v1', plural: 'mutatingwebhookconfigurations', categories: EXT },
  { gv: 'admissionregistration.k8s.io/v1', plural: 'validatingadmissionpolicies', categories: EXT },
  { gv: 'admissionregistration.k8s.io/v1', plural: 'validatingadmissionpolicybindings', categories: EXT },
  { gv: 'admissionregistration.k8s.io/v1', plural: 'validatingwebhookconfigurations', categories: EXT },
  { gv: 'apiextensions.k8s.io/v1', plural: 'customresourcedefinitions', shortNames: ['crd', 'crds'], categories: EXT },
  { gv: 'apiregistration.k8s.io/v1', plural: 'apiservices', categories: EXT },
  { gv: 'apps/v1', plural: 'controllerrevisions' },
  { gv: 'apps/v1', plural: 'daemonsets', shortNames: ['ds'], categories: ALL },
  { gv: 'apps/v1', plural: 'deployments', shortNames: ['deploy'], categories: ALL },
  { gv: 'apps/v1', plural: 'replicasets', shortNames: ['rs'], categories: ALL },
  { gv: 'apps/v1', plural: 'statefulsets', shortNames: ['sts'], categories: ALL },
  { gv: 'authentication.k8s.io/v1', plural: 'selfsubjectreviews' },
  { gv: 'authentication.k8s.io/v1', plural: 'tokenreviews' },
  { gv: 'authorization.k8s.io/v1', plural: 'localsubjectaccessreviews' },
  { gv: 'authorization.k8s.io/v1', plural: 'selfsubjectaccessreviews' },
  { gv: 'authorization.k8s.io/v1', plural: 'selfsubjectrulesreviews' },
  { gv: 'authorization.k8s.io/v1', plural: 'subjectaccessreviews' },
  { gv: 'autoscaling/v2', plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: ALL },
  { gv: 'autoscaling/v1', plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: ALL },
  { gv: 'batch/v1', plural: 'cronjobs', shortNames: ['cj'], categories: ALL },
  { gv: 'batch/v1', plural: 'jobs', categories: ALL },
  { gv: 'certificates.k8s.io/v1', plural: 'certificatesigningrequests', shortNames: ['csr'] },
  { gv: 'coordination.k8s.io/v1', plural: 'leases' },
  { gv: 'discovery.k8s.io/v1', plural: 'endpointslices' },
  { gv: 'events.k8s.io/v1', plural: 'events', shortNames: ['ev'] },
  { gv: 'flowcontrol.apiserver.k8s.io/v1', plural: 'flowschemas' },
  { gv: 'flowcontrol.apiserver.k8s.io/v1', plural: 'prioritylevelconfigurations' },
  { gv: 'networking.k8s.io/v1', plural: 'ingressclasses' },
  { gv: 'networking.k8s.io/v1', plural: 'ingresses', shortNames: ['ing'] },
  { gv: 'networking.k8s.io/v1', plural: 'ipaddresses', shortNames: ['ip'] },
  { gv: 'networking.k8s.io/v1', plural: 'networkpolicies', shortNames: ['netpol'] },
  { gv: 'networking.k8s.io/v1', plural: 'servicecidrs' },
  { gv: 'node.k8s.io/v1', plural: 'runtimeclasses' },
  { gv: 'policy/v1', plural: 'poddisruptionbudgets', shortNames: ['pdb'] },
  { gv: 'rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings' },
  { gv: 'rbac.authorization.k8s.io/v1', plural: 'clusterroles' },
  { gv: 'rbac.authorization.k8s.io/v1', plural: 'rolebindings' },
  { gv: 'rbac.authorization.k8s.io/v1', plural: 'roles' },
  { gv: 'scheduling.k8s.io/v1', plural: 'priorityclasses', shortNames: ['pc'] },
  { gv: 'storage.k8s.io/v1', plural: 'csidrivers' },
  { gv: 'storage.k8s.io/v1', plural: 'csinodes' },
  { gv: 'storage.k8s.io/v1', plural: 'csistoragecapacities' },
  { gv: 'storage.k8s.io/v1', plural: 'storageclasses', shortNames: ['sc'] },
  { gv: 'storage.k8s.io/v1', plural: 'volumeattachments' },
];

/** The order in which a 1.33 server lists its groups in discovery (core first). */
export const GROUP_ORDER_1_33: readonly string[] = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
];

/** Subresources the cluster implements; other ones in the document (log, exec…) are not served. */
export const SERVED_SUBRESOURCES: readonly string[] = ['status', 'scale'];
