/**
 * The REST semantics of one resource: get, list, create, update, patch (merge, JSON,
 * strategic, apply), delete and delete-collection, with the metadata rules Kubernetes
 * keeps (uid, creationTimestamp, resourceVersion, generation, managedFields, finalizers)
 * and its error answers. The HTTP layer (server.ts) only parses requests into these calls.
 */
import { randomUUID } from 'node:crypto';
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import type { OpenApiSchema } from '../schema/kube/index.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  fieldErrors,
  forbidden,
  invalid,
  methodNotAllowed,
  MODIFIED,
  notFound,
  StatusError,
  unsupportedMediaType,
  CONTINUE_EXPIRED,
  LIST_EXPIRED,
  type FieldError,
} from './errors.js';
import { apiVersionOf, type Registry, type ResourceType } from './registry.js';
import { metaOf, type Store } from './store.js';
import { fromStorage, toStorage } from './convert.js';
import { applyDefaults, prune } from './prune.js';
import { validateValue } from './validation.js';
import { applyBuiltinDefaults } from './defaults.js';
import { nameRuleFor, validateMetadata, validateName } from './metadata.js';
import { admitService, validateBuiltinCreate, validateBuiltinUpdate } from './admission.js';
import { apply as serverSideApply, updateManagedFields, valuesEqual, type TypeContext } from './ssa.js';
import { apiServerStrategicMerge } from '../patch/apiserver-strategic-merge.js';
import { PatchError } from '../patch/errors.js';
import { jsonPatch, mergePatch } from './jsonpatch.js';
import { defaultCrd, validateCrd } from './crd.js';
import { labelsOf, matchesLabels, parseLabelSelector } from './selectors.js';
import { compileFieldSelector } from './fieldselectors.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: FieldValidation;
  force: boolean;
}

export interface Result {
  code: number;
  body: ValueMap;
  warnings: string[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface DeleteOptions {
  dryRun: boolean;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** RFC 3339 with seconds, as metav1.Time prints. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function clone<T extends Value>(v: T): T {
  return structuredClone(v);
}

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
  return s;
}

/** Parses the list-time selectors of a type, rejecting unsupported fields as the server does. */
export function compileSelectors(t: ResourceType, opts: ListOptions): (obj: ValueMap) => boolean {
  const labels = parseLabelSelector(opts.labelSelector ?? '');
  const fields = compileFieldSelector(t, opts.fieldSelector ?? '');
  if (labels.length === 0 && !fields) return () => true;
  return (obj) => matchesLabels(labels, labelsOf(obj)) && (!fields || fields(obj));
}

/**
 * A continue token: the snapshot's resourceVersion (-1: go on at the latest state) and the
 * key of the last object returned. Encoded as kube-apiserver encodes its own.
 */
interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64');
}

function decodeContinue(s: string): ContinueToken {
  let o: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    o = JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as typeof o;
  } catch {
    throw badRequest('continue key is not valid: continue key is not valid: illegal base64 data at input byte 0');
  }
  if (o.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: continue key is not valid: server does not recognize this encoded version');
  if (typeof o.rv !== 'number' || o.rv === 0) throw badRequest('continue key is not valid: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof o.start !== 'string' || o.start === '') throw badRequest('continue key is not valid: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  return { rv: o.rv, start: o.start };
}

/** 400 for list options that contradict each other, worded as the option validation words it. */
function invalidListOptions(detail: string): StatusError {
  return new StatusError(400, 'BadRequest', detail);
}

/** A list from a resourceVersion the server has not reached yet. */
function tooLargeResourceVersion(rv: number, current: number): StatusError {
  return new StatusError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

export interface ApiHooks {
  now(): Date;
  /** Called for every committed change an API write makes (controllers react to store events instead). */
  onCommitted?(t: ResourceType, obj: ValueMap): void;
}

const SERVER_META = ['uid', 'creationTimestamp', 'resourceVersion', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

export class ResourceApi {
  constructor(
    readonly registry: Registry,
    readonly store: Store,
    readonly hooks: ApiHooks,
  ) {}

  private now(): string {
    return timestamp(this.hooks.now());
  }

  gr(t: ResourceType) {
    return { group: t.group, resource: t.plural };
  }

  private typeContext(t: ResourceType): TypeContext {
    return { resolve: t.resolve };
  }

  private walkSchema(t: ResourceType) {
    return { resolve: t.resolve, structural: !t.builtin };
  }

  hasStatus(t: ResourceType): boolean {
    return t.subresources.some((s) => s.name === 'status');
  }

  /** The stored object converted to the type's version, or undefined. */
  read(t: ResourceType, namespace: string, name: string): ValueMap | undefined {
    const stored = this.store.get(t.storage, t.namespaced ? namespace : '', name);
    return stored ? fromStorage(t, stored) : undefined;
  }

  get(t: ResourceType, namespace: string, name: string): ValueMap {
    const obj = this.read(t, namespace, name);
    if (!obj) throw notFound(this.gr(t), name);
    return obj;
  }

  /**
   * A list, optionally one page of it. Pages after the first are read from the snapshot the
   * first page saw (its resourceVersion), so a paged list is consistent; when the history no
   * longer reaches back, the answer is 410 Expired with a token that goes on at the latest
   * state, as kube-apiserver answers a compacted etcd revision.
   */
  list(t: ResourceType, namespace: string, opts: ListOptions): ValueMap {
    const match = compileSelectors(t, opts);
    const ns = t.namespaced && namespace !== '' ? namespace : undefined;
    const rvText = opts.resourceVersion ?? '';
    const rvMatch = opts.resourceVersionMatch ?? '';
    if (rvMatch !== '' && rvText === '') throw invalidListOptions('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (rvMatch !== '' && rvMatch !== 'Exact' && rvMatch !== 'NotOlderThan') {
      throw invalidListOptions(`resourceVersionMatch: Unsupported value: "${rvMatch}": supported values: "Exact", "NotOlderThan"`);
    }
    if (opts.continue && rvText !== '' && rvText !== '0') throw invalidListOptions('resourceVersion: Forbidden: specifying resource version is not allowed when using continue');
    if (opts.continue && rvMatch !== '') throw invalidListOptions('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
    let requestedRv: number | undefined;
    if (rvText !== '') {
      requestedRv = Number(rvText);
      if (!/^\d+$/.test(rvText) || !Number.isSafeInteger(requestedRv)) throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
      if (rvMatch === 'Exact' && requestedRv === 0) throw invalidListOptions('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
      if (requestedRv > this.store.currentRv()) throw tooLargeResourceVersion(requestedRv, this.store.currentRv());
    }
    let start = '';
    let snapshotRv = this.store.currentRv();
    let objects: ValueMap[] | undefined;
    if (opts.continue) {
      const c = decodeContinue(opts.continue);
      start = c.start;
      if (c.rv > 0) {
        objects = this.store.listAt(t.storage, c.rv, ns);
        if (!objects) {
          const err = new StatusError(410, 'Expired', CONTINUE_EXPIRED);
          err.listMeta = { continue: encodeContinue({ rv: -1, start }) };
          throw err;
        }
        snapshotRv = c.rv;
      }
    } else if (requestedRv !== undefined && rvMatch === 'Exact') {
      objects = this.store.listAt(t.storage, requestedRv, ns);
      if (!objects) throw new StatusError(410, 'Expired', LIST_EXPIRED);
      snapshotRv = requestedRv;
    }
    objects ??= this.store.list(t.storage, ns);
    const keyOf = (o: ValueMap) => `${metaOf(o).namespace ?? ''}/${metaOf(o).name ?? ''}`;
    // Resume after the token's key (objects are in key order).
    let i = 0;
    if (start !== '') {
      let hi = objects.length;
      while (i < hi) {
        const mid = (i + hi) >> 1;
        if (keyOf(objects[mid]!) <= start) i = mid + 1;
        else hi = mid;
      }
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: ValueMap[] = [];
    let lastKey = '';
    for (; i < objects.length && (limit === 0 || items.length < limit); i++) {
      const view = fromStorage(t, objects[i]!);
      if (!match(view)) continue;
      items.push(view);
      lastKey = keyOf(objects[i]!);
    }
    const metadata: ValueMap = { resourceVersion: String(snapshotRv) };
    // A page that filled up with objects left to look at goes on, as etcd reports more keys.
    if (i < objects.length) {
      metadata.continue = encodeContinue({ rv: snapshotRv, start: lastKey });
      // The server counts what is left only when no selector filters it.
      if (!opts.labelSelector && !opts.fieldSelector) metadata.remainingItemCount = objects.length - i;
    }
    return { kind: t.listKind, apiVersion: apiVersionOf(t), metadata, items };
  }

  // ---- writes ---------------------------------------------------------------

  private checkNamespace(t: ResourceType, namespace: string, name: string): void {
    if (!t.namespaced) return;
    const ns = this.store.get('/namespaces', '', namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (isMap(ns.metadata) && ns.metadata.deletionTimestamp) {
      throw forbidden(this.gr(t), name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  /**
   * Unknown fields: dropped, and reported per fieldValidation (Strict fails, Warn warns).
   * Returns the pruned object.
   */
  private pruneUnknown(t: ResourceType, obj: ValueMap, fv: FieldValidation, warnings: string[], forApply: boolean): ValueMap {
    const unknown: string[] = [];
    const pruned = prune(obj, t.schema, this.walkSchema(t), '', unknown) as ValueMap;
    if (unknown.length > 0) {
      if (forApply && fv !== 'Ignore') {
        const meta = metaOf(obj);
        const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
        throw badRequest(
          `failed to create typed patch object (${ns}/${String(meta.name ?? '')}; ${t.group === '' ? '' : `${t.group}/`}${t.version}, Kind=${t.kind}): .${unknown[0]}: field not declared in schema`,
        );
      }
      if (fv === 'Strict') {
        const list = unknown.map((u) => `unknown field "${u}"`).join(', ');
        throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${list}`);
      }
      if (fv === 'Warn') for (const u of unknown) warnings.push(`unknown field "${u}"`);
    }
    return pruned;
  }

  /** Scalar type mismatches in built-in kinds (what Go's decoder refuses). */
  private checkBuiltinTypes(t: ResourceType, obj: ValueMap): void {
    if (!t.builtin || !t.schema) return;
    const bad = findTypeMismatch(obj, t.schema, t.resolve, '');
    if (bad) {
      throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: json: cannot unmarshal ${bad.got} into Go struct field ${bad.path} of type ${bad.want}`);
    }
  }

  /** Defaults and validation; returns the object to store (in the request's version). */
  private prepare(t: ResourceType, obj: ValueMap, old: ValueMap | undefined): ValueMap {
    let out = obj;
    if (t.builtin) {
      out = clone(out);
      applyBuiltinDefaults(t.group, t.kind, out);
      if (t.group === 'apiextensions.k8s.io' && t.kind === 'CustomResourceDefinition') defaultCrd(out);
      if (t.group === '' && t.kind === 'Service') admitService(this.store, out, old);
    } else {
      out = applyDefaults(out, t.schema, this.walkSchema(t)) as ValueMap;
    }
    const meta = metaOf(out);
    const name = typeof meta.name === 'string' ? meta.name : '';
    const errs: FieldError[] = [];
    errs.push(...validateName(name, t.builtin ? nameRuleFor(t.group, t.kind) : 'subdomain'));
    errs.push(...validateMetadata(meta));
    if (t.builtin) {
      errs.push(...(old ? validateBuiltinUpdate(t.group, t.kind, out, old) : validateBuiltinCreate(t.group, t.kind, out)));
      if (t.group === 'apiextensions.k8s.io' && t.kind === 'CustomResourceDefinition') errs.push(...validateCrd(out));
    } else if (t.schema) {
      const { metadata: _m, apiVersion: _a, kind: _k, ...body } = out;
      const s = t.resolve(t.schema);
      const bodySchema: OpenApiSchema = { ...s, properties: { ...(s.properties ?? {}) } };
      delete bodySchema.properties!.metadata;
      delete bodySchema.properties!.apiVersion;
      delete bodySchema.properties!.kind;
      validateValue(body, bodySchema, t.resolve, '', errs);
    }
    if (errs.length > 0) throw invalid(t.group, t.kind, name, errs);
    return out;
  }

  /** Strips what field ownership ignores, per endpoint. */
  private stripper(t: ResourceType, sub: 'status' | 'scale' | undefined): (o: ValueMap) => ValueMap {
    const hasStatus = this.hasStatus(t);
    return (o) => {
      const { apiVersion: _a, kind: _k, metadata, status, ...rest } = o;
      const out: ValueMap = {};
      if (sub === 'status') {
        if (status !== undefined) out.status = status;
        return out;
      }
      Object.assign(out, rest);
      if (!hasStatus && status !== undefined) out.status = status;
      if (isMap(metadata)) {
        const m: ValueMap = {};
        for (const [k, v] of Object.entries(metadata)) {
          if (k === 'name' || k === 'namespace' || SERVER_META.includes(k)) continue;
          m[k] = v;
        }
        if (Object.keys(m).length > 0) out.metadata = m;
      }
      return out;
    };
  }

  private bumpGeneration(t: ResourceType, next: ValueMap, old: ValueMap | undefined): void {
    const meta = metaOf(next);
    if (!t.hasGeneration) {
      delete meta.generation;
      return;
    }
    if (!old) {
      meta.generation = 1;
      return;
    }
    const oldGen = typeof metaOf(old).generation === 'number' ? (metaOf(old).generation as number) : 1;
    const strip = (o: ValueMap) => {
      const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    };
    const specChanged = !valuesEqual(strip(next), strip(old));
    // Setting deletionTimestamp bumps generation too, as the registry does.
    const deleting = !metaOf(old).deletionTimestamp && !!meta.deletionTimestamp;
    meta.generation = specChanged || deleting ? oldGen + 1 : oldGen;
  }

  /** Commits a prepared object; handles dry run and finalizer-released deletion. */
  private commit(t: ResourceType, next: ValueMap, dryRun: boolean, existed: boolean): ValueMap {
    const meta = metaOf(next);
    if (dryRun) {
      if (!existed) delete meta.resourceVersion;
      return next;
    }
    const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers : [];
    if (existed && meta.deletionTimestamp && finalizers.length === 0) {
      const ns = t.namespaced ? String(meta.namespace ?? '') : '';
      const last = this.store.remove(t.storage, ns, String(meta.name));
      return last ? fromStorage(t, last) : next;
    }
    const stored = this.store.put(t.storage, toStorage(t, next));
    const out = fromStorage(t, stored);
    this.hooks.onCommitted?.(t, out);
    return out;
  }

  private decodeBody(t: ResourceType, body: Value, what: string): ValueMap {
    if (!isMap(body)) throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: ${what}`);
    const av = body.apiVersion;
    const kind = body.kind;
    if (av !== undefined && av !== apiVersionOf(t)) {
      throw badRequest(`the API version in the data (${String(av)}) does not match the expected API version (${apiVersionOf(t)})`);
    }
    if (kind !== undefined && kind !== t.kind) {
      throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: the kind in the data (${String(kind)}) does not match the expected kind (${t.kind})`);
    }
    const out: ValueMap = { ...body, apiVersion: apiVersionOf(t), kind: t.kind };
    out.metadata = isMap(body.metadata) ? { ...body.metadata } : {};
    return out;
  }

  create(t: ResourceType, namespace: string, body: Value, opts: WriteOptions): Result {
    if (!t.verbs.includes('create')) throw methodNotAllowed();
    const warnings: string[] = [];
    let obj = this.decodeBody(t, body, 'expected an object');
    const meta = metaOf(obj);
    if (t.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
    } else delete meta.namespace;
    if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
      meta.name = meta.generateName + randomSuffix();
    }
    if (t.review) return { code: 201, body: answerReview(obj), warnings };
    const name = typeof meta.name === 'string' ? meta.name : '';
    if (name === '') throw invalid(t.group, t.kind, '', [fieldErrors.required('metadata.name', 'name or generateName is required')]);
    this.checkBuiltinTypes(t, obj);
    obj = this.pruneUnknown(t, obj, opts.fieldValidation, warnings, false);
    if (t.namespaced) this.checkNamespace(t, namespace, name);
    for (const k of SERVER_META) if (k !== 'managedFields') delete metaOf(obj)[k];
    if (this.hasStatus(t) && !(t.group === '' && (t.kind === 'Namespace' || t.kind === 'Service' || t.kind === 'PersistentVolumeClaim' || t.kind === 'PersistentVolume'))) delete obj.status;
    const prepared = this.prepare(t, obj, undefined);
    const pm = metaOf(prepared);
    pm.uid = randomUUID();
    pm.creationTimestamp = this.now();
    this.bumpGeneration(t, prepared, undefined);
    const requested = meta.managedFields;
    pm.managedFields = updateManagedFields({
      live: undefined,
      updated: prepared,
      managedFields: Array.isArray(requested) && requested.length > 0 ? requested : undefined,
      manager: opts.fieldManager,
      apiVersion: apiVersionOf(t),
      now: this.now(),
      schema: t.schema,
      ctx: this.typeContext(t),
      strip: this.stripper(t, undefined),
    }) as unknown as Value;
    if (this.store.get(t.storage, t.namespaced ? namespace : '', name)) throw alreadyExists(this.gr(t), name);
    const out = this.commit(t, prepared, opts.dryRun, false);
    return { code: 201, body: out, warnings };
  }

  /** PUT of the object or its status. */
  update(t: ResourceType, namespace: string, name: string, body: Value, opts: WriteOptions, sub?: 'status'): Result {
    if (!t.verbs.includes('update')) throw methodNotAllowed();
    const warnings: string[] = [];
    const old = this.read(t, namespace, name);
    if (!old) throw notFound(this.gr(t), name);
    let obj = this.decodeBody(t, body, 'expected an object');
    const meta = metaOf(obj);
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    }
    if (t.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const rv = meta.resourceVersion;
    if (typeof rv === 'string' && rv !== '' && rv !== metaOf(old).resourceVersion) throw conflict(this.gr(t), name, MODIFIED);
    this.checkBuiltinTypes(t, obj);
    obj = this.pruneUnknown(t, obj, opts.fieldValidation, warnings, false);
    return this.finishUpdate(t, old, obj, opts, sub, warnings, meta.managedFields);
  }

  /**
   * The common tail of updates and non-apply patches: status/main split, server metadata
   * kept, defaults, validation, generation, ownership, no-op detection, commit.
   */
  private finishUpdate(t: ResourceType, old: ValueMap, obj: ValueMap, opts: WriteOptions, sub: 'status' | undefined, warnings: string[], requestedManaged: Value | undefined): Result {
    const oldMeta = metaOf(old);
    let next: ValueMap;
    if (sub === 'status') {
      // The status endpoint changes status only; metadata and spec stay as they are.
      next = { ...old, status: obj.status ?? null };
      if (next.status === null) delete next.status;
    } else {
      // The main endpoint leaves status alone where a status subresource owns it.
      next = { ...obj };
      if (this.hasStatus(t)) {
        if (old.status !== undefined) next.status = old.status;
        else delete next.status;
      }
    }
    next.metadata = { ...(sub === 'status' ? oldMeta : metaOf(obj)) };
    const nm = metaOf(next);
    nm.name = oldMeta.name!;
    if (t.namespaced) nm.namespace = oldMeta.namespace!;
    else delete nm.namespace;
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
      if (oldMeta[k] !== undefined) nm[k] = oldMeta[k]!;
      else delete nm[k];
    }
    nm.resourceVersion = oldMeta.resourceVersion!;
    if (oldMeta.deletionTimestamp) {
      // Finalizers may only be removed from an object being deleted, not added.
      const before = new Set(Array.isArray(oldMeta.finalizers) ? oldMeta.finalizers.map(String) : []);
      const after = Array.isArray(nm.finalizers) ? nm.finalizers.map(String) : [];
      if (after.some((f) => !before.has(f))) {
        throw invalid(t.group, t.kind, String(nm.name), [fieldErrors.forbidden('metadata.finalizers', 'no new finalizers can be added if the object is being deleted')]);
      }
    }
    const prepared = this.prepare(t, next, old);
    this.bumpGeneration(t, prepared, old);
    const pm = metaOf(prepared);
    const managedBase = Array.isArray(requestedManaged) ? requestedManaged : oldMeta.managedFields;
    pm.managedFields = updateManagedFields({
      live: old,
      updated: prepared,
      managedFields: managedBase,
      manager: opts.fieldManager,
      apiVersion: apiVersionOf(t),
      subresource: sub,
      now: this.now(),
      schema: t.schema,
      ctx: this.typeContext(t),
      strip: this.stripper(t, sub),
    }) as unknown as Value;
    if (Array.isArray(requestedManaged) && requestedManaged.length === 0) pm.managedFields = [];
    if (sameButManagedTimes(prepared, old)) return { code: 200, body: old, warnings };
    const out = this.commit(t, prepared, opts.dryRun, true);
    return { code: 200, body: out, warnings };
  }

  patch(t: ResourceType, namespace: string, name: string, contentType: string, body: Value, opts: WriteOptions, sub?: 'status'): Result {
    if (!t.verbs.includes('patch')) throw methodNotAllowed();
    if (contentType === 'application/apply-patch+yaml') return this.apply(t, namespace, name, body, opts, sub);
    if (opts.force) throw badRequest('force: Invalid value: true: may not be specified for non-apply patch');
    const old = this.read(t, namespace, name);
    if (!old) throw notFound(this.gr(t), name);
    let patched: Value;
    switch (contentType) {
      case 'application/merge-patch+json':
        if (!isMap(body)) throw badRequest('couldn\'t get patch: json: cannot unmarshal into Go value of type map[string]interface {}');
        patched = mergePatch(old, body);
        break;
      case 'application/json-patch+json':
        patched = jsonPatch(old, body);
        break;
      case 'application/strategic-merge-patch+json':
        if (!t.builtin) throw unsupportedMediaType(contentType, ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
        try {
          patched = apiServerStrategicMerge(old, body, t.schema, t.resolve);
        } catch (e) {
          throw e instanceof PatchError ? badRequest(e.message) : e;
        }
        break;
      default:
        throw unsupportedMediaType(contentType, PATCH_TYPES);
    }
    if (!isMap(patched)) throw badRequest('the patch produced something other than an object');
    const pm = metaOf(patched);
    const rv = pm.resourceVersion;
    if (typeof rv === 'string' && rv !== '' && rv !== metaOf(old).resourceVersion) throw conflict(this.gr(t), name, MODIFIED);
    if (pm.name !== undefined && pm.name !== name) throw badRequest(`the name of the object (${String(pm.name)}) does not match the name on the URL (${name})`);
    const warnings: string[] = [];
    let obj = this.decodeBody(t, patched, 'expected an object');
    this.checkBuiltinTypes(t, obj);
    obj = this.pruneUnknown(t, obj, opts.fieldValidation, warnings, false);
    const mf = metaOf(patched).managedFields;
    const requested = valuesEqual(mf, metaOf(old).managedFields) ? undefined : mf;
    return this.finishUpdate(t, old, obj, opts, sub, warnings, requested);
  }

  /** Server-side apply (PATCH with application/apply-patch+yaml). */
  apply(t: ResourceType, namespace: string, name: string, body: Value, opts: WriteOptions, sub?: 'status'): Result {
    if (!opts.fieldManager) throw badRequest('PATCH /apply requires fieldManager to be set');
    if (!isMap(body)) throw badRequest('error decoding YAML: the applied configuration is not an object');
    const warnings: string[] = [];
    if (typeof body.apiVersion !== 'string' || body.apiVersion === '') throw badRequest('apiVersion must be set in the applied configuration');
    if (typeof body.kind !== 'string' || body.kind === '') throw badRequest('kind must be set in the applied configuration');
    let config = this.decodeBody(t, body, 'expected an object');
    const cm = metaOf(config);
    if (cm.name !== undefined && cm.name !== name) throw badRequest(`the name of the object (${String(cm.name)}) does not match the name on the URL (${name})`);
    if (t.namespaced && cm.namespace !== undefined && cm.namespace !== '' && cm.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (Array.isArray(cm.managedFields) && cm.managedFields.length > 0) throw badRequest('metadata.managedFields must be nil');
    this.checkBuiltinTypes(t, config);
    config = this.pruneUnknown(t, config, opts.fieldValidation, warnings, true);
    const cmeta = metaOf(config);
    cmeta.name = name;
    if (t.namespaced) cmeta.namespace = namespace;
    else delete cmeta.namespace;
    for (const k of SERVER_META) delete cmeta[k];
    if (sub !== 'status' && this.hasStatus(t)) delete config.status;
    if (sub === 'status') {
      config = { apiVersion: config.apiVersion!, kind: config.kind!, metadata: { name, ...(t.namespaced ? { namespace } : {}) }, ...(config.status !== undefined ? { status: config.status } : {}) };
    }
    const old = this.read(t, namespace, name);
    const rv = metaOf(body).resourceVersion;
    if (old && typeof rv === 'string' && rv !== '' && rv !== metaOf(old).resourceVersion) throw conflict(this.gr(t), name, MODIFIED);
    if (!old && sub) throw notFound(this.gr(t), name);
    const ctx = this.typeContext(t);
    const result = serverSideApply({
      live: old,
      config,
      manager: opts.fieldManager,
      apiVersion: apiVersionOf(t),
      subresource: sub,
      force: opts.force,
      now: this.now(),
      schema: t.schema,
      ctx,
      strip: this.stripper(t, sub),
    });
    let merged = result.object;
    if (!old) {
      if (!t.verbs.includes('create')) throw methodNotAllowed();
      if (t.namespaced) this.checkNamespace(t, namespace, name);
      merged = { ...merged, metadata: { ...metaOf(merged) } };
      if (this.hasStatus(t) && !(t.group === '' && (t.kind === 'Namespace' || t.kind === 'Service' || t.kind === 'PersistentVolumeClaim'))) delete merged.status;
      const prepared = this.prepare(t, merged, undefined);
      const pm = metaOf(prepared);
      pm.uid = randomUUID();
      pm.creationTimestamp = this.now();
      this.bumpGeneration(t, prepared, undefined);
      pm.managedFields = result.managedFields as unknown as Value;
      const out = this.commit(t, prepared, opts.dryRun, false);
      return { code: 201, body: out, warnings };
    }
    const mm = metaOf(merged);
    const oldMeta = metaOf(old);
    const next: ValueMap = { ...merged, metadata: { ...mm } };
    const nm = metaOf(next);
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion']) {
      if (oldMeta[k] !== undefined) nm[k] = oldMeta[k]!;
    }
    const prepared = this.prepare(t, next, old);
    this.bumpGeneration(t, prepared, old);
    metaOf(prepared).managedFields = result.managedFields as unknown as Value;
    if (sameButManagedTimes(prepared, old)) return { code: 200, body: old, warnings };
    const out = this.commit(t, prepared, opts.dryRun, true);
    return { code: 200, body: out, warnings };
  }

  delete(t: ResourceType, namespace: string, name: string, opts: DeleteOptions): Result {
    if (!t.verbs.includes('delete')) throw methodNotAllowed();
    const old = this.read(t, namespace, name);
    if (!old) throw notFound(this.gr(t), name);
    const meta = metaOf(old);
    if (opts.preconditions?.uid !== undefined && opts.preconditions.uid !== meta.uid) {
      throw conflict(this.gr(t), name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${String(meta.uid)}`);
    }
    if (opts.preconditions?.resourceVersion !== undefined && opts.preconditions.resourceVersion !== meta.resourceVersion) {
      throw conflict(this.gr(t), name, `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in meta: ${String(meta.resourceVersion)}`);
    }
    const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers.map(String) : [];
    const policy = opts.propagationPolicy;
    const extra = policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
    const isNamespace = t.group === '' && t.kind === 'Namespace';
    if (isNamespace && ['default', 'kube-system', 'kube-public'].includes(name)) {
      throw forbidden(this.gr(t), name, `this namespace may not be deleted`);
    }
    const needsWait = finalizers.length > 0 || extra !== undefined || isNamespace;
    if (!needsWait) {
      if (opts.dryRun) return { code: 200, body: old, warnings: [] };
      this.store.remove(t.storage, t.namespaced ? namespace : '', name);
      return { code: 200, body: successStatus(t, name, String(meta.uid ?? '')), warnings: [] };
    }
    const next: ValueMap = { ...old, metadata: { ...meta } };
    const nm = metaOf(next);
    if (!nm.deletionTimestamp) {
      nm.deletionTimestamp = this.now();
      nm.deletionGracePeriodSeconds = 0;
      if (t.hasGeneration) nm.generation = (typeof meta.generation === 'number' ? meta.generation : 1) + 1;
    }
    if (extra && !finalizers.includes(extra)) {
      const without = finalizers.filter((f) => f !== 'foregroundDeletion' && f !== 'orphan');
      nm.finalizers = [...without, extra];
    }
    if (isNamespace) {
      next.status = { ...(isMap(old.status) ? old.status : {}), phase: 'Terminating' };
    }
    if (valuesEqual(next, old)) return { code: 200, body: old, warnings: [] };
    if (opts.dryRun) return { code: 200, body: next, warnings: [] };
    const stored = this.store.put(t.storage, toStorage(t, next));
    return { code: 200, body: fromStorage(t, stored), warnings: [] };
  }

  deleteCollection(t: ResourceType, namespace: string, list: ListOptions, opts: DeleteOptions): Result {
    if (!t.verbs.includes('deletecollection')) throw methodNotAllowed();
    const match = compileSelectors(t, list);
    const items: ValueMap[] = [];
    for (const o of this.store.list(t.storage, t.namespaced && namespace !== '' ? namespace : undefined)) {
      if (!match(fromStorage(t, o))) continue;
      const name = String(metaOf(o).name);
      const ns = String(metaOf(o).namespace ?? '');
      try {
        const r = this.delete(t, ns, name, opts);
        items.push(r.body.kind === 'Status' ? fromStorage(t, o) : r.body);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return { code: 200, body: { kind: t.listKind, apiVersion: apiVersionOf(t), metadata: { resourceVersion: String(this.store.currentRv()) }, items }, warnings: [] };
  }
}

export function successStatus(t: ResourceType, name: string, uid: string): ValueMap {
  const details: ValueMap = { name, kind: t.plural, uid };
  if (t.group !== '') details.group = t.group;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** The answers of the review kinds: everyone may do everything on a local cluster. */
function answerReview(obj: ValueMap): ValueMap {
  const out: ValueMap = { ...obj, metadata: { ...metaOf(obj), creationTimestamp: null } };
  switch (obj.kind) {
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview':
      out.status = { allowed: true, reason: 'the local cluster authorizes every request with its token' };
      break;
    case 'SelfSubjectRulesReview':
      out.status = {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      };
      break;
    case 'SelfSubjectReview':
      out.status = { userInfo: { username: 'fluxion-admin', groups: ['system:masters', 'system:authenticated'] } };
      break;
    case 'TokenReview':
      out.status = { authenticated: true, user: { username: 'fluxion-admin', groups: ['system:masters', 'system:authenticated'] } };
      break;
  }
  return out;
}

/** The first scalar whose JSON type the schema rules out, as Go's decoder names it. */
function findTypeMismatch(v: Value, schema: OpenApiSchema, resolve: (s: OpenApiSchema) => OpenApiSchema, path: string): { path: string; got: string; want: string } | undefined {
  if (v === null) return undefined;
  const got0 = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'bigint' ? 'number' : typeof v;
  if (typeof schema.$ref === 'string' && schema.$ref.endsWith('.Quantity')) {
    return got0 === 'string' || got0 === 'number' ? undefined : { path, got: got0, want: 'resource.Quantity' };
  }
  const s = resolve(schema);
  const got = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'bigint' ? 'number' : typeof v;
  const fmt = s.format;
  if (fmt === 'int-or-string' || s['x-kubernetes-int-or-string'] === true) {
    if (got !== 'string' && got !== 'number') return { path, got, want: 'intstr.IntOrString' };
    return undefined;
  }
  switch (s.type) {
    case 'string':
      if (got === 'string') return undefined;
      if (fmt === 'byte' || fmt === 'date-time') return { path, got, want: 'string' };
      return { path, got, want: 'string' };
    case 'integer':
      if (got === 'number' && Number.isInteger(Number(v))) return undefined;
      return { path, got: got === 'number' ? 'number ' + String(v) : got, want: fmt === 'int64' ? 'int64' : 'int32' };
    case 'number':
      return got === 'number' ? undefined : { path, got, want: 'float64' };
    case 'boolean':
      return got === 'boolean' ? undefined : { path, got, want: 'bool' };
    case 'array':
      if (got !== 'array') return { path, got, want: 'array' };
      if (s.items) {
        for (const item of v as Value[]) {
          const r = findTypeMismatch(item, s.items, resolve, path);
          if (r) return r;
        }
      }
      return undefined;
    case 'object':
      if (got !== 'object') return s.properties || s.additionalProperties ? { path, got, want: 'object' } : undefined;
      for (const [k, child] of Object.entries(v as ValueMap)) {
        const cs = s.properties?.[k] ?? (isMap(s.additionalProperties as Value) ? (s.additionalProperties as OpenApiSchema) : undefined);
        if (!cs) continue;
        const r = findTypeMismatch(child, cs, resolve, path === '' ? k : `${path}.${k}`);
        if (r) return r;
      }
      return undefined;
    default:
      if (s.properties && got === 'object') {
        for (const [k, child] of Object.entries(v as ValueMap)) {
          const cs = s.properties[k];
          if (!cs) continue;
          const r = findTypeMismatch(child, cs, resolve, path === '' ? k : `${path}.${k}`);
          if (r) return r;
        }
      }
      return undefined;
  }
}

/**
 * Kubernetes drops a write whose only change is the time of managedFields entries (its
 * IgnoreManagedFieldsTimestampsTransformer), so re-applying the same config is a no-op.
 */
function sameButManagedTimes(next: ValueMap, old: ValueMap): boolean {
  if (valuesEqual(next, old)) return true;
  const untimed = (o: ValueMap): ValueMap => {
    const mf = metaOf(o).managedFields;
    if (!Array.isArray(mf)) return o;
    return { ...o, metadata: { ...metaOf(o), managedFields: mf.map((e) => (isMap(e) ? { ...e, time: '' } : e)) } };
  };
  return valuesEqual(untimed(next), untimed(old));
}
