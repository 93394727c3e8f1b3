/**
 * An informer: a local cache of one kind kept current by list, then watch.
 *
 * What makes it trustworthy where the usual TypeScript informers are not:
 *  - the watch asks for bookmarks and resumes from the last resourceVersion it saw, so a
 *    stream the server ends or drops is picked up again without missing an event;
 *  - a 410 Gone (history compacted) leads to a fresh list, diffed against the cache so
 *    handlers still see every add, update and delete;
 *  - a stream that stays silent longer than the stall timeout (bookmarks arrive about once
 *    a minute on a healthy one) is closed and reopened;
 *  - every stream asks the server to end it after a few minutes, as client-go does, so no
 *    connection lives forever behind a proxy;
 *  - failures back off (1 s doubling to 30 s) and never end the loop.
 */
import type { KubeClient, ResourceRef, WatchStream } from '../kube/client.js';
import { isGone, ApiError } from '../kube/errors.js';
import { newerResourceVersion, objectKey, type KubeObject } from '../kube/types.js';
import type { WatchEvent } from '../kube/watch.js';
import type { Logger } from './logger.js';

export interface InformerHandlers<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export interface InformerOptions {
  resource: ResourceRef;
  labelSelector?: string;
  /** Items per list page (0 = no paging). */
  pageSize?: number;
  /** Seconds the server is asked to keep one watch open; random 300–600 by default. */
  watchTimeoutSeconds?: () => number;
  /** Reopen a stream that sent nothing (not even a bookmark) for this long. */
  stallTimeoutMs?: number;
  /** Backoff between failed attempts. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  log?: Logger;
}

export interface InformerStats {
  lists: number;
  watches: number;
  /** Streams that ended (server timeout, dropped connection). */
  streamEnds: number;
  /** Streams closed because they went silent. */
  stalls: number;
  /** 410 Gone answers that forced a relist. */
  expired: number;
  errors: number;
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly store = new Map<string, T>();
  /** Objects this process wrote that are newer than what the watch has delivered so far. */
  private readonly written = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private resourceVersion: string | undefined;
  private stopped = false;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private current: { close(): void } | undefined;
  private loop: Promise<void> | undefined;
  private sleepTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  readonly stats: InformerStats = { lists: 0, watches: 0, streamEnds: 0, stalls: 0, expired: 0, errors: 0 };

  constructor(
    private readonly client: KubeClient,
    readonly opts: InformerOptions,
  ) {}

  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
  }

  get(key: string): T | undefined {
    const w = this.written.get(key);
    const s = this.store.get(key);
    return w && (!s || newerResourceVersion(w.metadata.resourceVersion, s.metadata.resourceVersion)) ? w : s;
  }

  list(): T[] {
    return [...this.store.values()];
  }

  get size(): number {
    return this.store.size;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list has filled the cache. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((r) => this.syncWaiters.push(r));
  }

  /**
   * Write-through after our own writes: get() serves the object this process has just
   * written until the watch delivers it (or something newer). Handlers are not called, and
   * still see the watch's own old and new objects when the event arrives.
   */
  observe(obj: T): void {
    const key = objectKey(obj);
    const cur = this.get(key);
    if (cur && newerResourceVersion(obj.metadata.resourceVersion, cur.metadata.resourceVersion)) this.written.set(key, obj);
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.close();
    if (this.sleepTimer) {
      clearTimeout(this.sleepTimer.timer);
      this.sleepTimer.resolve();
    }
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleepTimer = undefined;
        resolve();
      }, ms);
      this.sleepTimer = { timer, resolve };
    });
  }

  private what(): string {
    const r = this.opts.resource;
    return `${r.kind}${r.namespace ? ` in ${r.namespace}` : ''}`;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) this.resourceVersion = await this.relist();
        const started = Date.now();
        const events = await this.watchOnce();
        // A stream that ends at once with nothing in it, again and again, must not spin.
        if (events === 0 && Date.now() - started < 1000) await this.sleep(Math.min(200 * 2 ** Math.min(failures++, 5), 5000));
        else failures = 0;
      } catch (e) {
        if (this.stopped) break;
        if (isGone(e)) {
          this.stats.expired++;
          this.opts.log?.debug({ kind: this.opts.resource.kind }, `watch of ${this.what()} expired; listing again`);
          this.resourceVersion = undefined;
          continue;
        }
        this.stats.errors++;
        const delay = Math.min((this.opts.retryBaseMs ?? 1000) * 2 ** Math.min(failures++, 10), this.opts.retryMaxMs ?? 30_000);
        this.opts.log?.error({ error: (e as Error).message }, `watch of ${this.what()} failed; retrying in ${delay}ms`);
        await this.sleep(delay);
      }
    }
  }

  /** Lists everything (paged), replaces the cache and tells handlers what changed. */
  private async relist(): Promise<string> {
    this.stats.lists++;
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list<T>(this.opts.resource, { labelSelector: this.opts.labelSelector, limit: this.opts.pageSize ?? 500, continue: cont });
      for (const item of page.items) fresh.set(objectKey(item), item);
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont && !this.stopped);
    const old = new Map(this.store);
    this.store.clear();
    this.written.clear();
    for (const [k, v] of fresh) this.store.set(k, v);
    for (const [k, v] of fresh) {
      const prev = old.get(k);
      if (!prev) this.emit('add', v);
      else if (prev.metadata.resourceVersion !== v.metadata.resourceVersion) this.emit('update', v, prev);
    }
    for (const [k, v] of old) if (!fresh.has(k)) this.emit('delete', v);
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    return rv;
  }

  private emit(type: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        if (type === 'add') h.add?.(obj);
        else if (type === 'update') h.update?.(old!, obj);
        else h.delete?.(obj);
      } catch (e) {
        this.opts.log?.error({ error: (e as Error).message }, 'informer handler failed');
      }
    }
  }

  private apply(ev: WatchEvent<T>): void {
    const obj = ev.object;
    if (obj.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (ev.type === 'BOOKMARK') return;
    obj.apiVersion ??= this.opts.resource.apiVersion;
    obj.kind ??= this.opts.resource.kind;
    const key = objectKey(obj);
    const prev = this.store.get(key);
    const w = this.written.get(key);
    if (w && (ev.type === 'DELETED' || !newerResourceVersion(w.metadata.resourceVersion, obj.metadata.resourceVersion))) this.written.delete(key);
    if (ev.type === 'DELETED') {
      this.store.delete(key);
      this.emit('delete', obj);
    } else if (!prev) {
      this.store.set(key, obj);
      this.emit('add', obj);
    } else {
      this.store.set(key, obj);
      this.emit('update', obj, prev);
    }
  }

  /** One watch stream, from the current resourceVersion until it ends, stalls or fails. */
  private async watchOnce(): Promise<number> {
    this.stats.watches++;
    let events = 0;
    const stallMs = this.opts.stallTimeoutMs ?? 180_000;
    let stallTimer: NodeJS.Timeout | undefined;
    let stalled = false;
    let stream: WatchStream<T> | undefined;
    const ac = new AbortController();
    this.current = { close: () => ac.abort() };
    const arm = () => {
      if (stallTimer) clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        stalled = true;
        this.stats.stalls++;
        this.opts.log?.debug({ kind: this.opts.resource.kind }, `watch of ${this.what()} went silent for ${stallMs}ms; reopening`);
        ac.abort();
      }, stallMs);
    };
    arm();
    try {
      const timeoutSeconds = this.opts.watchTimeoutSeconds?.() ?? 300 + Math.floor(Math.random() * 300);
      stream = await this.client.watch<T>(
        this.opts.resource,
        { resourceVersion: this.resourceVersion, labelSelector: this.opts.labelSelector, allowWatchBookmarks: true, timeoutSeconds, signal: ac.signal },
        arm,
      );
      for await (const ev of stream.events) {
        if (ev.type === 'ERROR') {
          const status = ev.object as unknown as { code?: number; reason?: string; message?: string };
          throw new ApiError(status.code ?? 500, status.reason ?? 'InternalError', status.message ?? 'watch error');
        }
        this.apply(ev);
        events++;
      }
      this.stats.streamEnds++;
      return events;
    } catch (e) {
      // A stream closed by us (stall, stop) or dropped by the server: resume from the last version.
      if (stalled || this.stopped || isStreamClosed(e)) {
        if (!stalled && !this.stopped) this.stats.streamEnds++;
        return events;
      }
      throw e;
    } finally {
      if (stallTimer) clearTimeout(stallTimer);
      stream?.close();
      this.current = undefined;
    }
  }
}

function isStreamClosed(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  const name = (e as Error)?.name;
  return name === 'AbortError' || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR' || /aborted|socket hang up/i.test((e as Error)?.message ?? '');
}
