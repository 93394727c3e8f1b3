/**
 * What the API server's own admission and REST strategies do beyond defaults: Service
 * cluster IPs and node ports (allocated on create, kept on update), immutable fields, and
 * the few per-kind checks users run into.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { fieldErrors, type FieldError } from './errors.js';
import type { Store } from './store.js';
import { valuesEqual } from './ssa.js';

const SERVICE_STORAGE = '/services';

function ipToNumber(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
}

function numberToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Service CIDR 10.96.0.0/12 as kubeadm and minikube use; .1 is the kubernetes Service. */
const SERVICE_BASE = ipToNumber('10.96.0.0');

/** A Service's cluster IP and node ports. */
function serviceValues(svc: ValueMap | undefined): { ips: string[]; nodePorts: number[] } {
  const spec = svc && isMap(svc.spec) ? svc.spec : {};
  const ips = typeof spec.clusterIP === 'string' ? [spec.clusterIP] : [];
  const nodePorts: number[] = [];
  if (Array.isArray(spec.ports)) for (const p of spec.ports) if (isMap(p) && typeof p.nodePort === 'number') nodePorts.push(p.nodePort);
  return { ips, nodePorts };
}

/**
 * The cluster IPs and node ports the stored Services hold, kept current from the store's
 * events (counted, so a value two Services share stays taken until both let it go): an
 * allocation asks a set, not every Service.
 */
class ServiceValues {
  private readonly ips = new Map<string, number>();
  private readonly nodePorts = new Map<number, number>();

  constructor(store: Store) {
    for (const svc of store.list(SERVICE_STORAGE)) this.count(svc, 1);
    store.subscribe((e) => {
      if (e.storage !== SERVICE_STORAGE) return;
      if (e.prev) this.count(e.prev, -1);
      if (e.type !== 'DELETED') this.count(e.object, 1);
    });
  }

  private count(svc: ValueMap, by: 1 | -1): void {
    const { ips, nodePorts } = serviceValues(svc);
    const bump = <K>(m: Map<K, number>, k: K) => {
      const n = (m.get(k) ?? 0) + by;
      if (n > 0) m.set(k, n);
      else m.delete(k);
    };
    for (const ip of ips) bump(this.ips, ip);
    for (const p of nodePorts) bump(this.nodePorts, p);
  }

  hasIp(ip: string): boolean {
    return this.ips.has(ip);
  }

  hasNodePort(p: number): boolean {
    return this.nodePorts.has(p);
  }
}

const serviceValuesByStore = new WeakMap<Store, ServiceValues>();

function usedServiceValues(store: Store): ServiceValues {
  let v = serviceValuesByStore.get(store);
  if (!v) serviceValuesByStore.set(store, (v = new ServiceValues(store)));
  return v;
}

function allocateIp(store: Store, name: string, namespace: string): string {
  const used = usedServiceValues(store);
  if (namespace === 'default' && name === 'kubernetes' && !used.hasIp('10.96.0.1')) return '10.96.0.1';
  // Start from a hash of the name so that IPs look spread out, then probe.
  let h = 0;
  for (const c of `${namespace}/${name}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const span = 65000;
  for (let i = 0; i < span; i++) {
    const ip = numberToIp(SERVICE_BASE + 16 + ((h + i) % span));
    if (!used.hasIp(ip)) return ip;
  }
  throw new Error('service IP range exhausted');
}

function allocateNodePort(taken: (p: number) => boolean, mine: Set<number>, seed: number): number {
  for (let i = 0; i < 2768; i++) {
    const p = 30000 + ((seed + i) % 2768);
    if (!taken(p)) {
      mine.add(p);
      return p;
    }
  }
  throw new Error('node port range exhausted');
}

/** Fills in and keeps the values a Service's spec gets from the server. */
export function admitService(store: Store, svc: ValueMap, old: ValueMap | undefined): void {
  const spec = isMap(svc.spec) ? svc.spec : (svc.spec = {});
  const oldSpec = old && isMap(old.spec) ? old.spec : undefined;
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return;
  if (spec.clusterIP === undefined || spec.clusterIP === '') {
    if (oldSpec && typeof oldSpec.clusterIP === 'string') spec.clusterIP = oldSpec.clusterIP;
    else {
      const meta = isMap(svc.metadata) ? svc.metadata : {};
      spec.clusterIP = allocateIp(store, String(meta.name ?? ''), String(meta.namespace ?? ''));
    }
  }
  if (spec.clusterIPs === undefined) spec.clusterIPs = spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP as string];
  if (spec.ipFamilies === undefined) spec.ipFamilies = ['IPv4'];
  if (spec.ipFamilyPolicy === undefined) spec.ipFamilyPolicy = 'SingleStack';
  if ((type === 'NodePort' || type === 'LoadBalancer') && Array.isArray(spec.ports)) {
    const used = usedServiceValues(store);
    const oldPorts = oldSpec && Array.isArray(oldSpec.ports) ? oldSpec.ports.filter(isMap) : [];
    // The old object's ports are free for it to take again; those given out here are not.
    const freed = new Set(oldPorts.map((p) => p.nodePort).filter((n): n is number => typeof n === 'number'));
    const mine = new Set<number>();
    const taken = (n: number) => mine.has(n) || (used.hasNodePort(n) && !freed.has(n));
    for (const p of spec.ports) {
      if (!isMap(p) || typeof p.nodePort === 'number') continue;
      const prev = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      p.nodePort = typeof prev?.nodePort === 'number' ? prev.nodePort : allocateNodePort(taken, mine, Number(p.port ?? 0) * 7);
    }
  }
}

function immutable(field: string, value: Value | undefined): FieldError {
  return fieldErrors.invalid(field, value ?? null, 'field is immutable');
}

/** Update checks of built-in kinds: immutable fields and the like. */
export function validateBuiltinUpdate(group: string, kind: string, obj: ValueMap, old: ValueMap): FieldError[] {
  const errs: FieldError[] = [];
  const spec = isMap(obj.spec) ? obj.spec : {};
  const oldSpec = isMap(old.spec) ? old.spec : {};
  if (group === 'apps' && (kind === 'Deployment' || kind === 'ReplicaSet' || kind === 'DaemonSet' || kind === 'StatefulSet')) {
    if (!valuesEqual(spec.selector, oldSpec.selector)) errs.push(immutable('spec.selector', spec.selector));
  }
  if (group === 'apps' && kind === 'StatefulSet') {
    const allowed = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'revisionHistoryLimit']);
    for (const k of new Set([...Object.keys(spec), ...Object.keys(oldSpec)])) {
      if (allowed.has(k) || k === 'selector') continue;
      if (!valuesEqual(spec[k], oldSpec[k])) {
        errs.push(
          fieldErrors.forbidden(
            'spec',
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          ),
        );
        break;
      }
    }
  }
  if (group === 'batch' && kind === 'Job') {
    if (!valuesEqual(spec.selector, oldSpec.selector)) errs.push(immutable('spec.selector', spec.selector));
    const tpl = (v: Value | undefined) => (isMap(v) ? v : {});
    if (!valuesEqual(tpl(spec.template).spec, tpl(oldSpec.template).spec)) errs.push(immutable('spec.template', spec.template));
    if (!valuesEqual(spec.completions, oldSpec.completions)) errs.push(immutable('spec.completions', spec.completions));
  }
  if (group === '' && (kind === 'ConfigMap' || kind === 'Secret') && old.immutable === true) {
    if (!valuesEqual(obj.data, old.data)) errs.push(fieldErrors.forbidden('data', 'field is immutable when `immutable` is set'));
    if (!valuesEqual(obj.binaryData, old.binaryData)) errs.push(fieldErrors.forbidden('binaryData', 'field is immutable when `immutable` is set'));
    if (obj.immutable !== true) errs.push(fieldErrors.forbidden('immutable', 'field is immutable when `immutable` is set'));
  }
  if (group === '' && kind === 'Secret' && obj.type !== old.type) errs.push(immutable('type', obj.type));
  if (group === '' && kind === 'Service') {
    const oldIp = oldSpec.clusterIP;
    if (typeof oldIp === 'string' && oldIp !== '' && spec.clusterIP !== oldIp && spec.type === oldSpec.type && spec.type !== 'ExternalName') {
      errs.push(fieldErrors.invalid('spec.clusterIPs[0]', spec.clusterIP ?? '', 'may not change once set'));
    }
  }
  if (group === 'rbac.authorization.k8s.io' && (kind === 'RoleBinding' || kind === 'ClusterRoleBinding')) {
    if (!valuesEqual(obj.roleRef, old.roleRef)) errs.push(fieldErrors.invalid('roleRef', obj.roleRef, 'cannot change roleRef'));
  }
  if (group === '' && kind === 'PersistentVolumeClaim') {
    // The binder may fill volumeName and storageClassName once; requests may grow.
    const keep = (s: ValueMap, o: ValueMap) => {
      const { resources: _r, volumeAttributesClassName: _v, ...rest } = s;
      if (o.volumeName === undefined || o.volumeName === '') delete rest.volumeName;
      if (o.storageClassName === undefined) delete rest.storageClassName;
      return rest;
    };
    if (!valuesEqual(keep(spec, oldSpec), keep(oldSpec, oldSpec))) {
      errs.push(fieldErrors.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
    }
  }
  return errs;
}

/** Create checks of built-in kinds the clients depend on. */
export function validateBuiltinCreate(group: string, kind: string, obj: ValueMap): FieldError[] {
  const errs: FieldError[] = [];
  const spec = isMap(obj.spec) ? obj.spec : undefined;
  if (group === 'apps' && (kind === 'Deployment' || kind === 'ReplicaSet' || kind === 'DaemonSet' || kind === 'StatefulSet')) {
    if (!spec || !isMap(spec.selector)) errs.push(fieldErrors.required('spec.selector'));
    else {
      const tplLabels = isMap(spec.template) && isMap(spec.template.metadata) && isMap(spec.template.metadata.labels) ? spec.template.metadata.labels : {};
      const ml = isMap(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
      const empty = Object.keys(ml).length === 0 && !(Array.isArray(spec.selector.matchExpressions) && spec.selector.matchExpressions.length > 0);
      if (empty) errs.push(fieldErrors.invalid('spec.selector', spec.selector, 'empty selector is invalid for deployment'));
      for (const [k, v] of Object.entries(ml)) {
        if (tplLabels[k] !== v) {
          errs.push(fieldErrors.invalid('spec.template.metadata.labels', tplLabels, '`selector` does not match template `labels`'));
          break;
        }
      }
    }
    const containers = spec && isMap(spec.template) && isMap(spec.template.spec) ? spec.template.spec.containers : undefined;
    if (!Array.isArray(containers) || containers.length === 0) errs.push(fieldErrors.required('spec.template.spec.containers'));
  }
  if (group === '' && kind === 'Pod') {
    if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) errs.push(fieldErrors.required('spec.containers'));
  }
  if (group === '' && kind === 'Service' && spec) {
    const type = spec.type ?? 'ClusterIP';
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    if (type !== 'ExternalName' && spec.clusterIP !== 'None' && ports.length === 0) errs.push(fieldErrors.required('spec.ports'));
  }
  return errs;
}
