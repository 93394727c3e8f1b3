/**
 * What kustomize-controller does to a source path before building it, in memory:
 *
 * - A directory without kustomization.yaml, kustomization.yml or Kustomization gets one
 *   listing every .yaml/.yml file below it, recursively ("./sub/x.yaml"), each of which
 *   must parse as YAML; a sub-directory holding its own kustomization file is listed as one
 *   resource and not entered. Nothing found: a kustomization with `namespace: _placeholder`
 *   (kustomize refuses an empty one), which builds to nothing.
 * - The Kustomization's spec is then written into that kustomization file — the existing one
 *   or the generated one — so it acts inside it, not as an overlay: `namespace` =
 *   targetNamespace, namePrefix, nameSuffix, patches appended (and v1beta2's
 *   patchesStrategicMerge / patchesJson6902), components appended (missing ones dropped with
 *   ignoreMissingComponents), images merged by name, buildMetadata [2.9].
 * - An existing kustomization without `resources` gets `buildMetadata: [originAnnotations]`
 *   (Flux ≥2.3 does this so kustomize ≥5.2 does not reject it as empty).
 * - The file goes through Go structs on the way (sigs.k8s.io/yaml): fields kustomize does
 *   not know are dropped, names are matched case-insensitively, only the first document
 *   is kept.
 *
 * The build itself uses LoadRestrictionsNone, confined to the artifact root.
 */
import * as path from 'node:path';
import { build } from '../../kustomize/build.js';
import { diskFileSystem, type FileSystem } from '../../kustomize/filesystem.js';
import type { RemoteFetcher } from '../../kustomize/remote.js';
import type { Selector } from '../../kustomize/selector.js';
import { emitYaml, goJson } from '../../yaml/emit.js';
import { parseAllDocuments } from '../../yaml/parse.js';
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import { overlayFileSystem, rootedFileSystem, secureJoin } from './filesystem.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const KUSTOMIZATION_API_VERSION = 'kustomize.config.k8s.io/v1beta1';

/** A kustomize patch target, as Flux's spec carries it. */
export type PatchSelector = Selector;

/** The Kustomization spec fields that shape the build (a subset of KustomizationSpec). */
export interface BuildSpec {
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  patches?: { patch: string; target?: PatchSelector }[];
  /** v1beta2 only: inline strategic-merge patches. */
  patchesStrategicMerge?: Value[];
  /** v1beta2 only: JSON 6902 operations with their target. */
  patchesJson6902?: { patch: Value[]; target: PatchSelector }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  components?: string[];
  ignoreMissingComponents?: boolean;
  /** [Flux 2.9] */
  buildMetadata?: string[];
}

/** Generating or editing the kustomization file failed (Flux: BuildFailed). */
export class GenerateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GenerateError';
  }
}

/** `spec.path` does not exist in the artifact (Flux: ArtifactFailed). */
export class SourcePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourcePathError';
  }
}

/** The kustomize build of the prepared path failed, or made an object Flux cannot apply (BuildFailed). */
export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

export interface PreparedKustomization {
  /** The view to build from: the given one, or it with the kustomization file replaced. */
  fs: FileSystem;
  dir: string;
  /** The kustomization file the build reads (existing, or the generated kustomization.yaml). */
  file: string;
  generated: boolean;
  /** Its content as the build will read it. */
  kustomization: ValueMap;
}

export interface PrepareOptions {
  /** Paths in messages are shown relative to it (the artifact root); default `dir`. */
  root?: string;
}

/** The kustomization file name in `dir`, if there is one (first of the recognised names). */
export function findKustomizationFile(fs: FileSystem, dir: string): string | undefined {
  return KUSTOMIZATION_FILES.find((n) => {
    const p = path.join(dir, n);
    return fs.exists(p) && !fs.isDir(p);
  });
}

/** The kustomization Flux writes for a plain directory (throws GenerateError on a bad YAML file). */
export function generateKustomization(fs: FileSystem, dir: string, opts: PrepareOptions = {}): ValueMap {
  const shown = (p: string): string => path.relative(opts.root ?? dir, p) || '.';
  const resources: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readDir(d)) {
      const p = path.join(d, name);
      if (fs.isDir(p)) {
        if (findKustomizationFile(fs, p)) resources.push(p);
        else walk(p);
        continue;
      }
      const dot = name.lastIndexOf('.');
      const ext = dot < 0 ? '' : name.slice(dot);
      if (ext !== '.yaml' && ext !== '.yml') continue;
      checkManifest(fs.readFile(p), shown(p));
      resources.push(p);
    }
  };
  walk(dir);
  const k: ValueMap = { apiVersion: KUSTOMIZATION_API_VERSION, kind: 'Kustomization' };
  if (resources.length === 0) k.namespace = '_placeholder';
  else k.resources = resources.map((p) => `./${path.relative(dir, p).split(path.sep).join('/')}`);
  return k;
}

/** Each document of a listed file must read as a Kubernetes object (a mapping) or be empty. */
function checkManifest(content: Buffer, shown: string): void {
  let docs: Value[];
  try {
    docs = parseAllDocuments(content.toString('utf8'), { filename: shown });
  } catch (e) {
    throw new GenerateError(`failed to decode Kubernetes YAML from ${shown}: ${(e as Error).message}`);
  }
  docs.forEach((d, i) => {
    if (d !== null && !isMap(d)) {
      const what = Array.isArray(d) ? 'a sequence' : 'a scalar';
      throw new GenerateError(`failed to decode Kubernetes YAML from ${shown}: document ${i + 1} is ${what}, not a Kubernetes object`);
    }
  });
}

/**
 * The kustomization the build of `dir` will use: generated if absent, with the spec written
 * into it. The returned view shows the edited file in place of the original; when nothing
 * changes it is `fs` itself.
 */
export function prepareKustomization(fs: FileSystem, dir: string, spec: BuildSpec, opts: PrepareOptions = {}): PreparedKustomization {
  const existing = findKustomizationFile(fs, dir);
  let k: ValueMap;
  let changed: boolean;
  let file: string;
  if (existing) {
    file = path.join(dir, existing);
    ({ k, changed } = readExisting(fs, file, path.relative(opts.root ?? dir, file)));
    if (!nonEmptyList(k.resources)) {
      k.buildMetadata = ['originAnnotations'];
      changed = true;
    }
  } else {
    file = path.join(dir, 'kustomization.yaml');
    k = generateKustomization(fs, dir, opts);
    changed = true;
  }
  if (applySpec(k, spec, fs, dir)) changed = true;
  return {
    fs: changed ? overlayFileSystem(fs, { [file]: emitYaml(k) }) : fs,
    dir,
    file,
    generated: !existing,
    kustomization: k,
  };
}

// The fields of kustomize's Kustomization type: anything else is lost in Flux's round trip.
const KNOWN_FIELDS = [
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags', 'replacements',
  'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases', 'configMapGenerator',
  'secretGenerator', 'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions',
  'configurations', 'generators', 'transformers', 'validators', 'buildMetadata',
];
const KNOWN_LOWER = new Map(KNOWN_FIELDS.map((f) => [f.toLowerCase(), f]));

function readExisting(fs: FileSystem, file: string, shown: string): { k: ValueMap; changed: boolean } {
  let docs: Value[];
  try {
    docs = parseAllDocuments(fs.readFile(file).toString('utf8'), { filename: shown, uniqueKeys: false });
  } catch (e) {
    throw new GenerateError(`error reading ${shown}: ${(e as Error).message}`);
  }
  const doc = docs[0] ?? null;
  if (doc !== null && !isMap(doc)) throw new GenerateError(`error reading ${shown}: the kustomization is not a mapping`);
  let changed = docs.length !== 1 || doc === null;
  const k: ValueMap = {};
  for (const [key, value] of Object.entries(doc ?? {})) {
    const field = KNOWN_FIELDS.includes(key) ? key : KNOWN_LOWER.get(key.toLowerCase());
    if (field === undefined || (field !== key && Object.hasOwn(doc ?? {}, field))) {
      changed = true;
      continue;
    }
    if (field !== key) changed = true;
    k[field] = value;
  }
  if (k.apiVersion === undefined || k.apiVersion === null || k.apiVersion === '') {
    k.apiVersion = KUSTOMIZATION_API_VERSION;
    changed = true;
  }
  if (k.kind === undefined || k.kind === null || k.kind === '') {
    k.kind = 'Kustomization';
    changed = true;
  }
  return { k, changed };
}

function nonEmptyList(v: Value | undefined): boolean {
  return Array.isArray(v) && v.length > 0;
}

/** Writes the spec into the kustomization; whether anything was set. */
function applySpec(k: ValueMap, spec: BuildSpec, fs: FileSystem, dir: string): boolean {
  let changed = false;
  // A field set to "" is omitted by Go's marshalling: it removes the file's own value.
  const setString = (field: string, v: string | undefined): void => {
    if (v === undefined) return;
    if (v === '') delete k[field];
    else k[field] = v;
    changed = true;
  };
  setString('namespace', spec.targetNamespace);
  setString('namePrefix', spec.namePrefix);
  setString('nameSuffix', spec.nameSuffix);

  const append = (field: string, entries: Value[]): void => {
    if (entries.length === 0) return;
    k[field] = [...(Array.isArray(k[field]) ? (k[field] as Value[]) : []), ...entries];
    changed = true;
  };
  append(
    'patches',
    (spec.patches ?? []).map((p) => {
      const entry: ValueMap = { patch: p.patch };
      if (p.target) entry.target = selector(p.target);
      return entry;
    }),
  );
  for (const c of spec.components ?? []) {
    if (!isLocalRelativePath(c)) throw new GenerateError(`component path '${c}' must be local and relative`);
  }
  append(
    'components',
    (spec.components ?? []).filter((c) => !(spec.ignoreMissingComponents && !fs.exists(path.join(dir, c)))),
  );
  append(
    'patchesStrategicMerge',
    (spec.patchesStrategicMerge ?? []).map((p) => goJson(p)),
  );
  append(
    'patchesJson6902',
    (spec.patchesJson6902 ?? []).map((p) => ({ patch: goJson(p.patch), target: selector(p.target) })),
  );

  if (spec.images?.length) {
    const images = (Array.isArray(k.images) ? (k.images as Value[]) : []).slice();
    for (const img of spec.images) {
      const i = images.findIndex((e) => isMap(e) && e.name === img.name);
      // Fields the spec leaves out keep the file's values (a newName alone keeps its newTag).
      const merged: ValueMap = i >= 0 && isMap(images[i]) ? { ...(images[i] as ValueMap) } : { name: img.name };
      if (img.newName) merged.newName = img.newName;
      if (img.newTag) merged.newTag = img.newTag;
      if (img.digest) merged.digest = img.digest;
      if (i >= 0) images[i] = merged;
      else images.push(merged);
    }
    k.images = images;
    changed = true;
  }
  if (spec.buildMetadata?.length) {
    k.buildMetadata = [...spec.buildMetadata];
    changed = true;
  }
  return changed;
}

/** A kustomize selector with Go's omitempty: empty fields dropped, `{}` kept (it selects everything). */
function selector(t: PatchSelector): ValueMap {
  const out: ValueMap = {};
  for (const f of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    if (t[f]) out[f] = t[f];
  }
  return out;
}

/** Flux accepts components that are neither remote nor absolute. */
export function isLocalRelativePath(p: string): boolean {
  const lower = p.toLowerCase();
  for (const prefix of ['git::', 'gh:', 'ssh://', 'https://', 'http://', 'git@', 'github.com:', 'github.com/']) {
    if (prefix.length < p.length && lower.startsWith(prefix)) return false;
  }
  return !path.posix.isAbsolute(p) && !path.posix.isAbsolute(lower.replace(/^file:\/\//, ''));
}

/** The directory `spec.path` names inside the artifact root ('..' cannot leave it). */
export function resolveSourcePath(fs: FileSystem, root: string, sourcePath: string | undefined): string {
  const dir = secureJoin(root, sourcePath ?? '');
  if (!fs.exists(dir)) throw new SourcePathError(`kustomization path not found: stat ${dir}: no such file or directory`);
  return dir;
}

export interface FluxBuildOptions {
  /** The view of the artifact (default: the disk). */
  fs?: FileSystem;
  /** Fetches remote bases; without one they are refused (`--no-remote-bases`). */
  remote?: RemoteFetcher;
  maxAliasExpansion?: number;
}

export interface FluxBuild {
  objects: ValueMap[];
  warnings: string[];
  /** The kustomization the build used, after Flux's edits. */
  kustomization: ValueMap;
  generated: boolean;
}

/**
 * The build kustomize-controller makes of `sourcePath` in the artifact at `root`: generate
 * and edit the kustomization, build with LoadRestrictionsNone confined to the root, and
 * refuse objects without apiVersion, kind or name. Throws SourcePathError, GenerateError or
 * BuildError.
 */
export function buildFluxKustomization(root: string, sourcePath: string | undefined, spec: BuildSpec, opts: FluxBuildOptions = {}): FluxBuild {
  const fs = rootedFileSystem(opts.fs ?? diskFileSystem, root);
  const dir = resolveSourcePath(fs, root, sourcePath);
  const prepared = prepareKustomization(fs, dir, spec, { root });
  let result;
  try {
    result = build(dir, {
      fs: prepared.fs,
      loadRestrictor: 'LoadRestrictionsNone',
      ...(opts.remote ? { remote: opts.remote } : {}),
      ...(opts.maxAliasExpansion ? { maxAliasExpansion: opts.maxAliasExpansion } : {}),
    });
  } catch (e) {
    throw new BuildError(`kustomize build failed: ${(e as Error).message}`);
  }
  for (const obj of result.objects) {
    const meta = isMap(obj.metadata) ? obj.metadata : {};
    if (!obj.apiVersion || !obj.kind || !meta.name) {
      throw new BuildError(`failed to decode Kubernetes apiVersion, kind and name from: ${emitYaml(obj)}`);
    }
  }
  return { objects: result.objects, warnings: result.warnings, kustomization: prepared.kustomization, generated: prepared.generated };
}

export interface CommonMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * `spec.commonMetadata`, stamped on every object after the build (overriding existing keys),
 * as Flux does at apply time. Objects are copied, not changed.
 */
export function applyCommonMetadata(objects: ValueMap[], common: CommonMetadata | undefined): ValueMap[] {
  const labels = Object.entries(common?.labels ?? {});
  const annotations = Object.entries(common?.annotations ?? {});
  if (labels.length === 0 && annotations.length === 0) return objects.slice();
  return objects.map((obj) => {
    const meta: ValueMap = isMap(obj.metadata) ? { ...obj.metadata } : {};
    const merge = (field: string, entries: [string, string][]): void => {
      if (entries.length === 0) return;
      meta[field] = { ...(isMap(meta[field]) ? meta[field] : {}), ...Object.fromEntries(entries) };
    };
    merge('labels', labels);
    merge('annotations', annotations);
    return { ...obj, metadata: meta };
  });
}
