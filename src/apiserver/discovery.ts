/**
 * Discovery documents: the legacy `/api` and `/apis` trees (APIVersions, APIGroupList,
 * APIGroup, APIResourceList) and the aggregated form kubectl asks for first
 * (apidiscovery.k8s.io/v2 APIGroupDiscoveryList).
 */
import type { ValueMap } from '../yaml/types.js';
import type { GroupInfo, Registry, ResourceType } from './registry.js';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

function gv(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

export function apiVersions(serverAddress: string): ValueMap {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(g: GroupInfo): ValueMap {
  return {
    name: g.name,
    versions: g.versions.map((v) => ({ groupVersion: gv(g.name, v.version), version: v.version })),
    preferredVersion: { groupVersion: gv(g.name, g.preferredVersion), version: g.preferredVersion },
  };
}

export function apiGroupList(registry: Registry): ValueMap {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().filter((g) => g.name !== '').map(groupDoc) };
}

export function apiGroup(registry: Registry, name: string): ValueMap | undefined {
  const g = registry.groups().find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) } : undefined;
}

export function apiResourceList(registry: Registry, group: string, version: string): ValueMap | undefined {
  const g = registry.groups().find((x) => x.name === group);
  const v = g?.versions.find((x) => x.version === version);
  if (!v) return undefined;
  const resources: ValueMap[] = [];
  for (const t of v.types) {
    const r: ValueMap = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
    if (t.shortNames.length > 0) r.shortNames = t.shortNames;
    if (t.categories.length > 0) r.categories = t.categories;
    resources.push(r);
    for (const s of t.subresources) {
      const sr: ValueMap = { name: `${t.plural}/${s.name}`, singularName: '', namespaced: t.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group !== t.group || s.version !== t.version) {
        sr.group = s.group;
        sr.version = s.version;
      }
      resources.push(sr);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv(group, version), resources };
}

function aggregatedResource(t: ResourceType): ValueMap {
  const r: ValueMap = {
    resource: t.plural,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
  };
  if (t.shortNames.length > 0) r.shortNames = t.shortNames;
  if (t.categories.length > 0) r.categories = t.categories;
  if (t.subresources.length > 0) {
    r.subresources = t.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs }));
  }
  return r;
}

/** `/api` (core only) or `/apis` (every other group) in aggregated form. */
export function aggregatedDiscovery(registry: Registry, legacy: boolean, version: 'v2' | 'v2beta1' = 'v2'): ValueMap {
  const groups = registry.groups().filter((g) => (legacy ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => {
      const metadata: ValueMap = { creationTimestamp: null };
      if (g.name !== '') metadata.name = g.name;
      return {
        metadata,
        versions: g.versions.map((v) => ({ version: v.version, resources: v.types.map(aggregatedResource), freshness: 'Current' })),
      };
    }),
  };
}
