/**
 * Field names as Go's encoding/json matches them when kustomize decodes its own files: an exact
 * name first, otherwise any case-insensitive match; unknown names are an error.
 */
import { type ValueMap } from '../yaml/types.js';
import { KustomizeError } from './errors.js';

const lowerIndex = new WeakMap<readonly string[], Map<string, string>>();

function indexOf(known: readonly string[]): Map<string, string> {
  let m = lowerIndex.get(known);
  if (!m) {
    m = new Map(known.map((k) => [k.toLowerCase(), k]));
    lowerIndex.set(known, m);
  }
  return m;
}

export function goFields(obj: ValueMap, known: readonly string[], what = 'Kustomization', strict = true): ValueMap {
  const exact = new Set(known);
  const lower = indexOf(known);
  const out: ValueMap = {};
  const fromExact = new Set<string>();
  for (const [key, value] of Object.entries(obj)) {
    if (exact.has(key)) {
      out[key] = value;
      fromExact.add(key);
      continue;
    }
    const canonical = lower.get(key.toLowerCase());
    if (!canonical) {
      if (strict) throw new KustomizeError(`invalid ${what}: json: unknown field "${key}"`);
      out[key] = value;
      continue;
    }
    // An exactly named field wins over a case-insensitive one, wherever it stands.
    if (!fromExact.has(canonical) && !Object.keys(obj).includes(canonical)) out[canonical] = value;
  }
  return out;
}
