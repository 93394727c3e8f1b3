/**
 * The defaults Kubernetes' built-in types get on write (their SetDefaults_* functions), for
 * the kinds users write most. Defaulting the same way on every write is what keeps
 * `kubectl diff` quiet and server-side apply idempotent. Allocation (clusterIP, nodePort)
 * happens in the workload simulation, not here.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';

type Obj = ValueMap;

function map(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isMap(v)) return v;
  const m: Obj = {};
  parent[key] = m;
  return m;
}

function setDefault(o: Obj, key: string, v: Value): void {
  if (o[key] === undefined || o[key] === null) o[key] = v;
}

function imageTag(image: string): string | undefined {
  const at = image.indexOf('@');
  if (at >= 0) return '@';
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : undefined;
}

function defaultProbe(p: Value): void {
  if (!isMap(p)) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  if (isMap(p.httpGet)) setDefault(p.httpGet, 'scheme', 'HTTP');
}

function defaultContainer(c: Value): void {
  if (!isMap(c)) return;
  if (typeof c.image === 'string') {
    const tag = imageTag(c.image);
    setDefault(c, 'imagePullPolicy', tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent');
  }
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isMap(p)) setDefault(p, 'protocol', 'TCP');
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (Array.isArray(c.env)) {
    for (const e of c.env) {
      if (isMap(e) && isMap(e.valueFrom) && isMap(e.valueFrom.fieldRef)) setDefault(e.valueFrom.fieldRef, 'apiVersion', 'v1');
    }
  }
}

function defaultVolume(v: Value): void {
  if (!isMap(v)) return;
  for (const key of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const src = v[key];
    if (isMap(src)) setDefault(src, 'defaultMode', 420);
  }
  if (isMap(v.emptyDir) === false && v.emptyDir !== undefined && v.emptyDir !== null) v.emptyDir = {};
}

export function defaultPodSpec(spec: Obj, restartPolicy = 'Always'): void {
  setDefault(spec, 'restartPolicy', restartPolicy);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  for (const key of ['containers', 'initContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) list.forEach(defaultContainer);
  }
  if (Array.isArray(spec.volumes)) spec.volumes.forEach(defaultVolume);
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccount === undefined) spec.serviceAccount = spec.serviceAccountName;
}

function defaultTemplate(spec: Obj, restartPolicy?: string): void {
  const tpl = map(spec, 'template');
  const meta = tpl.metadata;
  if (meta === undefined) tpl.metadata = {};
  defaultPodSpec(map(tpl, 'spec'), restartPolicy);
}

const DEFAULTERS: Record<string, (o: Obj) => void> = {
  '/Pod': (o) => {
    const spec = map(o, 'spec');
    defaultPodSpec(spec);
    setDefault(spec, 'enableServiceLinks', true);
    setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
    setDefault(spec, 'priority', 0);
    setDefault(spec, 'serviceAccountName', 'default');
    setDefault(spec, 'serviceAccount', spec.serviceAccountName as string);
  },
  'apps/Deployment': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    const strategy = map(spec, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = map(strategy, 'rollingUpdate');
      setDefault(ru, 'maxSurge', '25%');
      setDefault(ru, 'maxUnavailable', '25%');
    }
    defaultTemplate(spec);
  },
  'apps/ReplicaSet': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'replicas', 1);
    defaultTemplate(spec);
  },
  'apps/StatefulSet': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    setDefault(spec, 'revisionHistoryLimit', 10);
    const us = map(spec, 'updateStrategy');
    setDefault(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') setDefault(map(us, 'rollingUpdate'), 'partition', 0);
    const retention = map(spec, 'persistentVolumeClaimRetentionPolicy');
    setDefault(retention, 'whenDeleted', 'Retain');
    setDefault(retention, 'whenScaled', 'Retain');
    if (Array.isArray(spec.volumeClaimTemplates)) {
      for (const t of spec.volumeClaimTemplates) {
        if (!isMap(t)) continue;
        setDefault(t, 'apiVersion', 'v1');
        setDefault(t, 'kind', 'PersistentVolumeClaim');
        setDefault(map(t, 'spec'), 'volumeMode', 'Filesystem');
        setDefault(map(t, 'status'), 'phase', 'Pending');
      }
    }
    defaultTemplate(spec);
  },
  'apps/DaemonSet': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'revisionHistoryLimit', 10);
    const us = map(spec, 'updateStrategy');
    setDefault(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = map(us, 'rollingUpdate');
      setDefault(ru, 'maxSurge', 0);
      setDefault(ru, 'maxUnavailable', 1);
    }
    defaultTemplate(spec);
  },
  'batch/Job': (o) => defaultJobSpec(map(o, 'spec')),
  'batch/CronJob': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    const jt = map(spec, 'jobTemplate');
    if (jt.metadata === undefined) jt.metadata = {};
    const js = map(jt, 'spec');
    setDefault(js, 'backoffLimit', 6);
    setDefault(js, 'completionMode', 'NonIndexed');
    setDefault(js, 'suspend', false);
    setDefault(js, 'podReplacementPolicy', 'TerminatingOrFailed');
    setDefault(js, 'completions', 1);
    setDefault(js, 'parallelism', 1);
    defaultTemplate(js);
  },
  '/Service': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'type', 'ClusterIP');
    if (spec.type !== 'ExternalName') {
      setDefault(spec, 'sessionAffinity', 'None');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    if (Array.isArray(spec.ports)) {
      for (const p of spec.ports) {
        if (!isMap(p)) continue;
        setDefault(p, 'protocol', 'TCP');
        if (spec.type !== 'ExternalName') setDefault(p, 'targetPort', p.port ?? null);
      }
    }
    if (o.status === undefined) o.status = { loadBalancer: {} };
  },
  '/Secret': (o) => {
    setDefault(o, 'type', 'Opaque');
    if (isMap(o.stringData)) {
      const data = map(o, 'data');
      for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
      delete o.stringData;
    }
  },
  '/Namespace': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'finalizers', ['kubernetes']);
    const status = map(o, 'status');
    setDefault(status, 'phase', 'Active');
    const meta = map(o, 'metadata');
    const labels = map(meta, 'labels');
    labels['kubernetes.io/metadata.name'] = meta.name ?? '';
  },
  '/PersistentVolumeClaim': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'volumeMode', 'Filesystem');
    const status = map(o, 'status');
    setDefault(status, 'phase', 'Pending');
  },
  '/PersistentVolume': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
    const status = map(o, 'status');
    setDefault(status, 'phase', 'Pending');
  },
  '/ServiceAccount': () => {},
  '/ReplicationController': (o) => {
    const spec = map(o, 'spec');
    setDefault(spec, 'replicas', 1);
    if (isMap(spec.template)) defaultPodSpec(map(spec.template, 'spec'));
  },
  '/PodTemplate': (o) => {
    if (isMap(o.template)) defaultPodSpec(map(o.template, 'spec'));
  },
  'policy/PodDisruptionBudget': () => {},
  'storage.k8s.io/StorageClass': (o) => {
    setDefault(o, 'reclaimPolicy', 'Delete');
    setDefault(o, 'volumeBindingMode', 'Immediate');
  },
  'scheduling.k8s.io/PriorityClass': (o) => {
    setDefault(o, 'preemptionPolicy', 'PreemptLowerPriority');
  },
  'rbac.authorization.k8s.io/RoleBinding': () => {},
  'networking.k8s.io/NetworkPolicy': (o) => {
    const spec = map(o, 'spec');
    if (spec.policyTypes === undefined) {
      const types = ['Ingress'];
      if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('Egress');
      spec.policyTypes = types;
    }
  },
  'networking.k8s.io/Ingress': () => {},
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': (o) => defaultWebhooks(o, false),
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': (o) => defaultWebhooks(o, true),
};

function defaultJobSpec(spec: Obj): void {
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  setDefault(spec, 'completions', 1);
  setDefault(spec, 'parallelism', 1);
  defaultTemplate(spec);
}

function defaultWebhooks(o: Obj, mutating: boolean): void {
  if (!Array.isArray(o.webhooks)) return;
  for (const w of o.webhooks) {
    if (!isMap(w)) continue;
    setDefault(w, 'failurePolicy', 'Fail');
    setDefault(w, 'matchPolicy', 'Equivalent');
    setDefault(w, 'namespaceSelector', {});
    setDefault(w, 'objectSelector', {});
    setDefault(w, 'timeoutSeconds', 10);
    if (mutating) setDefault(w, 'reinvocationPolicy', 'Never');
    if (isMap(w.clientConfig) && isMap(w.clientConfig.service)) setDefault(w.clientConfig.service, 'port', 443);
    if (Array.isArray(w.rules)) for (const r of w.rules) if (isMap(r)) setDefault(r, 'scope', '*');
  }
}

/** Applies the built-in defaults of `group/kind` in place. */
export function applyBuiltinDefaults(group: string, kind: string, obj: Obj): void {
  DEFAULTERS[`${group}/${kind}`]?.(obj);
}
