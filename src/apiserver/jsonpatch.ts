/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902) for PATCH requests: the shared
 * implementations in src/patch (kube-apiserver embeds the same evanphx json-patch as
 * kustomize), with failures turned into the Status errors the API server answers.
 */
import { PatchError } from '../patch/errors.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { jsonMergePatch } from '../patch/json-merge.js';
import type { Value, ValueMap } from '../yaml/types.js';
import { badRequest, StatusError } from './errors.js';

export function mergePatch(target: Value | undefined, patch: Value): Value {
  return jsonMergePatch(target ?? null, patch);
}

export function jsonPatch(target: ValueMap, ops: Value): Value {
  try {
    return applyJsonPatch(target, ops);
  } catch (e) {
    if (!(e instanceof PatchError)) throw e;
    // A malformed patch document is a bad request; one that does not apply is unprocessable.
    if (e.op === undefined) throw badRequest(e.kustomizeMessage);
    throw new StatusError(422, 'Invalid', e.kustomizeMessage);
  }
}
