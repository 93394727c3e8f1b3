/** Strategic merge (kustomize's), JSON patch (RFC 6902) and JSON merge patch (RFC 7386) over plain values. */
export { strategicMerge, type StrategicMergeOptions } from './strategic-merge.js';
export { applyJsonPatch } from './json-patch.js';
export { jsonMergePatch } from './json-merge.js';
export { PatchError } from './errors.js';
