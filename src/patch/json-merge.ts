/**
 * JSON merge patch (RFC 7386): maps merge recursively, `null` deletes a key, anything else
 * (lists included) replaces. A patch map applied to a non-map starts from an empty map, so
 * nulls inside newly added maps disappear too.
 *
 * Neither input is modified; the result shares untouched subtrees with `target` and holds
 * copies of what it takes from `patch`.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { deepCopy, hasOwn } from './values.js';

export function jsonMergePatch(target: Value, patch: Value): Value {
  if (!isMap(patch)) return deepCopy(patch);
  const out: ValueMap = isMap(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const v = patch[key]!;
    if (v === null) delete out[key];
    else out[key] = jsonMergePatch(hasOwn(out, key) ? out[key]! : null, v);
  }
  return out;
}
