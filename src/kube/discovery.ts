/**
 * Discovery: which resource (plural, scope, subresources) serves a kind. Group versions are
 * fetched on first use and cached; a miss refetches once, so kinds from CRDs installed
 * after start are found.
 */
import { ApiError, isNotFound } from './errors.js';
import type { KubeHttp } from './http.js';
import { groupOf, versionOf } from './types.js';

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** The plural resource name, as in URLs. */
  resource: string;
  namespaced: boolean;
  verbs: string[];
  hasStatus: boolean;
}

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

export class Discovery {
  private readonly cache = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(private readonly http: KubeHttp) {}

  private fetch(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const path = groupOf(apiVersion) ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const p = this.http.request<ApiResourceList>('GET', path).then((list) => {
      const byKind = new Map<string, ResourceInfo>();
      const subresources = new Set(list.resources.filter((r) => r.name.includes('/')).map((r) => r.name));
      for (const r of list.resources) {
        if (r.name.includes('/')) continue;
        byKind.set(r.kind, {
          group: groupOf(apiVersion),
          version: versionOf(apiVersion),
          kind: r.kind,
          resource: r.name,
          namespaced: r.namespaced,
          verbs: r.verbs ?? [],
          hasStatus: subresources.has(`${r.name}/status`),
        });
      }
      return byKind;
    });
    this.cache.set(apiVersion, p);
    p.catch(() => this.cache.delete(apiVersion));
    return p;
  }

  /** The resource serving apiVersion/kind; ApiError 404 when the server has none. */
  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    let found: ResourceInfo | undefined;
    const cached = this.cache.get(apiVersion);
    if (cached) found = (await cached.catch(() => undefined))?.get(kind);
    if (!found) {
      try {
        found = (await this.fetch(apiVersion)).get(kind);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    if (!found) throw new ApiError(404, 'NotFound', `the server doesn't have a resource type for kind "${kind}" in ${apiVersion}`);
    return found;
  }

  invalidate(apiVersion?: string): void {
    if (apiVersion) this.cache.delete(apiVersion);
    else this.cache.clear();
  }
}
