/**
 * Conversion between the versions of one stored resource. Custom resources and most
 * built-ins convert by relabelling (`None` conversion); core/v1 and events.k8s.io/v1 Events
 * share one storage and rename their fields; autoscaling/v1 HorizontalPodAutoscalers are
 * stored as autoscaling/v2.
 */
import { isMap, type ValueMap } from '../yaml/types.js';
import { apiVersionOf, type ResourceType } from './registry.js';

type Converter = (obj: ValueMap) => ValueMap;

function rename(obj: ValueMap, pairs: [string, string][]): ValueMap {
  const out: ValueMap = { ...obj };
  for (const [from, to] of pairs) {
    if (Object.prototype.hasOwnProperty.call(out, from)) {
      const v = out[from]!;
      delete out[from];
      out[to] = v;
    }
  }
  return out;
}

const EVENT_FIELDS: [string, string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

const coreEventToNew: Converter = (o) => {
  const out = rename(o, EVENT_FIELDS);
  if (out.reportingController === undefined && isMap(out.deprecatedSource) && typeof out.deprecatedSource.component === 'string') {
    out.reportingController = out.deprecatedSource.component;
  }
  return out;
};

const newEventToCore: Converter = (o) => rename(o, EVENT_FIELDS.map(([a, b]) => [b, a] as [string, string]));

/** autoscaling/v1 keeps the CPU target as one number; v2 as a metric list. */
const hpaV2ToV1: Converter = (o) => {
  const out: ValueMap = { ...o };
  const spec = isMap(o.spec) ? { ...o.spec } : {};
  const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
  delete spec.metrics;
  delete spec.behavior;
  for (const m of metrics) {
    if (isMap(m) && m.type === 'Resource' && isMap(m.resource) && m.resource.name === 'cpu' && isMap(m.resource.target)) {
      const u = m.resource.target.averageUtilization;
      if (typeof u === 'number') spec.targetCPUUtilizationPercentage = u;
    }
  }
  out.spec = spec;
  if (isMap(o.status)) {
    const st: ValueMap = { ...o.status };
    const cur = Array.isArray(st.currentMetrics) ? st.currentMetrics : [];
    delete st.currentMetrics;
    delete st.conditions;
    for (const m of cur) {
      if (isMap(m) && m.type === 'Resource' && isMap(m.resource) && m.resource.name === 'cpu' && isMap(m.resource.current)) {
        const u = m.resource.current.averageUtilization;
        if (typeof u === 'number') st.currentCPUUtilizationPercentage = u;
      }
    }
    out.status = st;
  }
  return out;
};

const hpaV1ToV2: Converter = (o) => {
  const out: ValueMap = { ...o };
  const spec = isMap(o.spec) ? { ...o.spec } : {};
  const target = spec.targetCPUUtilizationPercentage;
  delete spec.targetCPUUtilizationPercentage;
  if (typeof target === 'number') {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }];
  }
  out.spec = spec;
  if (isMap(o.status)) {
    const st: ValueMap = { ...o.status };
    const cur = st.currentCPUUtilizationPercentage;
    delete st.currentCPUUtilizationPercentage;
    if (typeof cur === 'number') st.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cur } } }];
    out.status = st;
  }
  return out;
};

const CONVERTERS: Record<string, Converter> = {
  'v1>events.k8s.io/v1': coreEventToNew,
  'events.k8s.io/v1>v1': newEventToCore,
  'autoscaling/v2>autoscaling/v1': hpaV2ToV1,
  'autoscaling/v1>autoscaling/v2': hpaV1ToV2,
};

function relabel(obj: ValueMap, apiVersion: string, kind: string): ValueMap {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion, kind, ...rest };
}

/** A stored object as the given version serves it. */
export function fromStorage(t: ResourceType, stored: ValueMap): ValueMap {
  const to = apiVersionOf(t);
  const from = typeof stored.apiVersion === 'string' ? stored.apiVersion : t.storageVersion;
  const conv = from === to ? undefined : CONVERTERS[`${from}>${to}`];
  return relabel(conv ? conv(stored) : stored, to, t.kind);
}

/** An object written through a version, as it is stored. */
export function toStorage(t: ResourceType, obj: ValueMap): ValueMap {
  const from = apiVersionOf(t);
  const to = t.storageVersion;
  const conv = from === to ? undefined : CONVERTERS[`${from}>${to}`];
  return relabel(conv ? conv(obj) : obj, to, t.kind);
}
