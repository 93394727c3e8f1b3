/** The replicas field: counts for the workloads it names. */
import { isMap, type Value } from '../../yaml/types.js';
import { KustomizeError } from '../errors.js';
import { type FieldSpec, fieldSpecApplies, visitFieldSpec } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';

export interface ReplicaRule {
  name: string;
  count: Value;
}

export function readReplicaRule(v: Value): ReplicaRule {
  if (!isMap(v)) throw new KustomizeError('a replicas entry must be a mapping');
  if (typeof v.name !== 'string') throw new KustomizeError('a replicas entry needs a name');
  if (v.count !== undefined && typeof v.count !== 'number' && typeof v.count !== 'bigint') {
    throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${typeof v.count} into Go struct field Replica.replicas.count of type int64`);
  }
  return { name: v.name, count: v.count ?? 0 };
}

export function setReplicas(resources: ResMap, rule: ReplicaRule, fieldSpecs: FieldSpec[]): void {
  let found = false;
  for (const fs of fieldSpecs) {
    const matches = resources.byAnyId((id) => id.name === rule.name && fieldSpecApplies(fs, id.gvk));
    if (matches.length > 0) found = true;
    for (const r of matches) visitFieldSpec(r.obj, r.gvk, fs, (ref) => ref.set(rule.count), 'scalar');
  }
  if (!found) {
    const gvks = fieldSpecs.map((f) => `${f.group || '~G'}_${f.version || '~V'}_${f.kind || '~K'}`);
    throw new KustomizeError(`resource with name ${rule.name} does not match a config with the following GVK [${gvks.join(' ')}]`);
  }
}
