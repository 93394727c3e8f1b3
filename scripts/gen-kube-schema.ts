/**
 * Generates the Kubernetes v1.33 facts the local cluster serves (src/schema/kube/*.gen.ts)
 * from the OpenAPI v2 document in ../shared/reference. Run by hand when the table changes:
 *
 *   node --import tsx scripts/gen-kube-schema.ts [path/to/kubernetes-openapi.json.gz]
 *
 * The document is a later release with every API enabled; src/schema/kube/served.ts says
 * which group-versions a default 1.33 server has on. Kinds, scopes, verbs and subresources
 * come from the document's paths (x-kubernetes-action and x-kubernetes-group-version-kind);
 * schemas are the definitions reachable from the served kinds, with prose removed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVED_1_33, SERVED_SUBRESOURCES } from '../src/schema/kube/served.js';
import type { KubeResourceFacts, KubeSubresourceFacts, OpenApiSchema } from '../src/schema/kube/types.js';

interface Operation {
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string };
  responses?: Record<string, { schema?: { $ref?: string } }>;
}
type PathItem = Record<string, Operation | unknown>;

const here = dirname(fileURLToPath(import.meta.url));
const source = process.argv[2] ?? join(here, '../../shared/reference/kubernetes-openapi-v1.36.json.gz');
const doc = JSON.parse(gunzipSync(readFileSync(source)).toString('utf8')) as {
  paths: Record<string, PathItem>;
  definitions: Record<string, OpenApiSchema>;
};

const ACTION_VERB: Record<string, string> = {
  get: 'get',
  list: 'list',
  watch: 'watch',
  watchlist: 'watch',
  post: 'create',
  put: 'update',
  patch: 'patch',
  delete: 'delete',
  deletecollection: 'deletecollection',
};
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function operations(item: PathItem): Operation[] {
  return METHODS.filter((m) => item[m] !== undefined).map((m) => item[m] as Operation);
}

function refName(ref: string): string {
  return ref.replace('#/definitions/', '');
}

function buildResource(gv: string, plural: string): KubeResourceFacts {
  const prefix = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
  const [group, version] = gv === 'v1' ? ['', 'v1'] : (gv.split('/') as [string, string]);
  const clusterPath = `${prefix}/${plural}`;
  const nsPath = `${prefix}/namespaces/{namespace}/${plural}`;
  const namespaced = doc.paths[nsPath] !== undefined || doc.paths[`${nsPath}/{name}`] !== undefined;
  const base = namespaced ? nsPath : clusterPath;
  const verbs = new Set<string>();
  let kind = '';
  let definition = '';
  const candidates = [base, `${base}/{name}`, clusterPath, `${prefix}/watch/${plural}`];
  if (namespaced) candidates.push(`${prefix}/watch/namespaces/{namespace}/${plural}`);
  for (const path of candidates) {
    const item = doc.paths[path];
    if (!item) continue;
    for (const op of operations(item)) {
      const action = op['x-kubernetes-action'];
      if (action && ACTION_VERB[action]) verbs.add(ACTION_VERB[action]!);
      const gvk = op['x-kubernetes-group-version-kind'];
      if (gvk && !kind) kind = gvk.kind;
      if (action === 'get' || action === 'post') {
        const ref = op.responses?.['200']?.schema?.$ref ?? op.responses?.['201']?.schema?.$ref;
        if (ref && !definition) definition = refName(ref);
      }
    }
  }
  if (!kind || !definition) throw new Error(`no kind for ${gv} ${plural}`);
  const subresources: KubeSubresourceFacts[] = [];
  for (const sub of SERVED_SUBRESOURCES) {
    const item = doc.paths[`${base}/{name}/${sub}`];
    if (!item) continue;
    const subVerbs = new Set<string>();
    let gvk: { group: string; version: string; kind: string } | undefined;
    for (const op of operations(item)) {
      const action = op['x-kubernetes-action'];
      if (action && ACTION_VERB[action]) subVerbs.add(ACTION_VERB[action]!);
      gvk ??= op['x-kubernetes-group-version-kind'];
    }
    if (!gvk) continue;
    subresources.push({ name: sub, group: gvk.group, version: gvk.version, kind: gvk.kind, verbs: [...subVerbs].sort() });
  }
  const served = SERVED_1_33.find((s) => s.gv === gv && s.plural === plural)!;
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: [...verbs].sort(),
    shortNames: served.shortNames ?? [],
    categories: served.categories ?? [],
    subresources,
    definition,
  };
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // The keyword (prose) goes; a property named "description" (an object) stays.
      if (k === 'description' && typeof v === 'string') continue;
      out[k] = strip(v);
    }
    return out;
  }
  return value;
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = refName(v);
        if (!into.has(name)) {
          into.add(name);
          collectRefs(doc.definitions[name], into);
        }
      } else collectRefs(v, into);
    }
  }
}

const resources = SERVED_1_33.map((s) => buildResource(s.gv, s.plural));
const wanted = new Set<string>();
const roots = [
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList',
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList',
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions',
];
for (const r of resources) {
  roots.push(r.definition);
  if (doc.definitions[`${r.definition}List`]) roots.push(`${r.definition}List`);
  for (const s of r.subresources) if (s.name === 'scale') roots.push('io.k8s.api.autoscaling.v1.Scale');
}
for (const root of roots) {
  wanted.add(root);
  collectRefs(doc.definitions[root], wanted);
}
const definitions: Record<string, unknown> = {};
for (const name of [...wanted].sort()) {
  if (!doc.definitions[name]) throw new Error(`missing definition ${name}`);
  definitions[name] = strip(doc.definitions[name]);
}

const out = join(here, '../src/schema/kube');
const header = '// Generated by scripts/gen-kube-schema.ts from the Kubernetes OpenAPI document; do not edit.\n';
writeFileSync(
  join(out, 'resources.gen.ts'),
  `${header}import type { KubeResourceFacts } from './types.js';\n\nexport const KUBE_RESOURCES: readonly KubeResourceFacts[] = [\n${resources
    .map((r) => `  ${JSON.stringify(r)},`)
    .join('\n')}\n];\n`,
);
const json = JSON.stringify(definitions);
writeFileSync(
  join(out, 'definitions.gen.ts'),
  `${header}// The schemas of the served kinds (OpenAPI v2 definitions, descriptions removed), as JSON text.\nexport const KUBE_DEFINITIONS_JSON = ${JSON.stringify(json)};\n`,
);
console.log(`${resources.length} resources, ${Object.keys(definitions).length} definitions, ${json.length} bytes`);
