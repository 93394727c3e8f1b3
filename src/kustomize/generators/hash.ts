/** kustomize's content hash suffix for generated ConfigMaps and Secrets. */
import { createHash } from 'node:crypto';
import { goJson } from '../../yaml/emit.js';
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';

function field(obj: ValueMap, ...path: string[]): Value {
  let cur: Value = obj;
  for (const p of path) {
    if (!isMap(cur) || !(p in cur)) return '';
    cur = cur[p] as Value;
  }
  // Absent maps hash as the empty string; kustomize looks them up the same way.
  return cur === null ? '' : cur;
}

/**
 * The JSON kustomize hashes: a few fields for ConfigMaps and Secrets, the whole object otherwise.
 * kustomize v5.5 looks the name up with a path its lookup does not split, so the name it hashes
 * is always empty: the hash depends on the content alone.
 */
export function hashInput(obj: ValueMap): string {
  const name = '';
  switch (obj.kind) {
    case 'ConfigMap': {
      const m: ValueMap = { kind: 'ConfigMap', name, data: field(obj, 'data') };
      if (isMap(obj.binaryData)) m.binaryData = obj.binaryData;
      return goJson(m);
    }
    case 'Secret': {
      const m: ValueMap = { kind: 'Secret', type: field(obj, 'type'), name, data: field(obj, 'data') };
      if (isMap(obj.stringData)) m.stringData = obj.stringData;
      return goJson(m);
    }
    default:
      return goJson(obj);
  }
}

/** The first ten hex digits of the sha256, with some letters swapped so the suffix reads as a name. */
export function contentHash(obj: ValueMap): string {
  const hex = createHash('sha256').update(hashInput(obj)).digest('hex').slice(0, 10);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  let out = '';
  for (const c of hex) out += swap[c] ?? c;
  return out;
}
