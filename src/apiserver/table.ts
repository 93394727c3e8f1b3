/**
 * meta.k8s.io/v1 Table answers, which `kubectl get` asks for: the columns kubectl users
 * know for the common built-in kinds, a CRD's additionalPrinterColumns, and Name/Age for
 * everything else.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import type { ResourceType } from './registry.js';
import { evalJsonPath } from './jsonpath.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell: (o: ValueMap, now: Date) => Value;
}

function meta(o: ValueMap): ValueMap {
  return isMap(o.metadata) ? o.metadata : {};
}
function spec(o: ValueMap): ValueMap {
  return isMap(o.spec) ? o.spec : {};
}
function status(o: ValueMap): ValueMap {
  return isMap(o.status) ? o.status : {};
}
function num(v: Value | undefined): number {
  return typeof v === 'number' ? v : 0;
}

/** kubectl's short durations: 45s, 12m, 3h25m, 5d, 2y. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function age(o: ValueMap, now: Date): string {
  const t = meta(o).creationTimestamp;
  if (typeof t !== 'string') return '<unknown>';
  return humanDuration(now.getTime() - Date.parse(t));
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => String(meta(o).name ?? '') };
const AGE: Column = { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0, cell: age };

function col(name: string, cell: Column['cell'], priority = 0, type = 'string'): Column {
  return { name, type, format: '', description: '', priority, cell };
}

function containers(o: ValueMap): ValueMap[] {
  const tpl = isMap(spec(o).template) ? (spec(o).template as ValueMap) : {};
  const ps = isMap(tpl.spec) ? tpl.spec : {};
  return Array.isArray(ps.containers) ? ps.containers.filter(isMap) : [];
}

function selectorText(sel: Value | undefined): string {
  if (!isMap(sel)) return '<none>';
  const parts: string[] = [];
  if (isMap(sel.matchLabels)) for (const [k, v] of Object.entries(sel.matchLabels)) parts.push(`${k}=${String(v)}`);
  return parts.length ? parts.join(',') : '<none>';
}

function podReady(o: ValueMap): string {
  const cs = Array.isArray(status(o).containerStatuses) ? (status(o).containerStatuses as Value[]).filter(isMap) : [];
  const total = Array.isArray(spec(o).containers) ? (spec(o).containers as Value[]).length : cs.length;
  return `${cs.filter((c) => c.ready === true).length}/${total}`;
}

function podStatus(o: ValueMap): string {
  if (meta(o).deletionTimestamp) return 'Terminating';
  const cs = Array.isArray(status(o).containerStatuses) ? (status(o).containerStatuses as Value[]).filter(isMap) : [];
  for (const c of cs) {
    if (isMap(c.state) && isMap(c.state.waiting) && typeof c.state.waiting.reason === 'string') return c.state.waiting.reason;
    if (isMap(c.state) && isMap(c.state.terminated) && typeof c.state.terminated.reason === 'string') return c.state.terminated.reason;
  }
  return String(status(o).phase ?? 'Pending');
}

function ports(o: ValueMap): string {
  const ps = Array.isArray(spec(o).ports) ? (spec(o).ports as Value[]).filter(isMap) : [];
  if (ps.length === 0) return '<none>';
  return ps.map((p) => `${String(p.port)}${typeof p.nodePort === 'number' ? `:${p.nodePort}` : ''}/${String(p.protocol ?? 'TCP')}`).join(',');
}

function conditionStatus(o: ValueMap, type: string): string | undefined {
  const cs = Array.isArray(status(o).conditions) ? (status(o).conditions as Value[]).filter(isMap) : [];
  const c = cs.find((x) => x.type === type);
  return c ? String(c.status) : undefined;
}

const BUILTIN: Record<string, Column[]> = {
  '/Pod': [NAME, col('Ready', podReady), col('Status', podStatus), col('Restarts', () => 0, 0, 'string'), AGE, col('IP', (o) => String(status(o).podIP ?? '<none>'), 1), col('Node', (o) => String(spec(o).nodeName ?? '<none>'), 1), col('Nominated Node', () => '<none>', 1), col('Readiness Gates', () => '<none>', 1)],
  'apps/Deployment': [
    NAME,
    col('Ready', (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`),
    col('Up-to-date', (o) => num(status(o).updatedReplicas), 0, 'integer'),
    col('Available', (o) => num(status(o).availableReplicas), 0, 'integer'),
    AGE,
    col('Containers', (o) => containers(o).map((c) => String(c.name)).join(','), 1),
    col('Images', (o) => containers(o).map((c) => String(c.image)).join(','), 1),
    col('Selector', (o) => selectorText(spec(o).selector), 1),
  ],
  'apps/ReplicaSet': [
    NAME,
    col('Desired', (o) => num(spec(o).replicas), 0, 'integer'),
    col('Current', (o) => num(status(o).replicas), 0, 'integer'),
    col('Ready', (o) => num(status(o).readyReplicas), 0, 'integer'),
    AGE,
    col('Containers', (o) => containers(o).map((c) => String(c.name)).join(','), 1),
    col('Images', (o) => containers(o).map((c) => String(c.image)).join(','), 1),
    col('Selector', (o) => selectorText(spec(o).selector), 1),
  ],
  'apps/StatefulSet': [NAME, col('Ready', (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`), AGE, col('Containers', (o) => containers(o).map((c) => String(c.name)).join(','), 1), col('Images', (o) => containers(o).map((c) => String(c.image)).join(','), 1)],
  'apps/DaemonSet': [
    NAME,
    col('Desired', (o) => num(status(o).desiredNumberScheduled), 0, 'integer'),
    col('Current', (o) => num(status(o).currentNumberScheduled), 0, 'integer'),
    col('Ready', (o) => num(status(o).numberReady), 0, 'integer'),
    col('Up-to-date', (o) => num(status(o).updatedNumberScheduled), 0, 'integer'),
    col('Available', (o) => num(status(o).numberAvailable), 0, 'integer'),
    col('Node Selector', (o) => {
      const tpl = isMap(spec(o).template) ? (spec(o).template as ValueMap) : {};
      const ns = isMap(tpl.spec) && isMap(tpl.spec.nodeSelector) ? tpl.spec.nodeSelector : {};
      const parts = Object.entries(ns).map(([k, v]) => `${k}=${String(v)}`);
      return parts.length ? parts.join(',') : '<none>';
    }),
    AGE,
  ],
  '/Service': [
    NAME,
    col('Type', (o) => String(spec(o).type ?? 'ClusterIP')),
    col('Cluster-IP', (o) => String(spec(o).clusterIP ?? '<none>')),
    col('External-IP', (o) => {
      const lb = isMap(status(o).loadBalancer) ? (status(o).loadBalancer as ValueMap) : {};
      const ing = Array.isArray(lb.ingress) ? lb.ingress.filter(isMap).map((i) => String(i.ip ?? i.hostname ?? '')) : [];
      if (ing.length) return ing.join(',');
      return spec(o).type === 'LoadBalancer' ? '<pending>' : '<none>';
    }),
    col('Port(s)', ports),
    AGE,
    col('Selector', (o) => {
      const s = isMap(spec(o).selector) ? (spec(o).selector as ValueMap) : {};
      const parts = Object.entries(s).map(([k, v]) => `${k}=${String(v)}`);
      return parts.length ? parts.join(',') : '<none>';
    }, 1),
  ],
  '/ConfigMap': [NAME, col('Data', (o) => (isMap(o.data) ? Object.keys(o.data).length : 0) + (isMap(o.binaryData) ? Object.keys(o.binaryData).length : 0), 0, 'integer'), AGE],
  '/Secret': [NAME, col('Type', (o) => String(o.type ?? 'Opaque')), col('Data', (o) => (isMap(o.data) ? Object.keys(o.data).length : 0), 0, 'integer'), AGE],
  '/Namespace': [NAME, col('Status', (o) => String(status(o).phase ?? 'Active')), AGE],
  '/ServiceAccount': [NAME, col('Secrets', (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0), 0, 'integer'), AGE],
  '/Node': [NAME, col('Status', (o) => (conditionStatus(o, 'Ready') === 'True' ? 'Ready' : 'NotReady')), col('Roles', () => 'control-plane'), AGE, col('Version', (o) => String((isMap(status(o).nodeInfo) ? (status(o).nodeInfo as ValueMap).kubeletVersion : '') ?? ''))],
  '/PersistentVolumeClaim': [
    NAME,
    col('Status', (o) => String(status(o).phase ?? 'Pending')),
    col('Volume', (o) => String(spec(o).volumeName ?? '')),
    col('Capacity', (o) => {
      const cap = isMap(status(o).capacity) ? (status(o).capacity as ValueMap) : {};
      return String(cap.storage ?? '');
    }),
    col('Access Modes', (o) => (Array.isArray(status(o).accessModes) ? (status(o).accessModes as Value[]).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[String(m)] ?? String(m)).join(',') : '')),
    col('StorageClass', (o) => String(spec(o).storageClassName ?? '<unset>')),
    col('VolumeAttributesClass', () => '<unset>'),
    AGE,
  ],
  'batch/Job': [
    NAME,
    col('Status', (o) => (conditionStatus(o, 'Complete') === 'True' ? 'Complete' : conditionStatus(o, 'Failed') === 'True' ? 'Failed' : 'Running')),
    col('Completions', (o) => `${num(status(o).succeeded)}/${num(spec(o).completions) || 1}`),
    col('Duration', (o, now) => {
      const st = status(o).startTime;
      const end = status(o).completionTime;
      if (typeof st !== 'string') return '';
      return humanDuration((typeof end === 'string' ? Date.parse(end) : now.getTime()) - Date.parse(st));
    }),
    AGE,
  ],
  'batch/CronJob': [
    NAME,
    col('Schedule', (o) => String(spec(o).schedule ?? '')),
    col('Timezone', (o) => String(spec(o).timeZone ?? '<none>')),
    col('Suspend', (o) => (spec(o).suspend === true ? 'True' : 'False'), 0, 'boolean'),
    col('Active', (o) => { const a = status(o).active; return Array.isArray(a) ? a.length : 0; }, 0, 'integer'),
    col('Last Schedule', (o, now) => (typeof status(o).lastScheduleTime === 'string' ? humanDuration(now.getTime() - Date.parse(status(o).lastScheduleTime as string)) : '<none>')),
    AGE,
  ],
  'apiextensions.k8s.io/CustomResourceDefinition': [NAME, { name: 'Created At', type: 'date', format: '', description: '', priority: 0, cell: (o) => String(meta(o).creationTimestamp ?? '') }],
  '/Event': [
    col('Last Seen', (o, now) => {
      const t = o.lastTimestamp ?? o.eventTime ?? meta(o).creationTimestamp;
      return typeof t === 'string' ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>';
    }),
    col('Type', (o) => String(o.type ?? '')),
    col('Reason', (o) => String(o.reason ?? '')),
    col('Object', (o) => {
      const io = isMap(o.involvedObject) ? o.involvedObject : {};
      return `${String(io.kind ?? '').toLowerCase()}/${String(io.name ?? '')}`;
    }),
    col('Message', (o) => String(o.message ?? '')),
  ],
  'coordination.k8s.io/Lease': [NAME, col('Holder', (o) => String(spec(o).holderIdentity ?? '')), AGE],
  'autoscaling/HorizontalPodAutoscaler': [
    NAME,
    col('Reference', (o) => {
      const ref = isMap(spec(o).scaleTargetRef) ? (spec(o).scaleTargetRef as ValueMap) : {};
      return `${String(ref.kind ?? '')}/${String(ref.name ?? '')}`;
    }),
    col('Targets', (o) => {
      const metrics = Array.isArray(spec(o).metrics) ? (spec(o).metrics as Value[]).filter(isMap) : [];
      const t = metrics.map((m) => (isMap(m.resource) && isMap(m.resource.target) ? `${String(m.resource.name)}: <unknown>/${String(m.resource.target.averageUtilization ?? m.resource.target.averageValue ?? '')}${m.resource.target.averageUtilization !== undefined ? '%' : ''}` : '<unknown>'));
      if (typeof spec(o).targetCPUUtilizationPercentage === 'number') t.push(`cpu: <unknown>/${String(spec(o).targetCPUUtilizationPercentage)}%`);
      return t.length ? t.join(', ') : '<none>';
    }),
    col('MinPods', (o) => num(spec(o).minReplicas) || 1, 0, 'integer'),
    col('MaxPods', (o) => num(spec(o).maxReplicas), 0, 'integer'),
    col('Replicas', (o) => num(status(o).currentReplicas), 0, 'integer'),
    AGE,
  ],
  'policy/PodDisruptionBudget': [
    NAME,
    col('Min Available', (o) => (spec(o).minAvailable === undefined ? 'N/A' : String(spec(o).minAvailable))),
    col('Max Unavailable', (o) => (spec(o).maxUnavailable === undefined ? 'N/A' : String(spec(o).maxUnavailable))),
    col('Allowed Disruptions', (o) => num(status(o).disruptionsAllowed), 0, 'integer'),
    AGE,
  ],
  'networking.k8s.io/Ingress': [
    NAME,
    col('Class', (o) => String(spec(o).ingressClassName ?? '<none>')),
    col('Hosts', (o) => {
      const rules = Array.isArray(spec(o).rules) ? (spec(o).rules as Value[]).filter(isMap) : [];
      const hosts = rules.map((r) => String(r.host ?? '*'));
      return hosts.length ? hosts.join(',') : '*';
    }),
    col('Address', () => ''),
    col('Ports', (o) => (Array.isArray(spec(o).tls) && (spec(o).tls as Value[]).length > 0 ? '80, 443' : '80')),
    AGE,
  ],
  '/ResourceQuota': [NAME, AGE],
};

function customColumns(t: ResourceType): Column[] {
  const cols: Column[] = [NAME];
  for (const c of t.crd?.printerColumns ?? []) {
    cols.push({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
      cell: (o, now) => {
        const vals = evalJsonPath(o, c.jsonPath);
        if (vals.length === 0) return null;
        const v = vals[0]!;
        if (c.type === 'date' && typeof v === 'string') return humanDuration(now.getTime() - Date.parse(v));
        if (typeof v === 'object' && v !== null) return JSON.stringify(v);
        return v;
      },
    });
  }
  if ((t.crd?.printerColumns ?? []).length === 0) cols.push(AGE);
  return cols;
}

function columnsFor(t: ResourceType): Column[] {
  if (!t.builtin) return customColumns(t);
  return BUILTIN[`${t.group}/${t.kind}`] ?? [NAME, AGE];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function partial(o: ValueMap): ValueMap {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta(o) };
}

export function toTable(t: ResourceType, objects: ValueMap[], listMeta: ValueMap, include: IncludeObject, now: Date): ValueMap {
  const cols = columnsFor(t);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority })),
    rows: objects.map((o) => {
      const row: ValueMap = { cells: cols.map((c) => c.cell(o, now)) };
      if (include === 'Object') row.object = o;
      else if (include === 'Metadata') row.object = partial(o);
      return row;
    }),
  };
}
