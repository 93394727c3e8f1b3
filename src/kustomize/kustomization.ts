/** The kustomization file: its fields, the legacy ones folded into the new, and the warnings kustomize gives. */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { KustomizeError } from './errors.js';
import { goFields } from './gofields.js';

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

const KNOWN_FIELDS = [
  'apiVersion',
  'kind',
  'metadata',
  'openapi',
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'patchesStrategicMerge',
  'patchesJson6902',
  'patches',
  'images',
  'imageTags',
  'replacements',
  'replicas',
  'vars',
  'sortOptions',
  'resources',
  'components',
  'crds',
  'bases',
  'configMapGenerator',
  'secretGenerator',
  'helmGlobals',
  'helmCharts',
  'helmChartInflationGenerator',
  'generatorOptions',
  'configurations',
  'generators',
  'transformers',
  'validators',
  'buildMetadata',
];

const DEPRECATIONS: [string, string][] = [
  ['bases', "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['commonLabels', "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['imageTags', "# Warning: 'imageTags' is deprecated. Please use 'images' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['patchesJson6902', "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['patchesStrategicMerge', "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['vars', "# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically."],
];

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals: string[];
  files: string[];
  envs: string[];
  options?: GeneratorOptions;
  /** Secrets only. */
  type?: string;
}

export interface Label {
  pairs: Record<string, string>;
  includeSelectors: boolean;
  includeTemplates: boolean;
  fields: Value[];
}

export interface Kustomization {
  kind: 'Kustomization' | 'Component';
  raw: ValueMap;
  resources: string[];
  components: string[];
  crds: string[];
  configurations: string[];
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  commonLabels: Record<string, string>;
  labels: Label[];
  commonAnnotations: Record<string, string>;
  patchesStrategicMerge: Value[];
  patchesJson6902: Value[];
  patches: Value[];
  images: Value[];
  replicas: Value[];
  replacements: Value[];
  vars: Value[];
  configMapGenerator: GeneratorArgs[];
  secretGenerator: GeneratorArgs[];
  generatorOptions?: GeneratorOptions;
  generators: Value[];
  transformers: Value[];
  validators: Value[];
  openapi?: ValueMap;
  sortOptions?: ValueMap;
  buildMetadata: string[];
  warnings: string[];
}

/** Reads a parsed kustomization document; `file` names it in errors. */
export function readKustomization(doc: Value, file: string): Kustomization {
  if (doc === null || doc === undefined) doc = {};
  if (!isMap(doc)) throw new KustomizeError(`invalid Kustomization: ${file} is not a mapping`);
  doc = goFields(doc, KNOWN_FIELDS);
  for (const unsupported of ['helmCharts', 'helmChartInflationGenerator', 'helmGlobals']) {
    if (doc[unsupported] !== undefined && doc[unsupported] !== null) {
      throw new KustomizeError(`${file}: field '${unsupported}' is not supported by Fluxion's kustomize build (Helm charts are rendered by HelmRelease)`);
    }
  }
  const kind = doc.kind === undefined || doc.kind === null || doc.kind === '' ? 'Kustomization' : doc.kind;
  if (kind !== 'Kustomization' && kind !== 'Component') {
    throw new KustomizeError(`invalid Kustomization: kind should be Kustomization or Component`);
  }
  const requiredVersion = kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
  if (doc.apiVersion && doc.apiVersion !== requiredVersion) {
    throw new KustomizeError(`invalid Kustomization: apiVersion for ${kind} should be ${requiredVersion}`);
  }
  const warnings = DEPRECATIONS.filter(([f]) => doc[f] !== undefined && doc[f] !== null).map(([, w]) => w);
  const k: Kustomization = {
    kind,
    raw: doc,
    resources: [...strings(doc, 'resources', file), ...strings(doc, 'bases', file)],
    components: strings(doc, 'components', file),
    crds: strings(doc, 'crds', file),
    configurations: strings(doc, 'configurations', file),
    namespace: optString(doc, 'namespace', file),
    namePrefix: optString(doc, 'namePrefix', file),
    nameSuffix: optString(doc, 'nameSuffix', file),
    commonLabels: stringMap(doc.commonLabels, 'commonLabels', file),
    labels: list(doc, 'labels', file).map((l, i) => readLabel(l, `labels[${i}]`, file)),
    commonAnnotations: stringMap(doc.commonAnnotations, 'commonAnnotations', file),
    patchesStrategicMerge: list(doc, 'patchesStrategicMerge', file),
    patchesJson6902: list(doc, 'patchesJson6902', file),
    patches: list(doc, 'patches', file),
    images: [...list(doc, 'images', file), ...list(doc, 'imageTags', file)],
    replicas: list(doc, 'replicas', file),
    replacements: list(doc, 'replacements', file),
    vars: list(doc, 'vars', file),
    configMapGenerator: list(doc, 'configMapGenerator', file).map((g, i) => readGeneratorArgs(g, `configMapGenerator[${i}]`, file)),
    secretGenerator: list(doc, 'secretGenerator', file).map((g, i) => readGeneratorArgs(g, `secretGenerator[${i}]`, file)),
    generatorOptions: doc.generatorOptions == null ? undefined : readGeneratorOptions(doc.generatorOptions, 'generatorOptions', file),
    generators: list(doc, 'generators', file),
    transformers: list(doc, 'transformers', file),
    validators: list(doc, 'validators', file),
    openapi: isMap(doc.openapi) ? doc.openapi : undefined,
    sortOptions: isMap(doc.sortOptions) ? doc.sortOptions : undefined,
    buildMetadata: strings(doc, 'buildMetadata', file),
    warnings,
  };
  return k;
}

function fieldError(file: string, field: string, what: string): KustomizeError {
  return new KustomizeError(`invalid Kustomization in ${file}: field '${field}' ${what}`);
}

function list(doc: ValueMap, field: string, file: string): Value[] {
  const v = doc[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw fieldError(file, field, 'must be a list');
  return v;
}

function strings(doc: ValueMap, field: string, file: string): string[] {
  return list(doc, field, file).map((v, i) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    throw fieldError(file, `${field}[${i}]`, 'must be a string');
  });
}

function optString(doc: ValueMap, field: string, file: string): string | undefined {
  const v = doc[field];
  if (v === undefined || v === null) return undefined;
  if (isMap(v) || Array.isArray(v)) throw fieldError(file, field, 'must be a string');
  return String(v);
}

export function stringMap(v: Value | undefined, field: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (!isMap(v)) throw fieldError(file, field, 'must be a map of strings');
  for (const [k, val] of Object.entries(v)) {
    if (val === null) out[k] = '';
    else if (typeof val === 'string') out[k] = val;
    else throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${goJsonType(val)} into Go struct field Kustomization.${field} of type string (in ${file})`);
  }
  return out;
}

function goJsonType(v: Value): string {
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** How a YAML scalar reads when Go unmarshals it into a string field. */
export function scalarText(v: Value): string {
  if (typeof v === 'string') return v;
  return String(v);
}

const LABEL_FIELDS = ['pairs', 'includeSelectors', 'includeTemplates', 'fields'];
const OPTION_FIELDS = ['labels', 'annotations', 'disableNameSuffixHash', 'immutable'];
const GENERATOR_FIELDS = ['name', 'namespace', 'behavior', 'literals', 'files', 'envs', 'env', 'options', 'type'];

const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/** A boolean as kustomize reads its own file (sigs.k8s.io/yaml, YAML 1.1): `yes` and `on` are true too. */
export function yaml11Bool(v: Value | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && YAML11_TRUE.has(v)) return true;
  if (typeof v === 'string' && YAML11_FALSE.has(v)) return false;
  return undefined;
}

function readLabel(v: Value, field: string, file: string): Label {
  if (!isMap(v)) throw fieldError(file, field, 'must be a mapping');
  v = goFields(v, LABEL_FIELDS);
  return {
    pairs: stringMap(v.pairs, `${field}.pairs`, file),
    includeSelectors: yaml11Bool(v.includeSelectors) === true,
    includeTemplates: yaml11Bool(v.includeTemplates) === true,
    fields: Array.isArray(v.fields) ? v.fields : [],
  };
}

function readGeneratorOptions(v: Value, field: string, file: string): GeneratorOptions {
  if (!isMap(v)) throw fieldError(file, field, 'must be a mapping');
  v = goFields(v, OPTION_FIELDS);
  return {
    labels: v.labels == null ? undefined : stringMap(v.labels, `${field}.labels`, file),
    annotations: v.annotations == null ? undefined : stringMap(v.annotations, `${field}.annotations`, file),
    disableNameSuffixHash: yaml11Bool(v.disableNameSuffixHash),
    immutable: yaml11Bool(v.immutable) === true ? true : undefined,
  };
}

export function readGeneratorArgs(v: Value, field: string, file: string): GeneratorArgs {
  if (!isMap(v)) throw fieldError(file, field, 'must be a mapping');
  v = goFields(v, GENERATOR_FIELDS);
  const strs = (key: string) => {
    const x = v[key];
    if (x === undefined || x === null) return [];
    if (!Array.isArray(x)) throw fieldError(file, `${field}.${key}`, 'must be a list');
    return x.map((e) => (e === null ? '' : scalarText(e)));
  };
  const envs = strs('envs');
  if (typeof v.env === 'string' && v.env !== '') envs.push(v.env);
  return {
    name: v.name == null ? undefined : scalarText(v.name),
    namespace: v.namespace == null ? undefined : scalarText(v.namespace),
    behavior: v.behavior == null ? undefined : scalarText(v.behavior),
    literals: strs('literals'),
    files: strs('files'),
    envs,
    options: v.options == null ? undefined : readGeneratorOptions(v.options, `${field}.options`, file),
    type: v.type == null ? undefined : scalarText(v.type),
  };
}
