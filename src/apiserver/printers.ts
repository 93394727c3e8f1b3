/**
 * The columns kube-apiserver's table printers give each built-in kind (what `kubectl get`
 * prints), cell by cell: their names, types and priorities (priority 1 columns appear with
 * `-o wide`) are interface facts; the cells follow the printers' rules (pod status from
 * container states, "<none>" and "<unset>" placeholders, selectors in apimachinery's string
 * form). Kinds without a printer get the default Name / Created At columns.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { labelMapText, labelSelectorText, formatLabelSelector, fromLabelSelectorObject } from './selectors.js';

export type Cell = Value;

export interface Column {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
  cell: (o: ValueMap, now: Date) => Cell;
}

// ---- reading objects ------------------------------------------------------------------

function map(v: Value | undefined): ValueMap {
  return isMap(v) ? v : {};
}
function list(v: Value | undefined): ValueMap[] {
  return Array.isArray(v) ? v.filter(isMap) : [];
}
function meta(o: ValueMap): ValueMap {
  return map(o.metadata);
}
function spec(o: ValueMap): ValueMap {
  return map(o.spec);
}
function status(o: ValueMap): ValueMap {
  return map(o.status);
}
function str(v: Value | undefined): string {
  return v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
}
function int(v: Value | undefined): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;
}

/** Go's duration.HumanDuration: 45s, 12m, 3h25m, 5d, 2y. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

/** Time since an RFC 3339 timestamp, "<unknown>" when there is none. */
export function since(ts: Value | undefined, now: Date): string {
  if (typeof ts !== 'string' || ts === '') return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

function age(o: ValueMap, now: Date): string {
  return since(meta(o).creationTimestamp, now);
}

function podTemplateSpec(template: Value | undefined): ValueMap {
  return spec(map(template));
}

/** Container names and images of a pod spec, comma-joined. */
function containerCells(ps: ValueMap): [string, string] {
  const cs = list(ps.containers);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

// ---- columns --------------------------------------------------------------------------

function col(name: string, type: Column['type'], cell: Column['cell'], priority = 0, description = ''): Column {
  return { name, type, format: '', description, priority, cell };
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'The name of the object.', priority: 0, cell: (o) => str(meta(o).name) };
const AGE: Column = col('Age', 'string', age, 0, 'Time since the object was created.');
const WIDE = 1;

function containersColumns(specOf: (o: ValueMap) => ValueMap, selector?: (o: ValueMap) => string): Column[] {
  const out = [
    col('Containers', 'string', (o) => containerCells(specOf(o))[0], WIDE, 'Names of the containers in the template.'),
    col('Images', 'string', (o) => containerCells(specOf(o))[1], WIDE, 'Images of the containers in the template.'),
  ];
  if (selector) out.push(col('Selector', 'string', selector, WIDE));
  return out;
}

/** The columns of kinds no printer covers (rest.NewDefaultTableConvertor). */
export const DEFAULT_COLUMNS: Column[] = [NAME, { name: 'Created At', type: 'date', format: '', description: 'When the object was created.', priority: 0, cell: (o) => str(meta(o).creationTimestamp) }];

// ---- pods -----------------------------------------------------------------------------

function podPhaseTerminal(phase: string): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

function isRestartableInit(c: ValueMap | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

interface PodRow {
  ready: string;
  reason: string;
  restarts: string;
}

/** The printer's pod summary: READY, STATUS (from init and app container states) and RESTARTS. */
function podRow(pod: ValueMap, now: Date): PodRow {
  const ps = spec(pod);
  const st = status(pod);
  let restarts = 0;
  let restartableInitRestarts = 0;
  let total = list(ps.containers).length;
  let ready = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  const phase = str(st.phase);
  let reason = str(st.reason) || phase;
  for (const c of list(st.conditions)) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  const inits = new Map<string, ValueMap>();
  for (const c of list(ps.initContainers)) {
    inits.set(str(c.name), c);
    if (isRestartableInit(c)) total++;
  }
  const finishedAt = (c: ValueMap) => Date.parse(str(map(map(c.lastState).terminated).finishedAt)) || 0;
  let initializing = false;
  const initStatuses = list(st.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    restarts += int(c.restartCount);
    lastRestart = Math.max(lastRestart, finishedAt(c));
    const restartable = isRestartableInit(inits.get(str(c.name)));
    if (restartable) {
      restartableInitRestarts += int(c.restartCount);
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finishedAt(c));
    }
    const state = map(c.state);
    const term = isMap(state.terminated) ? state.terminated : undefined;
    const wait = isMap(state.waiting) ? state.waiting : undefined;
    if (term && int(term.exitCode) === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (term) {
      reason = str(term.reason) ? `Init:${str(term.reason)}` : int(term.signal) !== 0 ? `Init:Signal:${int(term.signal)}` : `Init:ExitCode:${int(term.exitCode)}`;
    } else if (wait && str(wait.reason) && wait.reason !== 'PodInitializing') {
      reason = `Init:${str(wait.reason)}`;
    } else {
      reason = `Init:${i}/${list(ps.initContainers).length}`;
    }
    initializing = true;
    break;
  }
  const initialized = list(st.conditions).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const cs = list(st.containerStatuses);
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      restarts += int(c.restartCount);
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const state = map(c.state);
      const term = isMap(state.terminated) ? state.terminated : undefined;
      const wait = isMap(state.waiting) ? state.waiting : undefined;
      if (wait && str(wait.reason)) reason = str(wait.reason);
      else if (term && str(term.reason)) reason = str(term.reason);
      else if (term) reason = int(term.signal) !== 0 ? `Signal:${int(term.signal)}` : `ExitCode:${int(term.exitCode)}`;
      else if (c.ready === true && isMap(state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = list(st.conditions).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  if (meta(pod).deletionTimestamp && st.reason === 'NodeLost') reason = 'Unknown';
  else if (meta(pod).deletionTimestamp && !podPhaseTerminal(phase)) reason = 'Terminating';
  const restartsText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, reason, restarts: restartsText };
}

function readinessGates(pod: ValueMap): string {
  const gates = list(spec(pod).readinessGates);
  if (gates.length === 0) return '<none>';
  const conds = list(status(pod).conditions);
  const ok = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${ok}/${gates.length}`;
}

const POD: Column[] = [
  NAME,
  col('Ready', 'string', (o, now) => podRow(o, now).ready, 0, 'Ready containers of the pod.'),
  col('Status', 'string', (o, now) => podRow(o, now).reason, 0, 'The pod phase or the reason it is not running.'),
  col('Restarts', 'string', (o, now) => podRow(o, now).restarts, 0, 'Container restarts, and how long ago the last one was.'),
  AGE,
  col('IP', 'string', (o) => str(list(status(o).podIPs)[0]?.ip) || str(status(o).podIP) || '<none>', WIDE),
  col('Node', 'string', (o) => str(spec(o).nodeName) || '<none>', WIDE),
  col('Nominated Node', 'string', (o) => str(status(o).nominatedNodeName) || '<none>', WIDE),
  col('Readiness Gates', 'string', readinessGates, WIDE),
];

// ---- services and networking ------------------------------------------------------

function lbIngress(lb: ValueMap): string {
  const set = new Set<string>();
  for (const i of list(lb.ingress)) {
    if (str(i.ip)) set.add(str(i.ip));
    else if (str(i.hostname)) set.add(str(i.hostname));
  }
  return [...set].sort().join(',');
}

function serviceExternalIp(o: ValueMap): string {
  const s = spec(o);
  const external = Array.isArray(s.externalIPs) ? s.externalIPs.map(String) : [];
  switch (str(s.type) || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = lbIngress(map(status(o).loadBalancer));
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(s.externalName);
  }
  return '<unknown>';
}

function servicePorts(o: ValueMap): string {
  const ports = list(spec(o).ports).map((p) => (int(p.nodePort) > 0 ? `${str(p.port)}:${int(p.nodePort)}/${str(p.protocol)}` : `${str(p.port)}/${str(p.protocol)}`));
  return ports.length ? ports.join(',') : '<none>';
}

function ingressHosts(o: ValueMap): string {
  const rules = list(spec(o).rules);
  const hosts: string[] = [];
  let more = false;
  for (const r of rules) {
    if (hosts.length === 3) more = true;
    if (!more && str(r.host)) hosts.push(str(r.host));
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - 3} more...` : hosts.join(',');
}

function endpointsText(o: ValueMap): string {
  const subsets = list(o.subsets);
  if (subsets.length === 0) return '<none>';
  const out: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addrs = list(ss.addresses);
    const ports = list(ss.ports);
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (out.length === 3) {
          more = true;
          break;
        }
        out.push(str(a.ip));
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (out.length === 3) {
          more = true;
          break;
        }
        const ip = str(a.ip);
        out.push(`${ip.includes(':') ? `[${ip}]` : ip}:${str(p.port)}`);
      }
    }
  }
  return more ? `${out.join(',')} + ${count - 3} more...` : out.join(',');
}

function listWithMore(items: string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

function bindingSubjects(o: ValueMap, kind: 'User' | 'Group' | 'ServiceAccount'): string {
  return list(o.subjects)
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s.namespace)}/${str(s.name)}` : str(s.name)))
    .join(', ');
}

const BINDING: Column[] = [
  NAME,
  col('Role', 'string', (o) => `${str(map(o.roleRef).kind)}/${str(map(o.roleRef).name)}`),
  AGE,
  col('Users', 'string', (o) => bindingSubjects(o, 'User'), WIDE),
  col('Groups', 'string', (o) => bindingSubjects(o, 'Group'), WIDE),
  col('ServiceAccounts', 'string', (o) => bindingSubjects(o, 'ServiceAccount'), WIDE),
];

// ---- storage --------------------------------------------------------------------------

const ACCESS_MODES: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

function accessModes(v: Value | undefined): string {
  const modes = Array.isArray(v) ? v.map(String) : [];
  return ACCESS_MODES.filter(([m]) => modes.includes(m)).map(([, s]) => s).join(',');
}

const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

function pvClass(o: ValueMap): string {
  return str(map(meta(o).annotations)[BETA_CLASS]) || str(spec(o).storageClassName);
}

function isDefaultClass(o: ValueMap): boolean {
  const a = map(meta(o).annotations);
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

function boolText(v: Value | undefined): string {
  return v === true ? 'True' : v === false ? 'False' : '<unset>';
}

// ---- events ---------------------------------------------------------------------------

/** core/v1 and events.k8s.io/v1 Events print alike; the newer shape names fields differently. */
function eventView(o: ValueMap): { involved: ValueMap; source: ValueMap; message: string; first: Value | undefined; last: Value | undefined; count: number } {
  const newer = o.regarding !== undefined || o.note !== undefined || o.deprecatedSource !== undefined || typeof o.apiVersion === 'string' && o.apiVersion.startsWith('events.k8s.io/');
  return newer
    ? { involved: map(o.regarding), source: map(o.deprecatedSource), message: str(o.note), first: o.deprecatedFirstTimestamp, last: o.deprecatedLastTimestamp, count: int(o.deprecatedCount) }
    : { involved: map(o.involvedObject), source: map(o.source), message: str(o.message), first: o.firstTimestamp, last: o.lastTimestamp, count: int(o.count) };
}

function eventTimes(o: ValueMap, now: Date): { first: string; last: string; count: number } {
  const v = eventView(o);
  const first = typeof v.first === 'string' && v.first !== '' ? since(v.first, now) : since(o.eventTime, now);
  let last = typeof v.last === 'string' && v.last !== '' ? since(v.last, now) : first;
  let count = v.count;
  if (isMap(o.series)) {
    last = since(o.series.lastObservedTime, now);
    count = int(o.series.count);
  } else if (count === 0) count = 1;
  return { first, last, count };
}

const EVENT: Column[] = [
  col('Last Seen', 'string', (o, now) => eventTimes(o, now).last),
  col('Type', 'string', (o) => str(o.type)),
  col('Reason', 'string', (o) => str(o.reason)),
  col('Object', 'string', (o) => {
    const io = eventView(o).involved;
    return str(io.name) ? `${str(io.kind).toLowerCase()}/${str(io.name)}` : str(io.kind).toLowerCase();
  }),
  col('Subobject', 'string', (o) => str(eventView(o).involved.fieldPath), WIDE),
  col('Source', 'string', (o) => {
    const v = eventView(o);
    const component = str(v.source.component) || str(o.reportingController) || str(o.reportingComponent);
    const host = str(v.source.host) || str(o.reportingInstance);
    return host ? `${component}, ${host}` : component;
  }, WIDE),
  col('Message', 'string', (o) => eventView(o).message.trim()),
  col('First Seen', 'string', (o, now) => eventTimes(o, now).first, WIDE),
  col('Count', 'string', (o, now) => eventTimes(o, now).count, WIDE),
  { ...NAME, priority: WIDE },
];

// ---- autoscaling -------------------------------------------------------------------------

function quantity(v: Value | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}

/** The HPA's TARGETS cell: current/target per metric, at most two then "+ N more...". */
function hpaTargets(o: ValueMap): string {
  const s = spec(o);
  const st = status(o);
  // autoscaling/v1 objects carry the CPU target as one number.
  let metrics = list(s.metrics);
  let current = list(st.currentMetrics);
  if (typeof s.targetCPUUtilizationPercentage === 'number') {
    metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.targetCPUUtilizationPercentage } } }];
    current = typeof st.currentCPUUtilizationPercentage === 'number' ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: st.currentCPUUtilizationPercentage } } }] : [];
  }
  if (metrics.length === 0) return '<none>';
  const out: string[] = [];
  metrics.forEach((m, i) => {
    const cur = current[i];
    switch (m.type) {
      case 'External':
      case 'Object': {
        const key = m.type === 'External' ? 'external' : 'object';
        const target = map(map(m[key]).target);
        const c = map(map(cur?.[key]).current);
        if (target.averageValue !== undefined) out.push(`${c.averageValue !== undefined ? quantity(c.averageValue) : '<unknown>'}/${quantity(target.averageValue)} (avg)`);
        else out.push(`${cur?.[key] !== undefined ? quantity(c.value) : '<unknown>'}/${quantity(target.value)}`);
        break;
      }
      case 'Pods': {
        const c = map(map(cur?.pods).current);
        out.push(`${cur?.pods !== undefined ? quantity(c.averageValue) : '<unknown>'}/${quantity(map(map(m.pods).target).averageValue)}`);
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const key = m.type === 'Resource' ? 'resource' : 'containerResource';
        const r = map(m[key]);
        const target = map(r.target);
        const c = map(map(cur?.[key]).current);
        if (target.averageValue !== undefined) {
          out.push(`${str(r.name)}: ${cur?.[key] !== undefined ? quantity(c.averageValue) : '<unknown>'}/${quantity(target.averageValue)}`);
        } else {
          const currentText = typeof c.averageUtilization === 'number' ? `${c.averageUtilization}%` : '<unknown>';
          const targetText = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
          out.push(`${str(r.name)}: ${currentText}/${targetText}`);
        }
        break;
      }
      default:
        out.push('<unknown type>');
    }
  });
  if (out.length > 2) return `${out.slice(0, 2).join(', ')} + ${out.length - 2} more...`;
  return out.join(', ');
}

// ---- jobs -------------------------------------------------------------------------------

function conditionTrue(o: ValueMap, type: string): boolean {
  const c = list(status(o).conditions).find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}

function jobStatus(o: ValueMap): string {
  if (conditionTrue(o, 'Complete')) return 'Complete';
  if (conditionTrue(o, 'Failed')) return 'Failed';
  if (meta(o).deletionTimestamp) return 'Terminating';
  if (conditionTrue(o, 'Suspended')) return 'Suspended';
  if (conditionTrue(o, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(o: ValueMap): string {
  const s = spec(o);
  const succeeded = int(status(o).succeeded);
  if (typeof s.completions === 'number') return `${succeeded}/${s.completions}`;
  const parallelism = int(s.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(o: ValueMap, now: Date): string {
  const st = status(o);
  if (typeof st.startTime !== 'string') return '';
  const start = Date.parse(st.startTime);
  const end = typeof st.completionTime === 'string' ? Date.parse(st.completionTime) : now.getTime();
  return humanDuration(end - start);
}

// ---- nodes ---------------------------------------------------------------------------------

function nodeStatus(o: ValueMap): string {
  const ready = list(status(o).conditions).find((c) => c.type === 'Ready');
  const parts = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
  if (spec(o).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: ValueMap): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(map(meta(o).labels))) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && str(v) !== '') roles.add(str(v));
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(o: ValueMap, type: string): string {
  return str(list(status(o).addresses).find((a) => a.type === type)?.address) || '<none>';
}

function nodeInfo(o: ValueMap, key: string): string {
  return str(map(status(o).nodeInfo)[key]);
}

// ---- the table -------------------------------------------------------------------------------

/** `kind.group/name` of an object's controller, as ControllerRevisions name theirs. */
function controllerOf(o: ValueMap): string {
  const ref = list(meta(o).ownerReferences).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const av = str(ref.apiVersion);
  const group = av.includes('/') ? av.slice(0, av.lastIndexOf('/')) : '';
  return `${(group ? `${str(ref.kind)}.${group}` : str(ref.kind)).toLowerCase()}/${str(ref.name)}`;
}

function resourceQuotaCells(o: ValueMap): [string, string] {
  const hard = map(status(o).hard);
  const used = map(status(o).used);
  const req: string[] = [];
  const lim: string[] = [];
  for (const r of Object.keys(hard).sort()) {
    const text = `${r}: ${quantity(used[r]) || '0'}/${quantity(hard[r])}`;
    if (r.split('.')[0] === 'limits' && r.includes('.')) lim.push(text);
    else req.push(text);
  }
  return [req.join(', '), lim.join(', ')];
}

function replicaSetLike(desired: (o: ValueMap) => Cell, selector: (o: ValueMap) => string): Column[] {
  return [
    NAME,
    col('Desired', 'integer', desired),
    col('Current', 'integer', (o) => int(status(o).replicas)),
    col('Ready', 'integer', (o) => int(status(o).readyReplicas)),
    AGE,
    ...containersColumns((o) => podTemplateSpec(spec(o).template), selector),
  ];
}

const BUILTIN: Record<string, Column[]> = {
  '/ComponentStatus': [
    NAME,
    col('Status', 'string', (o) => {
      const c = list(o.conditions).find((x) => x.type === 'Healthy');
      return c ? (c.status === 'True' ? 'Healthy' : 'Unhealthy') : 'Unknown';
    }),
    col('Message', 'string', (o) => str(list(o.conditions).find((x) => x.type === 'Healthy')?.message)),
    col('Error', 'string', (o) => str(list(o.conditions).find((x) => x.type === 'Healthy')?.error)),
  ],
  '/ConfigMap': [NAME, col('Data', 'string', (o) => Object.keys(map(o.data)).length + Object.keys(map(o.binaryData)).length), AGE],
  '/Endpoints': [NAME, col('Endpoints', 'string', endpointsText), AGE],
  '/Event': EVENT,
  '/Namespace': [NAME, col('Status', 'string', (o) => str(status(o).phase)), AGE],
  '/Node': [
    NAME,
    col('Status', 'string', nodeStatus),
    col('Roles', 'string', nodeRoles),
    AGE,
    col('Version', 'string', (o) => nodeInfo(o, 'kubeletVersion')),
    col('Internal-IP', 'string', (o) => nodeAddress(o, 'InternalIP'), WIDE),
    col('External-IP', 'string', (o) => nodeAddress(o, 'ExternalIP'), WIDE),
    col('OS-Image', 'string', (o) => nodeInfo(o, 'osImage') || '<unknown>', WIDE),
    col('Kernel-Version', 'string', (o) => nodeInfo(o, 'kernelVersion') || '<unknown>', WIDE),
    col('Container-Runtime', 'string', (o) => nodeInfo(o, 'containerRuntimeVersion') || '<unknown>', WIDE),
  ],
  '/PersistentVolumeClaim': [
    NAME,
    col('Status', 'string', (o) => (meta(o).deletionTimestamp ? 'Terminating' : str(status(o).phase))),
    col('Volume', 'string', (o) => str(spec(o).volumeName)),
    col('Capacity', 'string', (o) => (str(spec(o).volumeName) ? quantity(map(status(o).capacity).storage) : '')),
    col('Access Modes', 'string', (o) => (str(spec(o).volumeName) ? accessModes(status(o).accessModes) : '')),
    col('StorageClass', 'string', pvClass),
    col('VolumeAttributesClass', 'string', (o) => str(spec(o).volumeAttributesClassName) || '<unset>'),
    AGE,
    col('VolumeMode', 'string', (o) => str(spec(o).volumeMode) || '<unset>', WIDE),
  ],
  '/PersistentVolume': [
    NAME,
    col('Capacity', 'string', (o) => quantity(map(spec(o).capacity).storage)),
    col('Access Modes', 'string', (o) => accessModes(spec(o).accessModes)),
    col('Reclaim Policy', 'string', (o) => str(spec(o).persistentVolumeReclaimPolicy)),
    col('Status', 'string', (o) => (meta(o).deletionTimestamp ? 'Terminating' : str(status(o).phase))),
    col('Claim', 'string', (o) => (isMap(spec(o).claimRef) ? `${str(map(spec(o).claimRef).namespace)}/${str(map(spec(o).claimRef).name)}` : '')),
    col('StorageClass', 'string', pvClass),
    col('VolumeAttributesClass', 'string', (o) => str(spec(o).volumeAttributesClassName) || '<unset>'),
    col('Reason', 'string', (o) => str(status(o).reason)),
    AGE,
    col('VolumeMode', 'string', (o) => str(spec(o).volumeMode) || '<unset>', WIDE),
  ],
  '/Pod': POD,
  '/PodTemplate': [
    NAME,
    col('Containers', 'string', (o) => containerCells(podTemplateSpec(o.template))[0]),
    col('Images', 'string', (o) => containerCells(podTemplateSpec(o.template))[1]),
    col('Pod Labels', 'string', (o) => labelMapText(meta(map(o.template)).labels)),
  ],
  '/ReplicationController': replicaSetLike((o) => (typeof spec(o).replicas === 'number' ? spec(o).replicas! : 1), (o) => labelMapText(spec(o).selector)),
  '/ResourceQuota': [NAME, col('Request', 'string', (o) => resourceQuotaCells(o)[0]), col('Limit', 'string', (o) => resourceQuotaCells(o)[1]), AGE],
  '/Secret': [NAME, col('Type', 'string', (o) => str(o.type)), col('Data', 'string', (o) => Object.keys(map(o.data)).length), AGE],
  '/ServiceAccount': [NAME, col('Secrets', 'string', (o) => list(o.secrets).length), AGE],
  '/Service': [
    NAME,
    col('Type', 'string', (o) => str(spec(o).type)),
    col('Cluster-IP', 'string', (o) => str(Array.isArray(spec(o).clusterIPs) ? (spec(o).clusterIPs as Value[])[0] : undefined) || '<none>'),
    col('External-IP', 'string', serviceExternalIp),
    col('Port(s)', 'string', servicePorts),
    AGE,
    col('Selector', 'string', (o) => labelMapText(spec(o).selector), WIDE),
  ],
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': [NAME, col('Webhooks', 'integer', (o) => list(o.webhooks).length), AGE],
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': [NAME, col('Webhooks', 'integer', (o) => list(o.webhooks).length), AGE],
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': [
    NAME,
    col('Validations', 'integer', (o) => list(spec(o).validations).length),
    col('ParamKind', 'string', (o) => (isMap(spec(o).paramKind) ? `${str(map(spec(o).paramKind).apiVersion)}/${str(map(spec(o).paramKind).kind)}` : '<unset>')),
    AGE,
  ],
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': [
    NAME,
    col('PolicyName', 'string', (o) => str(spec(o).policyName)),
    col('ParamRef', 'string', (o) => {
      const pr = spec(o).paramRef;
      if (!isMap(pr)) return '<unset>';
      if (str(pr.name)) return str(pr.namespace) ? `${str(pr.namespace)}/${str(pr.name)}` : `*/${str(pr.name)}`;
      if (isMap(pr.selector)) return formatLabelSelector(fromLabelSelectorObject(pr.selector));
      return '<unset>';
    }),
    AGE,
  ],
  'apiregistration.k8s.io/APIService': [
    NAME,
    col('Service', 'string', (o) => (isMap(spec(o).service) ? `${str(map(spec(o).service).namespace)}/${str(map(spec(o).service).name)}` : 'Local')),
    col('Available', 'string', (o) => {
      const c = list(status(o).conditions).find((x) => x.type === 'Available');
      if (!c) return 'Unknown';
      return c.status === 'True' || !str(c.reason) ? str(c.status) : `${str(c.status)} (${str(c.reason)})`;
    }),
    AGE,
  ],
  'apps/ControllerRevision': [NAME, col('Controller', 'string', controllerOf), col('Revision', 'string', (o) => int(o.revision)), AGE],
  'apps/DaemonSet': [
    NAME,
    col('Desired', 'integer', (o) => int(status(o).desiredNumberScheduled)),
    col('Current', 'integer', (o) => int(status(o).currentNumberScheduled)),
    col('Ready', 'integer', (o) => int(status(o).numberReady)),
    col('Up-to-date', 'integer', (o) => int(status(o).updatedNumberScheduled)),
    col('Available', 'integer', (o) => int(status(o).numberAvailable)),
    col('Node Selector', 'string', (o) => labelMapText(podTemplateSpec(spec(o).template).nodeSelector)),
    AGE,
    ...containersColumns((o) => podTemplateSpec(spec(o).template), (o) => labelSelectorText(spec(o).selector)),
  ],
  'apps/Deployment': [
    NAME,
    col('Ready', 'string', (o) => `${int(status(o).readyReplicas)}/${typeof spec(o).replicas === 'number' ? spec(o).replicas : 1}`),
    col('Up-to-date', 'string', (o) => int(status(o).updatedReplicas)),
    col('Available', 'string', (o) => int(status(o).availableReplicas)),
    AGE,
    ...containersColumns((o) => podTemplateSpec(spec(o).template), (o) => (isMap(spec(o).selector) ? formatLabelSelector(fromLabelSelectorObject(spec(o).selector)) : '')),
  ],
  'apps/ReplicaSet': replicaSetLike((o) => (typeof spec(o).replicas === 'number' ? spec(o).replicas! : 1), (o) => labelSelectorText(spec(o).selector)),
  'apps/StatefulSet': [
    NAME,
    col('Ready', 'string', (o) => `${int(status(o).readyReplicas)}/${typeof spec(o).replicas === 'number' ? spec(o).replicas : 1}`),
    AGE,
    ...containersColumns((o) => podTemplateSpec(spec(o).template)),
  ],
  'autoscaling/HorizontalPodAutoscaler': [
    NAME,
    col('Reference', 'string', (o) => `${str(map(spec(o).scaleTargetRef).kind)}/${str(map(spec(o).scaleTargetRef).name)}`),
    col('Targets', 'string', hpaTargets),
    col('MinPods', 'string', (o) => (typeof spec(o).minReplicas === 'number' ? String(spec(o).minReplicas) : '<unset>')),
    col('MaxPods', 'string', (o) => int(spec(o).maxReplicas)),
    col('Replicas', 'string', (o) => int(status(o).currentReplicas)),
    AGE,
  ],
  'batch/CronJob': [
    NAME,
    col('Schedule', 'string', (o) => str(spec(o).schedule)),
    col('Timezone', 'string', (o) => (typeof spec(o).timeZone === 'string' ? (spec(o).timeZone as string) : '<none>')),
    col('Suspend', 'boolean', (o) => boolText(spec(o).suspend)),
    col('Active', 'integer', (o) => list(status(o).active).length),
    col('Last Schedule', 'string', (o, now) => (typeof status(o).lastScheduleTime === 'string' ? since(status(o).lastScheduleTime, now) : '<none>')),
    AGE,
    ...containersColumns(
      (o) => podTemplateSpec(spec(map(spec(o).jobTemplate)).template),
      (o) => labelSelectorText(spec(map(spec(o).jobTemplate)).selector),
    ),
  ],
  'batch/Job': [
    NAME,
    col('Status', 'string', jobStatus),
    col('Completions', 'string', jobCompletions),
    col('Duration', 'string', jobDuration),
    AGE,
    ...containersColumns((o) => podTemplateSpec(spec(o).template), (o) => labelSelectorText(spec(o).selector)),
  ],
  'certificates.k8s.io/CertificateSigningRequest': [
    NAME,
    AGE,
    col('SignerName', 'string', (o) => str(spec(o).signerName) || '<none>'),
    col('Requestor', 'string', (o) => str(spec(o).username)),
    col('RequestedDuration', 'string', (o) => (typeof spec(o).expirationSeconds === 'number' ? humanDuration((spec(o).expirationSeconds as number) * 1000) : '<none>')),
    col('Condition', 'string', (o) => {
      const types = new Set(list(status(o).conditions).map((c) => str(c.type)));
      let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
      if (types.has('Failed')) s += ',Failed';
      if (str(status(o).certificate)) s += ',Issued';
      return s;
    }),
  ],
  'coordination.k8s.io/Lease': [NAME, col('Holder', 'string', (o) => str(spec(o).holderIdentity)), AGE],
  'discovery.k8s.io/EndpointSlice': [
    NAME,
    col('AddressType', 'string', (o) => str(o.addressType)),
    col('Ports', 'string', (o) => listWithMore(list(o.ports).map((p) => (typeof p.port === 'number' ? String(p.port) : str(p.name) || '*')))),
    col('Endpoints', 'string', (o) => listWithMore(list(o.endpoints).flatMap((e) => (Array.isArray(e.addresses) ? e.addresses.map(String) : [])))),
    AGE,
  ],
  'events.k8s.io/Event': EVENT,
  'flowcontrol.apiserver.k8s.io/FlowSchema': [
    NAME,
    col('PriorityLevel', 'string', (o) => str(map(spec(o).priorityLevelConfiguration).name)),
    col('MatchingPrecedence', 'string', (o) => int(spec(o).matchingPrecedence)),
    col('DistinguisherMethod', 'string', (o) => (isMap(spec(o).distinguisherMethod) ? str(map(spec(o).distinguisherMethod).type) : '<none>')),
    AGE,
    col('MissingPL', 'string', (o) => str(list(status(o).conditions).find((c) => c.type === 'Dangling')?.status) || '?'),
  ],
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration': [
    NAME,
    col('Type', 'string', (o) => str(spec(o).type)),
    col('NominalConcurrencyShares', 'string', (o) => (isMap(spec(o).limited) ? int(map(spec(o).limited).nominalConcurrencyShares) : '<none>')),
    col('Queues', 'string', (o) => queuing(o, 'queues')),
    col('HandSize', 'string', (o) => queuing(o, 'handSize')),
    col('QueueLengthLimit', 'string', (o) => queuing(o, 'queueLengthLimit')),
    AGE,
  ],
  'networking.k8s.io/IngressClass': [
    NAME,
    col('Controller', 'string', (o) => str(spec(o).controller)),
    col('Parameters', 'string', (o) => {
      const p = spec(o).parameters;
      if (!isMap(p)) return '<none>';
      return `${str(p.kind)}${typeof p.apiGroup === 'string' ? `.${p.apiGroup}` : ''}/${str(p.name)}`;
    }),
    AGE,
  ],
  'networking.k8s.io/Ingress': [
    NAME,
    col('Class', 'string', (o) => (typeof spec(o).ingressClassName === 'string' ? (spec(o).ingressClassName as string) : '<none>')),
    col('Hosts', 'string', ingressHosts),
    col('Address', 'string', (o) => lbIngress(map(status(o).loadBalancer))),
    col('Ports', 'string', (o) => (list(spec(o).tls).length > 0 ? '80, 443' : '80')),
    AGE,
  ],
  'networking.k8s.io/IPAddress': [
    NAME,
    col('ParentRef', 'string', (o) => {
      const p = spec(o).parentRef;
      if (!isMap(p)) return '<none>';
      const gr = str(p.group) ? `${str(p.resource)}.${str(p.group)}` : str(p.resource);
      return `${gr.toLowerCase()}${str(p.namespace) ? `/${str(p.namespace)}` : ''}/${str(p.name)}`;
    }),
  ],
  'networking.k8s.io/NetworkPolicy': [NAME, col('Pod-Selector', 'string', (o) => labelSelectorText(spec(o).podSelector ?? {})), AGE],
  'networking.k8s.io/ServiceCIDR': [NAME, col('CIDRs', 'string', (o) => (Array.isArray(spec(o).cidrs) ? (spec(o).cidrs as Value[]).map(String).join(',') : '')), AGE],
  'node.k8s.io/RuntimeClass': [NAME, col('Handler', 'string', (o) => str(o.handler)), AGE],
  'policy/PodDisruptionBudget': [
    NAME,
    col('Min Available', 'string', (o) => (spec(o).minAvailable === undefined ? 'N/A' : str(spec(o).minAvailable))),
    col('Max Unavailable', 'string', (o) => (spec(o).maxUnavailable === undefined ? 'N/A' : str(spec(o).maxUnavailable))),
    col('Allowed Disruptions', 'integer', (o) => int(status(o).disruptionsAllowed)),
    AGE,
  ],
  'rbac.authorization.k8s.io/ClusterRoleBinding': BINDING,
  'rbac.authorization.k8s.io/RoleBinding': BINDING,
  'scheduling.k8s.io/PriorityClass': [
    NAME,
    col('Value', 'integer', (o) => int(o.value)),
    col('Global-Default', 'boolean', (o) => o.globalDefault === true),
    AGE,
    col('PreemptionPolicy', 'string', (o) => str(o.preemptionPolicy)),
  ],
  'storage.k8s.io/CSIDriver': [
    NAME,
    col('AttachRequired', 'boolean', (o) => spec(o).attachRequired !== false),
    col('PodInfoOnMount', 'boolean', (o) => spec(o).podInfoOnMount === true),
    col('StorageCapacity', 'boolean', (o) => spec(o).storageCapacity === true),
    col('TokenRequests', 'string', (o) => (Array.isArray(spec(o).tokenRequests) ? list(spec(o).tokenRequests).map((t) => str(t.audience)).join(',') : '<unset>')),
    col('RequiresRepublish', 'boolean', (o) => spec(o).requiresRepublish === true),
    col('Modes', 'string', (o) => (Array.isArray(spec(o).volumeLifecycleModes) ? (spec(o).volumeLifecycleModes as Value[]).map(String).join(',') : '') || '<none>'),
    AGE,
  ],
  'storage.k8s.io/CSINode': [NAME, col('Drivers', 'integer', (o) => list(spec(o).drivers).length), AGE],
  'storage.k8s.io/CSIStorageCapacity': [NAME, col('StorageClassName', 'string', (o) => str(o.storageClassName)), col('Capacity', 'string', (o) => (o.capacity === undefined ? '<unset>' : quantity(o.capacity)))],
  'storage.k8s.io/StorageClass': [
    { ...NAME, cell: (o) => (isDefaultClass(o) ? `${str(meta(o).name)} (default)` : str(meta(o).name)) },
    col('Provisioner', 'string', (o) => str(o.provisioner)),
    col('ReclaimPolicy', 'string', (o) => str(o.reclaimPolicy) || 'Delete'),
    col('VolumeBindingMode', 'string', (o) => str(o.volumeBindingMode) || 'Immediate'),
    col('AllowVolumeExpansion', 'string', (o) => o.allowVolumeExpansion === true),
    AGE,
  ],
  'storage.k8s.io/VolumeAttachment': [
    NAME,
    { ...col('Attacher', 'string', (o) => str(spec(o).attacher)), format: 'name' },
    col('PV', 'string', (o) => str(map(spec(o).source).persistentVolumeName)),
    col('Node', 'string', (o) => str(spec(o).nodeName)),
    col('Attached', 'boolean', (o) => status(o).attached === true),
    AGE,
  ],
};

function queuing(o: ValueMap, key: string): Cell {
  const limited = spec(o).limited;
  if (!isMap(limited)) return '<none>';
  const q = map(map(limited.limitResponse).queuing);
  return isMap(map(limited.limitResponse).queuing) ? int(q[key]) : '<none>';
}

/** The columns of the Scale subresource (`kubectl get --subresource=scale`). */
export const SCALE_COLUMNS: Column[] = [
  { ...NAME, format: '' },
  col('Desired', 'integer', (o) => int(spec(o).replicas)),
  col('Available', 'integer', (o) => int(status(o).replicas)),
  AGE,
];

/** A built-in kind's columns, or the default ones. */
export function builtinColumns(group: string, kind: string): Column[] {
  return BUILTIN[`${group}/${kind}`] ?? DEFAULT_COLUMNS;
}

/** Kinds with a printer of their own (the rest print Name and Created At). */
export function printedKinds(): string[] {
  return Object.keys(BUILTIN);
}

export { NAME as NAME_COLUMN };
