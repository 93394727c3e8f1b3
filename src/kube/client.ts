/**
 * A dynamic REST client: any kind, found through discovery, as plain objects. CRUD, the
 * three patch types, server-side apply, the status subresource, and watch streams.
 */
import type { IncomingMessage } from 'node:http';
import { Discovery, type ResourceInfo } from './discovery.js';
import { KubeHttp, type RequestOptions } from './http.js';
import type { KubeConnection } from './config.js';
import type { KubeList, KubeObject } from './types.js';
import { readWatchEvents, type WatchEvent } from './watch.js';

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Which objects of a kind: all namespaces when namespace is undefined. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  /** Ask the server to end the stream after this long. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
  signal?: AbortSignal;
}

export interface WatchStream<T extends KubeObject> {
  events: AsyncGenerator<WatchEvent<T>>;
  response: IncomingMessage;
  close(): void;
}

export class KubeClient {
  readonly http: KubeHttp;
  readonly discovery: Discovery;

  constructor(
    readonly conn: KubeConnection,
    userAgent = 'fluxion',
  ) {
    this.http = new KubeHttp(conn, userAgent);
    this.discovery = new Discovery(this.http);
  }

  get defaultNamespace(): string {
    return this.conn.namespace;
  }

  /** The collection path, e.g. /apis/g/v/namespaces/ns/plural. */
  async path(ref: ResourceRef, name?: string, subresource?: string): Promise<{ path: string; info: ResourceInfo }> {
    const info = await this.discovery.resolve(ref.apiVersion, ref.kind);
    let p = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    if (info.namespaced && ref.namespace) p += `/namespaces/${encodeURIComponent(ref.namespace)}`;
    p += `/${info.resource}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return { path: p, info };
  }

  async get<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, opts: RequestOptions = {}): Promise<T> {
    const { path } = await this.path(ref, name);
    return this.http.request<T>('GET', path, opts);
  }

  async list<T extends KubeObject = KubeObject>(ref: ResourceRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    const { path } = await this.path(ref);
    const list = await this.http.request<KubeList<T>>('GET', path, { query: { ...opts } });
    // Lists carry items without apiVersion/kind; set them so items stand alone.
    for (const item of list.items ?? []) {
      item.apiVersion ??= ref.apiVersion;
      item.kind ??= ref.kind;
    }
    list.items ??= [];
    return list;
  }

  private writeQuery(opts: WriteOptions): RequestOptions['query'] {
    return { fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined, force: opts.force ? 'true' : undefined };
  }

  async create<T extends KubeObject = KubeObject>(obj: T, opts: WriteOptions = {}): Promise<T> {
    const { path } = await this.path({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace });
    return this.http.request<T>('POST', path, { body: obj, query: this.writeQuery(opts), signal: opts.signal });
  }

  async update<T extends KubeObject = KubeObject>(obj: T, opts: WriteOptions = {}): Promise<T> {
    const { path } = await this.path({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace }, obj.metadata.name);
    return this.http.request<T>('PUT', path, { body: obj, query: this.writeQuery(opts), signal: opts.signal });
  }

  async updateStatus<T extends KubeObject = KubeObject>(obj: T, opts: WriteOptions = {}): Promise<T> {
    const { path } = await this.path({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace }, obj.metadata.name, 'status');
    return this.http.request<T>('PUT', path, { body: obj, query: this.writeQuery(opts), signal: opts.signal });
  }

  async patch<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, type: PatchType, patch: unknown, opts: WriteOptions & { subresource?: string } = {}): Promise<T> {
    const { path } = await this.path(ref, name, opts.subresource);
    return this.http.request<T>('PATCH', path, { body: patch, contentType: PATCH_CONTENT_TYPES[type], query: this.writeQuery(opts), signal: opts.signal });
  }

  async patchStatus<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, type: PatchType, patch: unknown, opts: WriteOptions = {}): Promise<T> {
    return this.patch<T>(ref, name, type, patch, { ...opts, subresource: 'status' });
  }

  /** Server-side apply of a whole object (a field manager is required). */
  async apply<T extends KubeObject = KubeObject>(obj: KubeObject, opts: WriteOptions & { fieldManager: string; subresource?: string }): Promise<T> {
    return this.patch<T>({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace }, obj.metadata.name, 'apply', obj, opts);
  }

  async applyStatus<T extends KubeObject = KubeObject>(obj: KubeObject, opts: WriteOptions & { fieldManager: string }): Promise<T> {
    return this.apply<T>(obj, { ...opts, subresource: 'status' });
  }

  async delete(ref: ResourceRef, name: string, opts: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; signal?: AbortSignal } = {}): Promise<unknown> {
    const { path } = await this.path(ref, name);
    const body = opts.propagationPolicy ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: opts.propagationPolicy } : undefined;
    return this.http.request('DELETE', path, { body, signal: opts.signal });
  }

  /** Opens a watch stream; iterate `events`, call close() to stop early. */
  async watch<T extends KubeObject = KubeObject>(ref: ResourceRef, opts: WatchOptions = {}, onData?: () => void): Promise<WatchStream<T>> {
    const { path } = await this.path(ref);
    const ac = new AbortController();
    const abort = () => ac.abort();
    opts.signal?.addEventListener('abort', abort, { once: true });
    const response = await this.http.stream(path, {
      query: {
        watch: 'true',
        resourceVersion: opts.resourceVersion,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined,
        timeoutSeconds: opts.timeoutSeconds,
      },
      signal: ac.signal,
    });
    const close = () => {
      opts.signal?.removeEventListener('abort', abort);
      ac.abort();
      response.destroy();
    };
    return { events: readWatchEvents<T>(response, onData), response, close };
  }

  close(): void {
    this.http.close();
  }
}
