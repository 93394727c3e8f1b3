/**
 * OpenAPI v3 value validation of custom resources (the CRD's structural schema): types,
 * enums, required fields, patterns, bounds, lengths, item counts, uniqueness, and the
 * combinators. Messages follow the API server's ("spec.x in body must be of type integer").
 * CEL rules (x-kubernetes-validations) are not evaluated.
 */
import { isMap, type Value } from '../yaml/types.js';
import type { OpenApiSchema } from '../schema/kube/index.js';
import { fieldErrors, type FieldError } from './errors.js';

type Resolve = (s: OpenApiSchema) => OpenApiSchema;

function typeName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function typeMatches(type: string, v: Value): boolean {
  const t = typeName(v);
  if (type === 'number') return t === 'number' || t === 'integer';
  return t === type;
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k]!, b[k]!));
  }
  return false;
}

const patternCache = new Map<string, RegExp | null>();
function compilePattern(p: string): RegExp | null {
  let r = patternCache.get(p);
  if (r === undefined) {
    try {
      r = new RegExp(p, 'u');
    } catch {
      r = null;
    }
    patternCache.set(p, r);
  }
  return r;
}

function field(path: string): string {
  return path;
}

/** Validates `value` at `path`; errors are appended to `errs`. */
export function validateValue(value: Value, schema: OpenApiSchema | undefined, resolve: Resolve, path: string, errs: FieldError[]): void {
  if (schema === undefined) return;
  const s = resolve(schema);
  const inBody = `${path} in body`;
  if (value === null) {
    if (s.nullable === true || s.type === undefined) return;
    errs.push(fieldErrors.invalid(field(path), 'null', `${inBody} must be of type ${s.type}: "null"`));
    return;
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    const t = typeName(value);
    if (t !== 'integer' && t !== 'string') {
      errs.push(fieldErrors.invalid(field(path), t, `${inBody} must be of type integer,string: "${t}"`));
      return;
    }
  } else if (typeof s.type === 'string' && s.type !== '' && !typeMatches(s.type, value)) {
    const t = typeName(value);
    errs.push(fieldErrors.invalid(field(path), t, `${inBody} must be of type ${s.type}: "${t}"`));
    return;
  }
  if (Array.isArray(s.enum) && s.enum.length > 0 && !s.enum.some((e) => deepEqual(e as Value, value))) {
    errs.push(fieldErrors.notSupported(field(path), value, s.enum));
  }
  if (typeof value === 'string') {
    if (typeof s.maxLength === 'number' && [...value].length > s.maxLength) errs.push(fieldErrors.tooLong(field(path), s.maxLength));
    if (typeof s.minLength === 'number' && [...value].length < s.minLength) {
      errs.push(fieldErrors.invalid(field(path), value, `${inBody} should be at least ${s.minLength} chars long`));
    }
    if (typeof s.pattern === 'string') {
      const re = compilePattern(s.pattern);
      if (re && !re.test(value)) errs.push(fieldErrors.invalid(field(path), value, `${inBody} should match '${s.pattern}'`));
    }
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    if (typeof s.maximum === 'number') {
      if (s.exclusiveMaximum === true ? n >= s.maximum : n > s.maximum) {
        errs.push(fieldErrors.invalid(field(path), value, `${inBody} should be less than ${s.exclusiveMaximum === true ? '' : 'or equal to '}${s.maximum}`));
      }
    }
    if (typeof s.minimum === 'number') {
      if (s.exclusiveMinimum === true ? n <= s.minimum : n < s.minimum) {
        errs.push(fieldErrors.invalid(field(path), value, `${inBody} should be greater than ${s.exclusiveMinimum === true ? '' : 'or equal to '}${s.minimum}`));
      }
    }
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && n % s.multipleOf !== 0) {
      errs.push(fieldErrors.invalid(field(path), value, `${inBody} should be a multiple of ${s.multipleOf}`));
    }
  }
  if (Array.isArray(value)) {
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) errs.push(fieldErrors.tooMany(field(path), value.length, s.maxItems));
    if (typeof s.minItems === 'number' && value.length < s.minItems) {
      errs.push(fieldErrors.invalid(field(path), value, `${inBody} should have at least ${s.minItems} items`));
    }
    if (s.uniqueItems === true || s['x-kubernetes-list-type'] === 'set') {
      for (let i = 0; i < value.length; i++) {
        for (let j = 0; j < i; j++) {
          if (deepEqual(value[i]!, value[j]!)) {
            errs.push(fieldErrors.duplicate(`${path}[${i}]`, value[i]));
            break;
          }
        }
      }
    }
    if (s['x-kubernetes-list-type'] === 'map' && Array.isArray(s['x-kubernetes-list-map-keys'])) {
      const keys = s['x-kubernetes-list-map-keys'];
      const seen = new Set<string>();
      value.forEach((item, i) => {
        if (!isMap(item)) return;
        const k = JSON.stringify(keys.map((key) => item[key] ?? null));
        if (seen.has(k)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, Object.fromEntries(keys.map((key) => [key, item[key] ?? null]))));
        seen.add(k);
      });
    }
    if (s.items !== undefined) value.forEach((item, i) => validateValue(item, s.items, resolve, `${path}[${i}]`, errs));
  }
  if (isMap(value)) {
    const n = Object.keys(value).length;
    if (typeof s.maxProperties === 'number' && n > s.maxProperties) errs.push(fieldErrors.tooMany(field(path), n, s.maxProperties));
    if (typeof s.minProperties === 'number' && n < s.minProperties) {
      errs.push(fieldErrors.invalid(field(path), n, `${inBody} should have at least ${s.minProperties} properties`));
    }
    for (const r of s.required ?? []) {
      if (!Object.prototype.hasOwnProperty.call(value, r)) errs.push(fieldErrors.required(path === '' ? r : `${path}.${r}`));
    }
    const props = s.properties ?? {};
    for (const [k, v] of Object.entries(value)) {
      const sub = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : isMap(s.additionalProperties) ? s.additionalProperties : undefined;
      if (sub !== undefined) validateValue(v, sub, resolve, path === '' ? k : `${path}.${k}`, errs);
    }
  }
  validateCombinators(value, s, resolve, path, errs);
}

function validateCombinators(value: Value, s: OpenApiSchema, resolve: Resolve, path: string, errs: FieldError[]): void {
  const inBody = `${path} in body`;
  const allOf = s.allOf as OpenApiSchema[] | undefined;
  if (Array.isArray(allOf)) for (const sub of allOf) validateValue(value, sub, resolve, path, errs);
  const anyOf = s.anyOf as OpenApiSchema[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length > 0) {
    const ok = anyOf.some((sub) => {
      const e: FieldError[] = [];
      validateValue(value, sub, resolve, path, e);
      return e.length === 0;
    });
    if (!ok) errs.push(fieldErrors.invalid(field(path), value, `${inBody} must validate at least one schema (anyOf)`));
  }
  const oneOf = s.oneOf as OpenApiSchema[] | undefined;
  if (Array.isArray(oneOf) && oneOf.length > 0) {
    const matches = oneOf.filter((sub) => {
      const e: FieldError[] = [];
      validateValue(value, sub, resolve, path, e);
      return e.length === 0;
    }).length;
    if (matches !== 1) errs.push(fieldErrors.invalid(field(path), value, `${inBody} must validate one and only one schema (oneOf)`));
  }
  const not = s.not as OpenApiSchema | undefined;
  if (isMap(not as Value)) {
    const e: FieldError[] = [];
    validateValue(value, not, resolve, path, e);
    if (e.length === 0) errs.push(fieldErrors.invalid(field(path), value, `${inBody} must not validate the schema (not)`));
  }
}
