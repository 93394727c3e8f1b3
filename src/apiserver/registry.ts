/**
 * The resource types the server serves: the built-in 1.33 ones from src/schema/kube, and the
 * ones CustomResourceDefinitions add while it runs. Versions of one resource share a storage
 * key, so an object written through one version reads through the others.
 */
import { GROUP_ORDER_1_33, KUBE_RESOURCES, kubeDefinitions, resolveKubeSchema, type OpenApiSchema } from '../schema/kube/index.js';

export interface SubresourceInfo {
  name: 'status' | 'scale';
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/** Where a CRD's scale subresource reads and writes (JSON paths such as ".spec.replicas"). */
export interface ScaleInfo {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  subresources: SubresourceInfo[];
  /** Versions of one resource share this key ("apps/deployments"). */
  storage: string;
  /** The version objects are kept in. */
  storageVersion: string;
  /** The root schema of this version's objects (resolved; `$ref`s inside resolve with `resolve`). */
  schema: OpenApiSchema | undefined;
  /** The schema's name in OpenAPI documents ("io.k8s.api.apps.v1.Deployment"). */
  definitionName: string;
  resolve: (s: OpenApiSchema) => OpenApiSchema;
  /** True for built-in kinds (strategic merge patch allowed, hand-written defaults apply). */
  builtin: boolean;
  /** Whether metadata.generation is kept (spec-carrying kinds). */
  hasGeneration: boolean;
  /** Create-only review kinds: answered, never stored. */
  review: boolean;
  crd?: {
    name: string;
    uid: string;
    printerColumns: PrinterColumn[];
    selectableFields: string[];
    scale?: ScaleInfo;
  };
}

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Kinds whose objects carry metadata.generation in Kubernetes (their strategies set it). */
const GENERATION_GROUPS = new Set(['apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'flowcontrol.apiserver.k8s.io', 'scheduling.k8s.io', 'node.k8s.io', 'storage.k8s.io']);
const NO_GENERATION_KINDS = new Set(['ControllerRevision', 'IPAddress', 'ServiceCIDR', 'PriorityClass', 'RuntimeClass', 'StorageClass', 'CSIDriver', 'CSINode', 'CSIStorageCapacity', 'VolumeAttachment', 'IngressClass']);

/** Versions of one resource that are stored together, and the version they are stored in. */
const SHARED_STORAGE: Record<string, { storage: string; version: string }> = {
  'events.k8s.io/events': { storage: '/events', version: 'v1' },
  '/events': { storage: '/events', version: 'v1' },
  'autoscaling/horizontalpodautoscalers': { storage: 'autoscaling/horizontalpodautoscalers', version: 'autoscaling/v2' },
};

function builtinTypes(): ResourceType[] {
  const defs = kubeDefinitions();
  return KUBE_RESOURCES.map((r) => {
    const key = `${r.group}/${r.plural}`;
    const shared = SHARED_STORAGE[key];
    return {
      group: r.group,
      version: r.version,
      kind: r.kind,
      listKind: `${r.kind}List`,
      plural: r.plural,
      singular: r.singular,
      namespaced: r.namespaced,
      verbs: r.verbs,
      shortNames: r.shortNames,
      categories: r.categories,
      subresources: r.subresources.map((s) => ({ ...s, name: s.name as 'status' | 'scale' })),
      storage: shared?.storage ?? key,
      storageVersion: shared?.version ?? apiVersionOf(r),
      schema: defs[r.definition],
      definitionName: r.definition,
      resolve: resolveKubeSchema,
      builtin: true,
      hasGeneration: GENERATION_GROUPS.has(r.group) && !NO_GENERATION_KINDS.has(r.kind),
      review: r.group === 'authentication.k8s.io' || r.group === 'authorization.k8s.io',
    };
  });
}

export interface GroupInfo {
  name: string;
  versions: { version: string; types: ResourceType[] }[];
  preferredVersion: string;
}

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first, others last by name. */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return { rank: 0, major: 0, minor: 0, text: v };
    const rank = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return { rank, major: Number(m[1]), minor: Number(m[3] ?? 0), text: v };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.rank !== y.rank) return y.rank - x.rank;
  if (x.rank === 0) return x.text < y.text ? -1 : x.text > y.text ? 1 : 0;
  if (x.major !== y.major) return y.major - x.major;
  return y.minor - x.minor;
}

export class Registry {
  private types: ResourceType[] = [];
  private byPath = new Map<string, ResourceType>();
  /** Bumped on every change: discovery and OpenAPI answers are cached against it. */
  generation = 0;
  private listeners = new Set<() => void>();

  constructor() {
    this.rebuild(builtinTypes());
  }

  private rebuild(types: ResourceType[]): void {
    this.types = types;
    this.byPath.clear();
    for (const t of types) this.byPath.set(`${t.group}/${t.version}/${t.plural}`, t);
    this.generation++;
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  all(): readonly ResourceType[] {
    return this.types;
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  byKind(group: string, version: string, kind: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  /** Every version serving the same storage, e.g. for deleting dependents by uid. */
  byStorage(storage: string): ResourceType[] {
    return this.types.filter((t) => t.storage === storage);
  }

  /** One served type per storage key (the one in the storage version when it is served). */
  storages(): ResourceType[] {
    const out = new Map<string, ResourceType>();
    for (const t of this.types) {
      const cur = out.get(t.storage);
      if (!cur || (apiVersionOf(t) === t.storageVersion && apiVersionOf(cur) !== cur.storageVersion)) out.set(t.storage, t);
    }
    return [...out.values()];
  }

  /** Replaces the types a CRD contributes (none to remove it). */
  setCustom(crdName: string, types: ResourceType[]): void {
    const rest = this.types.filter((t) => t.crd?.name !== crdName);
    this.rebuild([...rest, ...types]);
  }

  groups(): GroupInfo[] {
    const map = new Map<string, Map<string, ResourceType[]>>();
    for (const t of this.types) {
      let g = map.get(t.group);
      if (!g) map.set(t.group, (g = new Map()));
      let v = g.get(t.version);
      if (!v) g.set(t.version, (v = []));
      v.push(t);
    }
    const builtinOrder = (name: string) => {
      const i = GROUP_ORDER_1_33.indexOf(name);
      return i < 0 ? GROUP_ORDER_1_33.length : i;
    };
    const names = [...map.keys()].sort((a, b) => builtinOrder(a) - builtinOrder(b) || (a < b ? -1 : a > b ? 1 : 0));
    return names.map((name) => {
      const g = map.get(name)!;
      const builtin = g.values().next().value![0]!.builtin;
      // Built-in groups list versions in the order the table gives (autoscaling: v2, v1);
      // custom groups by Kubernetes version priority.
      const versions = [...g.keys()];
      if (!builtin) versions.sort(compareKubeVersions);
      return {
        name,
        versions: versions.map((version) => ({ version, types: g.get(version)! })),
        preferredVersion: versions[0]!,
      };
    });
  }
}
