/** commonLabels, labels and commonAnnotations: entries set into the maps field specs name. */
import { isMap } from '../../yaml/types.js';
import { KustomizeError } from '../errors.js';
import { type FieldSpec, visitFieldSpec } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';

export function setMapEntries(resources: ResMap, entries: Record<string, string>, fieldSpecs: FieldSpec[]): void {
  const keys = Object.keys(entries);
  if (keys.length === 0) return;
  for (const r of resources.list()) {
    for (const fs of fieldSpecs) {
      visitFieldSpec(
        r.obj,
        r.gvk,
        fs,
        (ref) => {
          let m = ref.get();
          if (m === null || m === undefined) {
            m = {};
            ref.set(m);
          }
          if (!isMap(m)) throw new KustomizeError(`obj '${r.name}' at path '${fs.path}': expected a mapping, found ${JSON.stringify(m)}`);
          for (const k of keys) m[k] = entries[k]!;
        },
        'map',
      );
    }
  }
}
