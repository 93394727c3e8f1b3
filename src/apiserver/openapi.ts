/**
 * `/openapi/v3`: one OpenAPI 3.0 document per group-version, converted from the built-in
 * definitions (and built from CRD schemas), with the paths and query parameters kubectl
 * inspects (it sends `fieldValidation` only where the PATCH operation lists it) and the
 * `x-kubernetes-*` extensions `kubectl explain` and client-side merges read.
 */
import { createHash } from 'node:crypto';
import type { ValueMap } from '../yaml/types.js';
import { kubeDefinitions, type OpenApiSchema } from '../schema/kube/index.js';
import type { Registry, ResourceType } from './registry.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/**
 * v2 definitions to v3 components: `$ref`s point into components, and a field or item that
 * is only a reference becomes `allOf: [{$ref}]`, the shape kube-apiserver publishes (its
 * fields carry descriptions beside the reference). kubectl explain names such a field's type
 * after the referenced schema (IntOrString, Quantity) instead of its underlying type.
 */
function convertRefs(v: unknown, wrap = false): unknown {
  if (Array.isArray(v)) return v.map((x) => convertRefs(x));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (wrap && keys.length === 1 && keys[0] === '$ref' && typeof o.$ref === 'string') {
      return { allOf: [{ $ref: o.$ref.replace('#/definitions/', '#/components/schemas/') }] };
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === '$ref' && typeof x === 'string') out[k] = x.replace('#/definitions/', '#/components/schemas/');
      else if (k === 'properties' && x && typeof x === 'object' && !Array.isArray(x)) {
        out[k] = Object.fromEntries(Object.entries(x).map(([name, field]) => [name, convertRefs(field, true)]));
      } else if (k === 'items' || k === 'additionalProperties') out[k] = convertRefs(x, true);
      else out[k] = convertRefs(x);
    }
    return out;
  }
  return v;
}

function collectRefs(v: unknown, defs: Readonly<Record<string, OpenApiSchema>>, into: Set<string>): void {
  if (Array.isArray(v)) {
    for (const x of v) collectRefs(x, defs, into);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') {
        const name = x.replace('#/definitions/', '');
        if (!into.has(name) && defs[name]) {
          into.add(name);
          collectRefs(defs[name], defs, into);
        }
      } else collectRefs(x, defs, into);
    }
  }
}

function param(name: string, where: 'query' | 'path', type = 'string', required = false): ValueMap {
  const p: ValueMap = { name, in: where, schema: { type, uniqueItems: true } };
  if (required) p.required = true;
  return p;
}

const WRITE_PARAMS = [param('dryRun', 'query'), param('fieldManager', 'query'), param('fieldValidation', 'query')];
const LIST_PARAMS = [
  param('allowWatchBookmarks', 'query', 'boolean'),
  param('continue', 'query'),
  param('fieldSelector', 'query'),
  param('labelSelector', 'query'),
  param('limit', 'query', 'integer'),
  param('resourceVersion', 'query'),
  param('resourceVersionMatch', 'query'),
  param('sendInitialEvents', 'query', 'boolean'),
  param('timeoutSeconds', 'query', 'integer'),
  param('watch', 'query', 'boolean'),
];

function ref(name: string): ValueMap {
  return { $ref: `#/components/schemas/${name}` };
}

function op(t: ResourceType, action: string, kind: { group: string; version: string; kind: string }, responseSchema: string, params: ValueMap[], body?: string[], bodySchema?: string): ValueMap {
  const o: ValueMap = {
    tags: [`${t.group === '' ? 'core' : t.group.replace(/\./g, '_')}_${t.version}`],
    operationId: `${action}${t.kind}`,
  };
  if (params.length > 0) o.parameters = params;
  if (body) {
    const content: ValueMap = {};
    for (const ct of body) content[ct] = { schema: bodySchema ? ref(bodySchema) : ref(responseSchema) };
    o.requestBody = { content, required: true };
  }
  o.responses = { '200': { description: 'OK', content: { 'application/json': { schema: ref(responseSchema) } } }, '401': { description: 'Unauthorized' } };
  o['x-kubernetes-action'] = action;
  o['x-kubernetes-group-version-kind'] = kind;
  return o;
}

const PATCH_CONTENT = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

function pathsFor(t: ResourceType, paths: ValueMap): void {
  const base = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  const coll = t.namespaced ? `${base}/namespaces/{namespace}/${t.plural}` : `${base}/${t.plural}`;
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const nsParam = t.namespaced ? [param('namespace', 'path', 'string', true)] : [];
  const listName = t.builtin && kubeDefinitions()[`${t.definitionName}List`] ? `${t.definitionName}List` : `${t.definitionName}List`;
  const collection: ValueMap = { parameters: [...nsParam, param('pretty', 'query')] };
  if (t.verbs.includes('list')) collection.get = op(t, 'list', gvk, listName, LIST_PARAMS);
  if (t.verbs.includes('create')) collection.post = op(t, 'post', gvk, t.definitionName, WRITE_PARAMS, ['*/*']);
  if (t.verbs.includes('deletecollection')) collection.delete = op(t, 'deletecollection', gvk, `${META}Status`, [...LIST_PARAMS, param('dryRun', 'query'), param('propagationPolicy', 'query')]);
  paths[coll] = collection;
  if (t.namespaced && t.verbs.includes('list')) paths[`${base}/${t.plural}`] = { parameters: [param('pretty', 'query')], get: op(t, 'list', gvk, listName, LIST_PARAMS) };
  if (t.review) return;
  const item: ValueMap = { parameters: [param('name', 'path', 'string', true), ...nsParam, param('pretty', 'query')] };
  if (t.verbs.includes('get')) item.get = op(t, 'get', gvk, t.definitionName, []);
  if (t.verbs.includes('update')) item.put = op(t, 'put', gvk, t.definitionName, WRITE_PARAMS, ['*/*']);
  if (t.verbs.includes('patch')) item.patch = op(t, 'patch', gvk, t.definitionName, [...WRITE_PARAMS, param('force', 'query', 'boolean')], PATCH_CONTENT, `${META}Patch`);
  if (t.verbs.includes('delete')) item.delete = op(t, 'delete', gvk, `${META}Status`, [param('dryRun', 'query'), param('gracePeriodSeconds', 'query', 'integer'), param('propagationPolicy', 'query')]);
  paths[`${coll}/{name}`] = item;
  for (const s of t.subresources) {
    const sk = { group: s.group, version: s.version, kind: s.kind };
    const schema = s.name === 'scale' ? 'io.k8s.api.autoscaling.v1.Scale' : t.definitionName;
    const p: ValueMap = { parameters: [param('name', 'path', 'string', true), ...nsParam, param('pretty', 'query')] };
    p.get = op(t, 'get', sk, schema, []);
    p.put = op(t, 'put', sk, schema, WRITE_PARAMS, ['*/*']);
    p.patch = op(t, 'patch', sk, schema, [...WRITE_PARAMS, param('force', 'query', 'boolean')], PATCH_CONTENT, `${META}Patch`);
    paths[`${coll}/{name}/${s.name}`] = p;
  }
}

function customSchemas(t: ResourceType): Record<string, OpenApiSchema> {
  const root = { ...(t.schema ?? {}) } as OpenApiSchema;
  root['x-kubernetes-group-version-kind'] = [{ group: t.group, version: t.version, kind: t.kind }];
  const list: OpenApiSchema = {
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: { $ref: `#/definitions/${t.definitionName}` } },
      kind: { type: 'string' },
      metadata: { $ref: `#/definitions/${META}ListMeta` },
    },
    'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: t.listKind }],
  };
  return { [t.definitionName]: root, [`${t.definitionName}List`]: list };
}

export interface OpenApiDoc {
  body: string;
  hash: string;
}

export class OpenApiV3 {
  private cache = new Map<string, OpenApiDoc>();
  private generation = -1;

  constructor(
    private readonly registry: Registry,
    private readonly version: string,
  ) {}

  private refresh(): void {
    if (this.generation !== this.registry.generation) {
      this.cache.clear();
      this.generation = this.registry.generation;
    }
  }

  /** Group-version path ("api/v1", "apis/apps/v1") of every served version. */
  groupVersions(): string[] {
    const out: string[] = [];
    for (const g of this.registry.groups()) {
      for (const v of g.versions) out.push(g.name === '' ? `api/${v.version}` : `apis/${g.name}/${v.version}`);
    }
    return out;
  }

  document(path: string): OpenApiDoc | undefined {
    this.refresh();
    const cached = this.cache.get(path);
    if (cached) return cached;
    const m = /^(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) return undefined;
    const group = m[1] ? '' : m[2]!;
    const version = m[1] ?? m[3]!;
    const types = this.registry.all().filter((t) => t.group === group && t.version === version);
    if (types.length === 0) return undefined;
    const defs = kubeDefinitions();
    const custom: Record<string, OpenApiSchema> = {};
    const roots = new Set<string>([`${META}Status`, `${META}DeleteOptions`, `${META}Patch`, `${META}WatchEvent`, `${META}APIResourceList`]);
    for (const t of types) {
      if (t.builtin) {
        roots.add(t.definitionName);
        if (defs[`${t.definitionName}List`]) roots.add(`${t.definitionName}List`);
      } else Object.assign(custom, customSchemas(t));
      if (t.subresources.some((s) => s.name === 'scale')) roots.add('io.k8s.api.autoscaling.v1.Scale');
    }
    const wanted = new Set<string>();
    for (const r of roots) {
      if (!defs[r]) continue;
      wanted.add(r);
      collectRefs(defs[r], defs, wanted);
    }
    for (const s of Object.values(custom)) collectRefs(s, defs, wanted);
    const schemas: Record<string, unknown> = {};
    for (const name of [...wanted].sort()) schemas[name] = convertRefs(defs[name]);
    for (const [name, s] of Object.entries(custom)) schemas[name] = convertRefs(s);
    const paths: ValueMap = {};
    for (const t of types) pathsFor(t, paths);
    const doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version: this.version }, paths, components: { schemas } };
    const body = JSON.stringify(doc);
    const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
    const out = { body, hash };
    this.cache.set(path, out);
    return out;
  }

  index(): ValueMap {
    const paths: ValueMap = {};
    for (const p of this.groupVersions()) {
      const doc = this.document(p);
      if (doc) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${doc.hash}` };
    }
    return { paths };
  }
}

