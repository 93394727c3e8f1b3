/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902) for PATCH requests, with the API
 * server's error wording. (src/patch may grow shared versions; these keep the server's
 * messages.)
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { badRequest, StatusError } from './errors.js';
import { valuesEqual } from './ssa.js';

export function mergePatch(target: Value | undefined, patch: Value): Value {
  if (!isMap(patch)) return patch;
  const out: ValueMap = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(ptr: string): string[] {
  if (ptr === '') return [];
  if (!ptr.startsWith('/')) throw badRequest(`JSON pointer must be empty or start with a "/": ${ptr}`);
  return ptr.slice(1).split('/').map(unescape);
}

function clone<T extends Value>(v: T): T {
  return v === null || typeof v !== 'object' ? v : (structuredClone(v) as T);
}

function unprocessable(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

/** Walks to the parent of the last token; returns [parent, lastToken]. */
function locate(doc: Value, tokens: string[], op: string): [Value, string] {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (Array.isArray(cur)) {
      const idx = Number(t);
      if (!/^\d+$/.test(t) || idx >= cur.length) throw unprocessable(`${op} operation does not apply: doc is missing path: /${tokens.join('/')}: missing value`);
      cur = cur[idx]!;
    } else if (isMap(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, t)) throw unprocessable(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
      cur = cur[t]!;
    } else {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
    }
  }
  return [cur, tokens[tokens.length - 1]!];
}

function getAt(doc: Value, tokens: string[], op: string): Value {
  if (tokens.length === 0) return doc;
  const [parent, last] = locate(doc, tokens, op);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw unprocessable(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
    return parent[i]!;
  }
  if (isMap(parent) && Object.prototype.hasOwnProperty.call(parent, last)) return parent[last]!;
  throw unprocessable(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
}

function removeAt(doc: Value, tokens: string[], op: string): Value {
  const [parent, last] = locate(doc, tokens, op);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw unprocessable(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
    return parent.splice(i, 1)[0]!;
  }
  if (isMap(parent) && Object.prototype.hasOwnProperty.call(parent, last)) {
    const v = parent[last]!;
    delete parent[last];
    return v;
  }
  throw unprocessable(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
}

function addAt(doc: Value, tokens: string[], value: Value, op: string, replace: boolean): Value {
  if (tokens.length === 0) return value;
  const [parent, last] = locate(doc, tokens, op);
  if (Array.isArray(parent)) {
    if (replace) {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i >= parent.length) throw unprocessable(`replace operation does not apply: doc is missing key: /${tokens.join('/')}: missing value`);
      parent[i] = value;
    } else if (last === '-') parent.push(value);
    else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length) throw unprocessable(`add operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
      parent.splice(i, 0, value);
    }
    return doc;
  }
  if (!isMap(parent)) throw unprocessable(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}": missing value`);
  if (replace && !Object.prototype.hasOwnProperty.call(parent, last)) {
    throw unprocessable(`replace operation does not apply: doc is missing key: /${tokens.join('/')}: missing value`);
  }
  parent[last] = value;
  return doc;
}

export function jsonPatch(target: ValueMap, ops: Value): Value {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc: Value = clone(target);
  for (const raw of ops) {
    if (!isMap(raw)) throw badRequest('json: cannot unmarshal into jsonpatch.Operation');
    const op = String(raw.op ?? '');
    const path = parsePointer(String(raw.path ?? ''));
    switch (op) {
      case 'add':
        doc = addAt(doc, path, clone(raw.value ?? null), op, false);
        break;
      case 'replace':
        doc = addAt(doc, path, clone(raw.value ?? null), op, true);
        break;
      case 'remove':
        removeAt(doc, path, op);
        break;
      case 'move': {
        const from = parsePointer(String(raw.from ?? ''));
        const v = removeAt(doc, from, op);
        doc = addAt(doc, path, v, op, false);
        break;
      }
      case 'copy': {
        const from = parsePointer(String(raw.from ?? ''));
        doc = addAt(doc, path, clone(getAt(doc, from, op)), op, false);
        break;
      }
      case 'test': {
        const v = getAt(doc, path, op);
        if (!valuesEqual(v, raw.value ?? null)) throw unprocessable(`testing value /${path.join('/')} failed: test failed`);
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}
