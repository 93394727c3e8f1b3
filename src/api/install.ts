/**
 * The install manifests `fluxion install --export` prints: the namespace, the CRDs of the
 * chosen components, their service accounts and RBAC, services, network policies and the
 * controller Deployments (one image, `fluxion controllers --controllers=<name>`).
 */
import { crdFor, type KindDefinition } from './openapi.js';
import { kustomizeDefinitions } from './kustomize.js';
import { sourceDefinitions } from './source.js';

export interface InstallOptions {
  version: string;
  namespace?: string;
  components?: string[];
  registry?: string;
  imagePullSecret?: string;
  watchAllNamespaces?: boolean;
  networkPolicy?: boolean;
  clusterDomain?: string;
  logLevel?: string;
  tolerationKeys?: string[];
}

/** Components and the controller name `fluxion controllers` runs them under. */
export const COMPONENTS: Record<string, { controller: string; kinds: KindDefinition[]; service?: boolean }> = {
  'source-controller': { controller: 'source', kinds: sourceDefinitions, service: true },
  'kustomize-controller': { controller: 'kustomize', kinds: kustomizeDefinitions },
};

export const DEFAULT_COMPONENTS = ['source-controller', 'kustomize-controller'];

type Manifest = Record<string, unknown>;

/** Every CRD of every known kind (for clusters and tests that want them all). */
export function allCrds(labels: Record<string, string> = {}): Manifest[] {
  return Object.entries(COMPONENTS).flatMap(([component, c]) => c.kinds.map((k) => crdFor(k, { labels: { ...labels, 'app.kubernetes.io/component': component } })));
}

export function installManifests(opts: InstallOptions): Manifest[] {
  const ns = opts.namespace ?? 'flux-system';
  const components = opts.components ?? DEFAULT_COMPONENTS;
  for (const c of components) {
    if (!COMPONENTS[c]) throw new Error(`unknown component '${c}': the components are ${Object.keys(COMPONENTS).join(', ')}`);
  }
  const version = opts.version.startsWith('v') ? opts.version : `v${opts.version}`;
  const common = { 'app.kubernetes.io/instance': ns, 'app.kubernetes.io/part-of': 'flux', 'app.kubernetes.io/version': version };
  const image = `${opts.registry ?? 'ghcr.io/fluxion'}/fluxion:${version}`;
  const domain = opts.clusterDomain ?? 'cluster.local';
  const out: Manifest[] = [];

  out.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, labels: { ...common, 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'latest' } },
  });
  for (const c of components) {
    for (const k of COMPONENTS[c]!.kinds) {
      out.push(crdFor(k, { labels: { ...common, 'app.kubernetes.io/component': c }, annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } }));
    }
  }
  for (const c of components) {
    out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: c, namespace: ns, labels: { ...common, 'app.kubernetes.io/component': c } } });
  }
  const groups = [...new Set(components.flatMap((c) => COMPONENTS[c]!.kinds.map((k) => k.group)))].sort();
  out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `crd-controller-${ns}`, labels: common },
    rules: [
      { apiGroups: groups, resources: ['*'], verbs: ['*'] },
      { apiGroups: [''], resources: ['namespaces', 'secrets', 'configmaps', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['configmaps/status'], verbs: ['get', 'update', 'patch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
    ],
  });
  out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `crd-controller-${ns}`, labels: common },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `crd-controller-${ns}` },
    subjects: components.map((c) => ({ kind: 'ServiceAccount', name: c, namespace: ns })),
  });
  if (components.includes('kustomize-controller')) {
    // Kustomizations apply arbitrary objects: the reconciler is cluster-admin, as in Flux.
    out.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `cluster-reconciler-${ns}`, labels: common },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'kustomize-controller', namespace: ns }],
    });
  }
  for (const c of components) {
    if (!COMPONENTS[c]!.service) continue;
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: c, namespace: ns, labels: { ...common, 'app.kubernetes.io/component': c, 'control-plane': 'controller' } },
      spec: { type: 'ClusterIP', selector: { app: c }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }] },
    });
  }
  for (const c of components) out.push(deployment(c, ns, image, common, domain, opts));
  if (opts.networkPolicy ?? true) {
    const np = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns, labels: common }, spec });
    out.push(np('allow-egress', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{}], ingress: [{ from: [{ podSelector: {} }] }] }));
    out.push(np('allow-scraping', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] }] }));
  }
  return out;
}

function deployment(component: string, ns: string, image: string, common: Record<string, string>, domain: string, opts: InstallOptions): Manifest {
  const { controller } = COMPONENTS[component]!;
  const args = [
    'controllers',
    `--controllers=${controller}`,
    `--watch-all-namespaces=${opts.watchAllNamespaces ?? true}`,
    `--log-level=${opts.logLevel ?? 'info'}`,
    '--log-encoding=json',
    '--metrics-addr=:8080',
    '--health-addr=:9440',
  ];
  const ports: Manifest[] = [
    { containerPort: 8080, name: 'http-prom', protocol: 'TCP' },
    { containerPort: 9440, name: 'healthz', protocol: 'TCP' },
  ];
  const volumeMounts: Manifest[] = [{ mountPath: '/tmp', name: 'temp' }];
  const volumes: Manifest[] = [{ name: 'temp', emptyDir: {} }];
  if (component === 'source-controller') {
    args.push('--storage-path=/data', '--storage-addr=:9090', `--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.${domain}.`);
    ports.unshift({ containerPort: 9090, name: 'http', protocol: 'TCP' });
    volumeMounts.unshift({ mountPath: '/data', name: 'data' });
    volumes.unshift({ name: 'data', emptyDir: {} });
  }
  const pod: Manifest = {
    serviceAccountName: component,
    terminationGracePeriodSeconds: 10,
    securityContext: { fsGroup: 1337 },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    containers: [
      {
        name: 'manager',
        image,
        imagePullPolicy: 'IfNotPresent',
        args,
        env: [
          { name: 'RUNTIME_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { containerName: 'manager', resource: 'limits.memory' } } },
        ],
        ports,
        livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' } },
        readinessProbe: { httpGet: { path: '/readyz', port: 'healthz' } },
        resources: { limits: { cpu: '1000m', memory: '1Gi' }, requests: { cpu: '50m', memory: '64Mi' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        volumeMounts,
      },
    ],
    volumes,
  };
  if (opts.imagePullSecret) pod.imagePullSecrets = [{ name: opts.imagePullSecret }];
  if (opts.tolerationKeys?.length) pod.tolerations = opts.tolerationKeys.map((key) => ({ key, operator: 'Exists' }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: component, namespace: ns, labels: { ...common, 'app.kubernetes.io/component': component, 'control-plane': 'controller' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: component } },
      strategy: { type: 'Recreate' },
      template: { metadata: { labels: { app: component }, annotations: { 'prometheus.io/port': '8080', 'prometheus.io/scrape': 'true' } }, spec: pod },
    },
  };
}
