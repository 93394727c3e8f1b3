/**
 * The `generators:` and `transformers:` fields: configurations of kustomize's built-in plugins
 * (apiVersion `builtin`), given inline, in files, or as the output of a kustomization directory.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { parseAllDocuments } from '../yaml/parse.js';
import { KustomizeError } from './errors.js';
import { goFields } from './gofields.js';
import type { FieldSpec } from './fieldspec.js';
import { readGeneratorArgs } from './kustomization.js';
import { generateConfigMap, generateSecret } from './generators/generate.js';
import { contentHash } from './generators/hash.js';
import { Resource as ResourceClass, type OriginRef, type Resource } from './resource.js';
import * as path from 'node:path';
import { ResMap } from './resmap.js';
import { isClusterScopedKind } from './scope.js';
import { visitFieldSpec } from './fieldspec.js';
import { type Accumulator, type Target, emptyAccumulator, readFieldSpec } from './target.js';
import { setNamespace, type RoleBindingSubjectMode } from './transformers/namespace.js';
import { addNamePrefixSuffix } from './transformers/names.js';
import { setMapEntries } from './transformers/metadata-maps.js';
import { readImageRule, setImages } from './transformers/images.js';
import { readReplicaRule, setReplicas } from './transformers/replicas.js';
import { applyJson6902, applyPatch, parsePatchText, readSelector } from './transformers/patches.js';
import { applyReplacements } from './transformers/replacements.js';
import { compileSelector } from './selector.js';
import { Target as TargetClass } from './target.js';

function pluginId(cfg: ValueMap): string {
  const meta = isMap(cfg.metadata) ? cfg.metadata : {};
  return `${String(cfg.kind)}.${String(cfg.apiVersion)}/${String(meta.name ?? '')}`;
}

/** The plugin configurations an entry names: inline YAML, a file, or a kustomization directory. */
function loadConfigs(target: Target, entry: Value, field: string): ValueMap[] {
  if (isMap(entry)) return [entry];
  if (typeof entry !== 'string') throw new KustomizeError(`${target.fileName}: ${field} entries must be strings`);
  if (entry.includes('\n') || /^\s*apiVersion:/.test(entry)) {
    return parseAllDocuments(entry, { filename: target.fileName }).filter(isMap);
  }
  if (target.loader.isDir(entry)) {
    const sub = new TargetClass(target.loader.child(entry), target.ctx);
    return sub.accumulate(emptyAccumulator()).resources.list().map((r) => r.obj);
  }
  const text = target.loader.load(entry).toString('utf8');
  return parseAllDocuments(text, { filename: entry }).filter(isMap);
}

function specs(cfg: ValueMap, where: string): FieldSpec[] {
  const v = cfg.fieldSpecs;
  if (v == null) return [];
  if (!Array.isArray(v)) throw new KustomizeError(`${where}: fieldSpecs must be a list`);
  return v.map((f, i) => readFieldSpec(f, `${where}.fieldSpecs[${i}]`));
}

function stringRecord(v: Value | undefined, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (v == null) return out;
  if (!isMap(v)) throw new KustomizeError(`${where} must be a mapping`);
  for (const [k, x] of Object.entries(v)) out[k] = x === null ? '' : typeof x === 'string' ? x : String(x);
  return out;
}

/** Runs each configured plugin in order; generators return what they made. */
export function runPluginConfigs(target: Target, entries: Value[], field: 'generators' | 'transformers', acc: Accumulator): Resource[] {
  const generated: Resource[] = [];
  for (const entry of entries) {
    // Origins name the file a configuration came from, or the kustomization for inline ones.
    const inline = typeof entry !== 'string' || entry.includes('\n') || /^\s*apiVersion:/.test(entry);
    const configuredIn = inline ? target.configuredIn : path.join(target.originPath, entry);
    for (const cfg of loadConfigs(target, entry, field)) {
      const id = pluginId(cfg);
      if (cfg.apiVersion !== 'builtin') {
        throw new KustomizeError(`external plugins disabled; unable to load external plugin '${String(cfg.kind)}' (${id}): only kustomize's builtin plugins are supported`);
      }
      const meta = isMap(cfg.metadata) ? cfg.metadata : {};
      const by: OriginRef = { apiVersion: String(cfg.apiVersion), kind: String(cfg.kind) };
      if (typeof meta.name === 'string' && meta.name) by.name = meta.name;
      if (typeof meta.namespace === 'string' && meta.namespace) by.namespace = meta.namespace;
      const made = runBuiltin(target, cfg, acc.resources, id);
      for (const r of made) r.origin ??= { configuredIn, configuredBy: by };
      if (field === 'transformers') target.recordTransformer(acc.resources, by, configuredIn);
      generated.push(...made);
    }
  }
  return generated;
}

// Built-in plugin configurations decode like Go structs: names case-insensitively, unknown keys ignored.
const PLUGIN_FIELDS = [
  'apiVersion', 'kind', 'metadata', 'fieldSpecs', 'annotations', 'labels', 'unsetOnly', 'setRoleBindingSubjects',
  'prefix', 'suffix', 'imageTag', 'replica', 'path', 'patch', 'target', 'options', 'paths', 'patches', 'jsonOp',
  'replacements', 'sortOptions', 'name', 'namespace', 'behavior', 'literals', 'files', 'envs', 'env', 'type',
  'value', 'targets', 'cloud', 'kubernetesService', 'serviceAccount',
];

function runBuiltin(target: Target, rawCfg: ValueMap, rm: ResMap, id: string): Resource[] {
  const cfg = goFields(rawCfg, PLUGIN_FIELDS, 'plugin configuration', false);
  const where = `plugin ${id}`;
  const meta = isMap(cfg.metadata) ? cfg.metadata : {};
  const schemas = target.ctx.schemas;
  switch (cfg.kind) {
    case 'ConfigMapGenerator':
    case 'SecretGenerator': {
      const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = cfg;
      const args = readGeneratorArgs(rest, where, target.fileName);
      args.name ||= typeof meta.name === 'string' ? meta.name : undefined;
      args.namespace ||= typeof meta.namespace === 'string' ? meta.namespace : undefined;
      return [cfg.kind === 'ConfigMapGenerator' ? generateConfigMap(args, undefined, target.loader) : generateSecret(args, undefined, target.loader)];
    }
    case 'AnnotationsTransformer':
      setMapEntries(rm, stringRecord(cfg.annotations, `${where} annotations`), specs(cfg, where));
      return [];
    case 'LabelTransformer':
      setMapEntries(rm, stringRecord(cfg.labels, `${where} labels`), specs(cfg, where));
      return [];
    case 'NamespaceTransformer':
      setNamespace(rm, {
        namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
        fieldSpecs: specs(cfg, where),
        unsetOnly: cfg.unsetOnly === true,
        setRoleBindingSubjects: (cfg.setRoleBindingSubjects as RoleBindingSubjectMode | undefined) || undefined,
      });
      return [];
    case 'PrefixTransformer':
    case 'SuffixTransformer':
    case 'PrefixSuffixTransformer':
      addNamePrefixSuffix(
        rm,
        { prefix: typeof cfg.prefix === 'string' ? cfg.prefix : undefined, suffix: typeof cfg.suffix === 'string' ? cfg.suffix : undefined },
        specs(cfg, where),
      );
      return [];
    case 'ImageTagTransformer':
      setImages(rm, [readImageRule(cfg.imageTag ?? {}, where)], specs(cfg, where));
      return [];
    case 'ReplicaCountTransformer':
      setReplicas(rm, readReplicaRule(cfg.replica ?? {}), specs(cfg, where));
      return [];
    case 'PatchTransformer': {
      const { loaded, target: sel, options } = target.readPatchEntry(
        Object.fromEntries(Object.entries(cfg).filter(([k]) => ['path', 'patch', 'target', 'options'].includes(k))) as ValueMap,
        where,
      );
      applyPatch(rm, loaded, sel, options, schemas, where);
      return [];
    }
    case 'PatchStrategicMergeTransformer': {
      const paths = Array.isArray(cfg.paths) ? cfg.paths : [];
      const inline = typeof cfg.patches === 'string' ? cfg.patches : '';
      if (paths.length === 0 && inline.trim() === '') throw new KustomizeError(`${where} fails configuration: empty file path and empty patch content`);
      const loaded = target.loadStrategicMergePatches(paths);
      if (inline.trim() !== '') loaded.push(parsePatchText(inline, where));
      for (const l of loaded) applyPatch(rm, l, undefined, {}, schemas, where);
      return [];
    }
    case 'PatchJson6902Transformer': {
      const hasPath = typeof cfg.path === 'string' && cfg.path !== '';
      const hasOp = typeof cfg.jsonOp === 'string' && cfg.jsonOp.trim() !== '';
      if (hasPath && hasOp) throw new KustomizeError(`${where} fails configuration: must specify a file path or jsonOp, not both`);
      if (!hasPath && !hasOp) throw new KustomizeError(`${where} fails configuration: empty file path and empty jsonOp`);
      if (cfg.target == null) throw new KustomizeError(`${where}: must specify a target`);
      const text = hasPath ? target.loader.load(cfg.path as string).toString('utf8') : (cfg.jsonOp as string);
      const loaded = parsePatchText(text, where);
      if (loaded.type !== 'json6902') throw new KustomizeError(`${where}: a JSON 6902 patch must be a list of operations`);
      const sel = readSelector(cfg.target, where);
      for (const r of rm.list().filter(compileSelector(sel))) applyJson6902(r, loaded.ops, where);
      return [];
    }
    case 'ReplacementTransformer': {
      const entries = Array.isArray(cfg.replacements) ? cfg.replacements : [];
      applyReplacements(rm, target.loadReplacements(entries, 'plugin'));
      return [];
    }
    case 'ValueAddTransformer':
      addValue(rm, cfg, target, where);
      return [];
    case 'IAMPolicyGenerator':
      return [iamServiceAccount(cfg, where)];
    case 'HashTransformer':
      for (const r of rm.list()) {
        if (r.needsHashSuffix) {
          r.rememberId();
          r.setName(`${r.name}-${contentHash(r.obj)}`);
          r.needsHashSuffix = false;
        }
      }
      return [];
    case 'SortOrderTransformer':
      // kustomize v5.5 cannot load this one as a configured plugin either.
      throw new KustomizeError(`unable to load builtin SortOrderTransformer.builtin.[noGrp]`);
    default:
      throw new KustomizeError(`${where}: unknown builtin plugin kind '${String(cfg.kind)}'`);
  }
}

/** kustomize's ValueAddTransformer: a value (by default the kustomization directory's name) set into fields. */
function addValue(rm: ResMap, cfg: ValueMap, target: Target, where: string): void {
  const raw = typeof cfg.value === 'string' ? cfg.value.trim() : '';
  const value = raw || path.basename(target.loader.root);
  const targets = Array.isArray(cfg.targets) ? cfg.targets : [];
  for (const t of targets) {
    if (!isMap(t)) throw new KustomizeError(`${where}: targets entries must be mappings`);
    const fieldPath = typeof t.fieldPath === 'string' && t.fieldPath ? t.fieldPath : 'metadata/namespace';
    const position = typeof t.filePathPosition === 'number' ? t.filePathPosition : 0;
    const resources = t.selector == null ? rm.list() : rm.list().filter(compileSelector(readSelector(t.selector, where)));
    if (fieldPath === 'metadata/namespace') {
      const only = new ResMap(resources.filter((r) => !isClusterScopedKind(r.gvk)));
      setNamespace(only, { namespace: value, fieldSpecs: [] });
      continue;
    }
    for (const r of resources) {
      visitFieldSpec(r.obj, r.gvk, { path: fieldPath, create: true }, (ref) => {
        const cur = ref.get();
        ref.set(position > 0 ? insertPathPart(typeof cur === 'string' ? cur : '', position - 1, value) : value);
      }, 'scalar');
    }
  }
}

function insertPathPart(p: string, pos: number, part: string): string {
  const parts = p === '' ? [] : p.split('/');
  const at = Math.max(0, Math.min(pos, parts.length));
  return [...parts.slice(0, at), part, ...parts.slice(at)].join('/');
}

/** kustomize's IAMPolicyGenerator for GKE workload identity: a ServiceAccount bound to a Google service account. */
function iamServiceAccount(cfg: ValueMap, where: string): Resource {
  if (cfg.cloud !== 'gke') throw new KustomizeError(`${where}: cloud '${String(cfg.cloud)}' is not supported (only gke)`);
  const ks = isMap(cfg.kubernetesService) ? cfg.kubernetesService : {};
  const sa = isMap(cfg.serviceAccount) ? cfg.serviceAccount : {};
  const metadata: ValueMap = {
    annotations: { 'iam.gke.io/gcp-service-account': `${String(sa.name ?? '')}@${String(sa.projectId ?? '')}.iam.gserviceaccount.com` },
    name: String(ks.name ?? ''),
  };
  if (typeof ks.namespace === 'string' && ks.namespace) metadata.namespace = ks.namespace;
  return new ResourceClass({ apiVersion: 'v1', kind: 'ServiceAccount', metadata });
}
