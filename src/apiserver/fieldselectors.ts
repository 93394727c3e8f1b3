/**
 * Field selectors, kind by kind, as kube-apiserver accepts them. Every kind takes
 * metadata.name and metadata.namespace unless its own table says otherwise; the kinds with
 * their own table (pods, nodes, events, secrets, services, …) accept exactly the labels
 * listed there and answer "field label not supported: X" for others, while the rest answer
 * `"X" is not a known field selector: only "metadata.name", "metadata.namespace"`.
 * Values compare as strings, as the registries' selectable field sets hold them.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { badRequest } from './errors.js';
import type { ResourceType } from './registry.js';
import { fieldValue, parseFieldSelector } from './selectors.js';

/** A kind's selectable fields: the label a request may name → how its value is read. */
type Fields = Record<string, (o: ValueMap) => string>;

function str(v: Value | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}
function sub(o: ValueMap, k: string): ValueMap {
  const v = o[k];
  return isMap(v) ? v : {};
}
function path(p: string): (o: ValueMap) => string {
  return (o) => fieldValue(o, p);
}
function intField(v: Value | undefined): string {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : '0';
}

const NAME = { 'metadata.name': path('metadata.name') };
const NAMESPACE = { 'metadata.namespace': path('metadata.namespace') };

const POD: Fields = {
  ...NAME,
  ...NAMESPACE,
  'spec.nodeName': path('spec.nodeName'),
  'spec.restartPolicy': path('spec.restartPolicy'),
  'spec.schedulerName': path('spec.schedulerName'),
  'spec.serviceAccountName': path('spec.serviceAccountName'),
  'spec.hostNetwork': (o) => (sub(o, 'spec').hostNetwork === true ? 'true' : 'false'),
  'status.phase': path('status.phase'),
  'status.podIP': (o) => {
    const ips = sub(o, 'status').podIPs;
    const first = Array.isArray(ips) && isMap(ips[0]) ? str(ips[0].ip) : '';
    return first || str(sub(o, 'status').podIP);
  },
  // Accepted, but not in the pod's field set: it never matches a value.
  'status.podIPs': () => '',
  'status.nominatedNodeName': path('status.nominatedNodeName'),
};

/** core/v1 Events; "source" is the reporting component under either field name. */
const CORE_EVENT: Fields = {
  ...NAME,
  ...NAMESPACE,
  'involvedObject.kind': path('involvedObject.kind'),
  'involvedObject.namespace': path('involvedObject.namespace'),
  'involvedObject.name': path('involvedObject.name'),
  'involvedObject.uid': path('involvedObject.uid'),
  'involvedObject.apiVersion': path('involvedObject.apiVersion'),
  'involvedObject.resourceVersion': path('involvedObject.resourceVersion'),
  'involvedObject.fieldPath': path('involvedObject.fieldPath'),
  reason: path('reason'),
  reportingComponent: path('reportingComponent'),
  source: (o) => str(sub(o, 'source').component) || str(o.reportingComponent),
  type: path('type'),
};

/** events.k8s.io/v1 Events name the same set by their own field names. */
const NEW_EVENT: Fields = {
  ...NAME,
  ...NAMESPACE,
  'regarding.kind': path('regarding.kind'),
  'regarding.namespace': path('regarding.namespace'),
  'regarding.name': path('regarding.name'),
  'regarding.uid': path('regarding.uid'),
  'regarding.apiVersion': path('regarding.apiVersion'),
  'regarding.resourceVersion': path('regarding.resourceVersion'),
  'regarding.fieldPath': path('regarding.fieldPath'),
  reason: path('reason'),
  reportingController: path('reportingController'),
  source: (o) => str(sub(o, 'deprecatedSource').component) || str(o.reportingController),
  type: path('type'),
};

/** Kinds with their own field label conversion in kube-apiserver. */
const OWN: Record<string, Fields> = {
  '/Pod': POD,
  '/Node': { ...NAME, 'spec.unschedulable': (o) => (sub(o, 'spec').unschedulable === true ? 'true' : 'false') },
  '/ReplicationController': { ...NAME, ...NAMESPACE, 'status.replicas': (o) => intField(sub(o, 'status').replicas) },
  '/Event': CORE_EVENT,
  'events.k8s.io/Event': NEW_EVENT,
  '/Namespace': { 'status.phase': path('status.phase'), ...NAME },
  '/Secret': { type: path('type'), ...NAMESPACE, ...NAME },
  '/Service': { ...NAMESPACE, ...NAME, 'spec.clusterIP': path('spec.clusterIP'), 'spec.type': path('spec.type') },
  'apps/ReplicaSet': { ...NAME, ...NAMESPACE, 'status.replicas': (o) => intField(sub(o, 'status').replicas) },
  'batch/Job': { ...NAME, ...NAMESPACE, 'status.successful': (o) => intField(sub(o, 'status').succeeded) },
  'certificates.k8s.io/CertificateSigningRequest': { ...NAME, 'spec.signerName': path('spec.signerName') },
};

/** Old clients' spellings the API server still maps. */
const ALIASES: Record<string, Record<string, string>> = {
  '/Pod': { 'spec.host': 'spec.nodeName' },
};

interface KindFields {
  fields: Fields;
  /** Kinds with their own conversion say "field label not supported"; the rest name the two metadata fields. */
  own: boolean;
}

function fieldsOf(t: ResourceType): KindFields {
  if (!t.builtin) {
    const fields: Fields = { ...NAME };
    if (t.namespaced) Object.assign(fields, NAMESPACE);
    for (const f of t.crd?.selectableFields ?? []) fields[f] = path(f);
    return { fields, own: true };
  }
  const own = OWN[`${t.group}/${t.kind}`];
  if (own) return { fields: own, own: true };
  return { fields: { ...NAME, ...NAMESPACE }, own: false };
}

/** The labels a kind's field selectors accept (for documentation and tests). */
export function selectableFieldLabels(t: ResourceType): string[] {
  return Object.keys(fieldsOf(t).fields);
}

/**
 * Compiles a field selector for a kind; unknown labels are a 400 Bad Request worded as
 * kube-apiserver words it. Objects are matched in the version the request names.
 */
export function compileFieldSelector(t: ResourceType, text: string): ((obj: ValueMap) => boolean) | undefined {
  const reqs = parseFieldSelector(text);
  if (reqs.length === 0) return undefined;
  const { fields, own } = fieldsOf(t);
  const aliases = ALIASES[`${t.group}/${t.kind}`] ?? {};
  const checks = reqs.map((r) => {
    const label = aliases[r.field] ?? r.field;
    const read = Object.prototype.hasOwnProperty.call(fields, label) ? fields[label] : undefined;
    if (!read) {
      throw badRequest(own ? `field label not supported: ${r.field}` : `"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    return { read, value: r.value, negate: r.negate };
  });
  return (obj) => checks.every((c) => (c.read(obj) === c.value) !== c.negate);
}
