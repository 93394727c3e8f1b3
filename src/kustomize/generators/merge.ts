/** How a generated resource with behavior merge or replace combines with the one it targets. */
import { isMap, type ValueMap } from '../../yaml/types.js';
import type { Resource } from '../resource.js';

function mapField(obj: ValueMap, key: string): ValueMap {
  const v = obj[key];
  return isMap(v) ? v : {};
}

export function mergeGeneratedResource(old: Resource, r: Resource): Resource {
  const merged = r.clone();
  if (r.behavior === 'merge') {
    for (const key of ['data', 'binaryData']) {
      const combined = { ...mapField(old.obj, key), ...mapField(r.obj, key) };
      if (Object.keys(combined).length) merged.obj[key] = combined;
    }
  }
  // Labels and annotations of both survive, the new ones winning; name, namespace and history
  // stay the old resource's; the generator options (hash suffix) are the new one's.
  merged.setStringMap('labels', { ...old.labels(), ...r.labels() });
  merged.setStringMap('annotations', { ...old.annotations(), ...r.annotations() });
  merged.setName(old.name);
  if (old.namespace) merged.setNamespace(old.namespace);
  else delete merged.ensureMetadata().namespace;
  merged.previousIds = [...old.previousIds];
  merged.refBy = [...old.refBy];
  merged.refVarNames = [...old.refVarNames];
  // A replacement comes from where it was configured; a merge keeps the original origin.
  merged.origin = r.behavior === 'replace' ? r.origin : old.origin;
  return merged;
}
