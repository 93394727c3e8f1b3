/**
 * One kustomization directory and the walk kustomize makes through it: resources, configurations,
 * generators, components, transformers, vars. Nested kustomizations get an accumulator of their
 * own; components work on their parent's.
 */
import * as path from 'node:path';
import { parseAllDocuments } from '../yaml/parse.js';
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { type TransformerConfig, configFromCrds, defaultTransformerConfig, emptyTransformerConfig, mergeTransformerConfig, parseTransformerConfig } from './config/index.js';
import { KustomizeError, wrapError } from './errors.js';
import { goFields } from './gofields.js';
import type { FieldSpec } from './fieldspec.js';
import { generateConfigMap, generateSecret } from './generators/generate.js';
import { KUSTOMIZATION_FILE_NAMES, type Kustomization, readKustomization } from './kustomization.js';
import { type Loader, isRemoteUrl } from './loader.js';
import { runPluginConfigs } from './plugins.js';
import { ResMap } from './resmap.js';
import { type OriginRef, Resource } from './resource.js';
import type { BuildContext } from './context.js';
import { setNamespace } from './transformers/namespace.js';
import { addNamePrefixSuffix } from './transformers/names.js';
import { setMapEntries } from './transformers/metadata-maps.js';
import { readImageRule, setImages } from './transformers/images.js';
import { readReplicaRule, setReplicas } from './transformers/replicas.js';
import { type LoadedPatch, applyJson6902, applyPatch, parsePatchText, readSelector } from './transformers/patches.js';
import { applyReplacements, loadReplacements, parseReplacementFields, type Replacement } from './transformers/replacements.js';
import { type Var, mergeVarSets, mergeVars, parseVars } from './transformers/vars.js';
import { compileSelector } from './selector.js';

export interface Accumulator {
  resources: ResMap;
  config: TransformerConfig;
  vars: Var[];
}

export function emptyAccumulator(): Accumulator {
  return { resources: new ResMap(), config: emptyTransformerConfig(), vars: [] };
}

export class Target {
  readonly kustomization: Kustomization;
  readonly fileName: string;

  constructor(
    readonly loader: Loader,
    readonly ctx: BuildContext,
    /** This kustomization's directory relative to the top one (origin annotations name paths so). */
    readonly originPath = '',
  ) {
    const name = loader.kustomizationFile(KUSTOMIZATION_FILE_NAMES);
    if (!name) {
      throw new KustomizeError(`unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${loader.root}'`);
    }
    this.fileName = path.join(loader.root, name);
    const text = loader.load(name).toString('utf8');
    // kustomize reads its own file leniently: a repeated key keeps the last value.
    const docs = parseAllDocuments(text, { filename: this.fileName, uniqueKeys: false });
    if (docs.length > 1) throw new KustomizeError(`${this.fileName}: a kustomization file holds one document`);
    this.kustomization = readKustomization(docs[0] ?? null, this.fileName);
    ctx.warnings.push(...this.kustomization.warnings);
    if (this.kustomization.openapi) ctx.useOpenApi(this.kustomization.openapi, loader);
  }

  accumulate(acc: Accumulator): Accumulator {
    const k = this.kustomization;
    this.accumulateResources(acc, k.resources);
    let config = defaultTransformerConfig();
    for (const file of k.configurations) {
      const docs = this.loadDocs(file);
      for (const doc of docs) config = mergeTransformerConfig(config, parseTransformerConfig(doc, file));
    }
    if (k.crds.length) {
      const docs = k.crds.flatMap((file) => this.loadDocs(file));
      config = mergeTransformerConfig(config, configFromCrds(docs));
    }
    acc.config = mergeTransformerConfig(acc.config, config);
    this.runGenerators(acc);
    for (const p of k.components) {
      try {
        this.accumulateDirectory(acc, p, true);
      } catch (e) {
        throw wrapError('accumulating components', e);
      }
    }
    this.runTransformers(acc);
    if (k.validators.length) {
      throw new KustomizeError(`${this.fileName}: field 'validators' (plugins) is not supported`);
    }
    if (k.vars.length) {
      acc.vars = mergeVars(acc.resources, acc.vars, parseVars(k.vars, this.fileName));
    }
    return acc;
  }

  private loadDocs(file: string): Value[] {
    const text = this.loader.load(file).toString('utf8');
    return parseAllDocuments(text, { filename: file, maxAliasExpansion: this.ctx.maxAliasExpansion }).filter((d) => d !== null);
  }

  /** Objects in a resource file: documents, with List kinds expanded. */
  resourcesFromFile(file: string): Resource[] {
    const out: Resource[] = [];
    const add = (doc: Value) => {
      if (!isMap(doc)) throw new KustomizeError(`${file}: a resource must be a mapping, found ${Array.isArray(doc) ? 'a list' : typeof doc}`);
      if (Object.keys(doc).length === 0) return;
      const kind = doc.kind;
      if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(doc.items)) {
        for (const item of doc.items) add(item);
        return;
      }
      const r = new Resource(doc);
      if (!r.gvk.kind) throw new KustomizeError(`missing kind in object ${JSON.stringify(doc).slice(0, 200)} (in ${file})`);
      if (!r.name && !isMap(doc.metadata)) throw new KustomizeError(`missing metadata.name in object ${JSON.stringify(doc).slice(0, 200)} (in ${file})`);
      r.origin = { path: path.join(this.originPath, file) };
      out.push(r);
    };
    for (const doc of this.loadDocs(file)) add(doc);
    return out;
  }

  /** Each entry is a file of objects, a kustomization directory, or a remote file or base. */
  private accumulateResources(acc: Accumulator, paths: string[]): void {
    for (const p of paths) {
      try {
        if (isRemoteUrl(p) ? /\.(ya?ml|json)$/.test(p.replace(/\?.*$/, '')) : !this.loader.isDir(p)) {
          acc.resources.appendAll(this.resourcesFromFile(p));
        } else {
          this.accumulateDirectory(acc, p, false);
        }
      } catch (e) {
        throw wrapError('accumulating resources', wrapError(`accumulating resources from '${p}'`, e));
      }
    }
  }


  private accumulateDirectory(acc: Accumulator, p: string, isComponent: boolean): void {
    const child = this.loader.child(p);
    const sub = new Target(child, this.ctx, path.join(this.originPath, p));
    const kind = sub.kustomization.kind;
    if (isComponent && kind !== 'Component') {
      throw new KustomizeError(`accumulateDirectory: "expected kind 'Component' for path '${child.root}' but got '${kind}'"`);
    }
    if (!isComponent && kind === 'Component') {
      throw new KustomizeError(`accumulateDirectory: "expected kind != 'Component' for path '${child.root}'"`);
    }
    if (isComponent) {
      sub.accumulate(acc);
      return;
    }
    const subAcc = sub.accumulate(emptyAccumulator());
    acc.resources.appendAll(subAcc.resources.list());
    acc.config = mergeTransformerConfig(acc.config, subAcc.config);
    try {
      acc.vars = mergeVarSets(acc.vars, subAcc.vars);
    } catch (e) {
      throw wrapError(`recursed merging from path '${child.root}'`, e);
    }
  }

  private runGenerators(acc: Accumulator): void {
    const k = this.kustomization;
    const absorb = (r: Resource) => {
      r.origin ??= { configuredIn: this.configuredIn, configuredBy: { apiVersion: 'builtin', kind: r.gvk.kind === 'Secret' ? 'SecretGenerator' : 'ConfigMapGenerator' } };
      try {
        acc.resources.absorb(r);
      } catch (e) {
        throw wrapError('merging from generator', e);
      }
    };
    for (const args of k.configMapGenerator) absorb(generateConfigMap(args, k.generatorOptions, this.loader));
    for (const args of k.secretGenerator) absorb(generateSecret(args, k.generatorOptions, this.loader));
    if (k.generators.length) {
      for (const r of runPluginConfigs(this, k.generators, 'generators', acc)) absorb(r);
    }
  }

  private runTransformers(acc: Accumulator): void {
    const k = this.kustomization;
    const tc = acc.config;
    const rm = acc.resources;
    const schemas = this.ctx.schemas;
    // Each configured transformer is recorded on every resource it ran over (buildMetadata).
    const step = (kind: string, run: () => void) => {
      run();
      this.recordTransformer(rm, { apiVersion: 'builtin', kind });
    };
    if (k.patchesStrategicMerge.length) {
      step('PatchStrategicMergeTransformer', () => {
        for (const loaded of this.loadStrategicMergePatches(k.patchesStrategicMerge)) applyPatch(rm, loaded, undefined, {}, schemas, this.fileName);
      });
    }
    for (const [i, entry] of k.patches.entries()) {
      step('PatchTransformer', () => {
        const { loaded, target, options } = this.readPatchEntry(entry, `patches[${i}]`);
        applyPatch(rm, loaded, target, options, schemas, this.fileName);
      });
    }
    if (k.namespace) step('NamespaceTransformer', () => setNamespace(rm, { namespace: k.namespace!, fieldSpecs: tc.namespace }));
    if (k.namePrefix) step('PrefixTransformer', () => addNamePrefixSuffix(rm, { prefix: k.namePrefix }, tc.namePrefix));
    if (k.nameSuffix) step('SuffixTransformer', () => addNamePrefixSuffix(rm, { suffix: k.nameSuffix }, tc.nameSuffix));
    if (k.labels.length || Object.keys(k.commonLabels).length) {
      for (const label of k.labels) {
        let specs: FieldSpec[] = label.fields.map((f, i) => readFieldSpec(f, `labels.fields[${i}]`));
        if (label.includeSelectors) specs = mergeSpecs(specs, tc.commonLabels);
        else {
          specs = mergeSpecs(specs, [{ path: 'metadata/labels', create: true }]);
          if (label.includeTemplates) specs = mergeSpecs(specs, tc.templateLabels);
        }
        // Field specs under `labels:` in configuration files apply to every labels entry.
        specs = mergeSpecs(specs, tc.labels);
        step('LabelTransformer', () => setMapEntries(rm, label.pairs, specs));
      }
      step('LabelTransformer', () => setMapEntries(rm, k.commonLabels, tc.commonLabels));
    }
    if (Object.keys(k.commonAnnotations).length) step('AnnotationsTransformer', () => setMapEntries(rm, k.commonAnnotations, tc.commonAnnotations));
    for (const [i, entry] of k.patchesJson6902.entries()) step('PatchJson6902Transformer', () => this.applyLegacyJson6902(rm, entry, `patchesJson6902[${i}]`));
    for (const entry of k.replicas) step('ReplicaCountTransformer', () => setReplicas(rm, readReplicaRule(entry), tc.replicas));
    for (const [i, entry] of k.images.entries()) step('ImageTagTransformer', () => setImages(rm, [readImageRule(entry, `images[${i}]`)], tc.images));
    if (k.replacements.length) step('ReplacementTransformer', () => applyReplacements(rm, this.loadReplacements(k.replacements)));
    if (k.transformers.length) runPluginConfigs(this, k.transformers, 'transformers', acc);
  }

  /** Where this kustomization's own transformers and generators are configured, relative to the top. */
  get configuredIn(): string {
    return path.join(this.originPath, path.basename(this.fileName));
  }

  recordTransformer(rm: ResMap, by: OriginRef, configuredIn = this.configuredIn): void {
    if (!this.ctx.trackTransformers) return;
    for (const r of rm.list()) r.transformedBy.push({ configuredIn, configuredBy: by });
  }


  /** Inline replacements and `path:` entries, whose files kustomize reads only the first document of. */
  loadReplacements(entries: Value[], mode: 'kustomization' | 'plugin' = 'kustomization'): Replacement[] {
    return loadReplacements(parseReplacementFields(entries, mode), (file) => this.loadDocs(file)[0]);
  }

  /** Entries are file paths or inline patches; a file may hold several documents. */
  loadStrategicMergePatches(entries: Value[]): LoadedPatch[] {
    const out: LoadedPatch[] = [];
    for (const entry of entries) {
      if (typeof entry !== 'string') {
        if (isMap(entry)) out.push({ type: 'smp', patches: [entry] });
        else throw new KustomizeError(`${this.fileName}: patchesStrategicMerge entries must be file paths or patches`);
        continue;
      }
      const text = this.isInlinePatch(entry) ? entry : this.loader.load(entry).toString('utf8');
      const loaded = parsePatchText(text, entry);
      if (loaded.type !== 'smp') throw new KustomizeError(`${entry}: a strategic merge patch must be a mapping`);
      if (loaded.patches.length === 0) throw new KustomizeError(`${entry}: missing Resource metadata`);
      out.push(loaded);
    }
    return out;
  }

  private isInlinePatch(entry: string): boolean {
    return entry.includes('\n') || (!this.loader.isDir(entry) && /^\s*(apiVersion|kind|metadata|\{|-)/.test(entry) && entry.includes(':'));
  }

  readPatchEntry(entry: Value, where: string): { loaded: LoadedPatch; target?: ReturnType<typeof readSelector>; options: { allowNameChange?: boolean; allowKindChange?: boolean } } {
    if (!isMap(entry)) throw new KustomizeError(`${this.fileName}: ${where} must be a mapping`);
    entry = goFields(entry, ['path', 'patch', 'target', 'options']);
    const hasPath = typeof entry.path === 'string' && entry.path !== '';
    const hasPatch = typeof entry.patch === 'string' && entry.patch.trim() !== '';
    if (hasPath === hasPatch) {
      throw new KustomizeError(`${this.fileName}: ${where}: ${hasPath ? 'patch and path can\'t be set at the same time' : 'must specify one of patch and path'}`);
    }
    const text = hasPath ? this.loader.load(entry.path as string).toString('utf8') : (entry.patch as string);
    const loaded = parsePatchText(text, hasPath ? (entry.path as string) : `${this.fileName} ${where}`);
    const target = entry.target == null ? undefined : readSelector(entry.target, where);
    if (target && loaded.type === 'smp' && loaded.patches.length > 1) {
      throw new KustomizeError(`Multiple Strategic-Merge Patches in one \`patches\` entry is not allowed to set \`patches.target\` field: [${hasPath ? `path: "${String(entry.path)}"` : `patch: ${JSON.stringify(entry.patch)}`}]`);
    }
    const options = isMap(entry.options) ? { allowNameChange: entry.options.allowNameChange === true, allowKindChange: entry.options.allowKindChange === true } : {};
    return { loaded, target, options };
  }

  private applyLegacyJson6902(rm: ResMap, entry: Value, where: string): void {
    if (!isMap(entry)) throw new KustomizeError(`${this.fileName}: ${where} must be a mapping`);
    entry = goFields(entry, ['target', 'path', 'patch']);
    if (entry.target == null) throw new KustomizeError(`${this.fileName}: ${where}: must specify a target`);
    const target = readSelector(entry.target, where);
    const hasPath = typeof entry.path === 'string' && entry.path !== '';
    const hasPatch = typeof entry.patch === 'string' && entry.patch !== '';
    if (hasPath && hasPatch) throw new KustomizeError(`${this.fileName}: ${where}: must specify a file path or jsonOp, not both`);
    if (!hasPath && !hasPatch) throw new KustomizeError(`${this.fileName}: ${where}: empty file path and empty jsonOp`);
    const text = hasPath ? this.loader.load(entry.path as string).toString('utf8') : (entry.patch as string);
    const docs = parseAllDocuments(text, { filename: hasPath ? (entry.path as string) : where }).filter((d) => d !== null);
    const ops = docs.length === 1 && Array.isArray(docs[0]) ? docs[0] : undefined;
    if (!ops) throw new KustomizeError(`${this.fileName}: ${where}: a JSON 6902 patch must be a list of operations`);
    for (const r of rm.list().filter(compileSelector(target))) applyJson6902(r, ops, where);
  }
}

export function readFieldSpec(v: Value, where: string): FieldSpec {
  if (!isMap(v)) throw new KustomizeError(`${where}: a field spec must be a mapping`);
  if (typeof v.path !== 'string') throw new KustomizeError(`${where}: a field spec needs a path`);
  const fs: FieldSpec = { path: v.path };
  if (typeof v.group === 'string') fs.group = v.group;
  if (typeof v.version === 'string') fs.version = v.version;
  if (typeof v.kind === 'string') fs.kind = v.kind;
  if (v.create === true) fs.create = true;
  return fs;
}

function mergeSpecs(a: FieldSpec[], b: FieldSpec[]): FieldSpec[] {
  const key = (f: FieldSpec) => `${f.group ?? ''}|${f.version ?? ''}|${f.kind ?? ''}|${f.path}`;
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((f) => !seen.has(key(f)))];
}

export type { ValueMap };
