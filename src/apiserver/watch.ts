/**
 * Watch streams: newline-separated JSON events (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR)
 * starting from a resourceVersion (or from the current state, sent as ADDED), with
 * periodic bookmarks, `sendInitialEvents`, and 410 Expired when the requested version is
 * older than the kept history. Selector changes turn into ADDED/DELETED as the API
 * server's watch cache does.
 *
 * Under load: every store change reaches every watcher synchronously and in order, so a
 * watcher misses nothing while it keeps up; the converted object and its JSON line are made
 * once per change and version and shared by all watchers of that version. What a watcher
 * has not yet read is buffered up to a bound; a consumer that falls further behind is
 * closed (its stream ends, as kube-apiserver closes an unresponsive watcher) and resumes
 * from the last resourceVersion it saw, while the server and the other watchers go on.
 */
import type { ServerResponse } from 'node:http';
import type { ValueMap } from '../yaml/types.js';
import { gone, StatusError } from './errors.js';
import { fromStorage } from './convert.js';
import { apiVersionOf, type ResourceType } from './registry.js';
import type { Store, StoreEvent } from './store.js';
import { toJson } from './json.js';

export interface WatchRequest {
  type: ResourceType;
  /** '' watches every namespace. */
  namespace: string;
  match: (obj: ValueMap) => boolean;
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds: number;
  bookmarkIntervalMs: number;
  /** Bytes a watcher may have unread before it is closed as too slow. */
  bufferBytes: number;
  /** Renders the object of an event as a Table row; plain objects when absent (and shared between watchers). */
  render?: (obj: ValueMap, type: string) => ValueMap;
}

/** How long a closed slow watcher may take to drain before its connection is cut. */
const DRAIN_MS = 10_000;

/** Changes a watcher may have waiting while its initial events are still being read. */
const MAX_BACKLOG = 20_000;

/**
 * Per change: the object (and the one before) as each version sees it, and the event lines
 * made from them. A change reaches every live watcher in one go, so only the latest change
 * is kept (replays from the history make their own).
 */
interface EventViews {
  objects: Map<ResourceType, { now: ValueMap; prev: ValueMap | undefined }>;
  lines: Map<string, string>;
}
let latest: { event: StoreEvent; views: EventViews } | undefined;

function viewsOf(e: StoreEvent): EventViews {
  if (latest?.event !== e) latest = { event: e, views: { objects: new Map(), lines: new Map() } };
  return latest.views;
}

function objectsFor(t: ResourceType, e: StoreEvent): { now: ValueMap; prev: ValueMap | undefined } {
  const v = viewsOf(e);
  let o = v.objects.get(t);
  if (!o) v.objects.set(t, (o = { now: fromStorage(t, e.object), prev: e.prev ? fromStorage(t, e.prev) : undefined }));
  return o;
}

/** Counters a cluster can report (tests and the bench read them). */
export const watchStats = { closedSlow: 0 };

export function startWatch(store: Store, res: ServerResponse, req: WatchRequest, onClose: (stop: () => void) => void): void {
  const t = req.type;
  const inScope = (e: { storage: string; namespace: string }) => e.storage === t.storage && (req.namespace === '' || !t.namespaced || e.namespace === req.namespace);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  // Clients return from Watch() once headers arrive; do not hold them until the first event.
  res.flushHeaders();
  let closed = false;
  let lastRv = 0;
  /** False while the initial events are written; changes meanwhile wait in the backlog. */
  let streaming = false;
  const backlog: StoreEvent[] = [];
  const line = (type: string, obj: ValueMap): string => `${toJson({ type, object: obj })}\n`;
  const write = (text: string) => {
    if (closed) return;
    res.write(text);
    // Initial events wait for the client instead (see drained()).
    if (streaming && res.writableLength > req.bufferBytes) {
      watchStats.closedSlow++;
      stop();
      // What is buffered still goes out; a consumer that never reads is cut off.
      const cut = setTimeout(() => res.destroy(), DRAIN_MS);
      cut.unref();
      res.once('finish', () => clearTimeout(cut));
      res.once('close', () => clearTimeout(cut));
    }
  };
  const send = (type: string, obj: ValueMap) => write(line(type, req.render ? req.render(obj, type) : obj));
  const bookmark = (extra?: ValueMap) => {
    // While streaming, every change up to now has been sent; before that, only up to lastRv.
    const meta: ValueMap = { resourceVersion: String(streaming ? Math.max(lastRv, store.currentRv()) : lastRv) };
    if (extra) meta.annotations = extra;
    write(line('BOOKMARK', { kind: t.kind, apiVersion: apiVersionOf(t), metadata: meta }));
  };
  /** The event line for a change, shared with every other plain watcher of this version. */
  const sendShared = (e: StoreEvent, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: ValueMap) => {
    if (req.render) {
      send(type, obj);
      return;
    }
    const lines = viewsOf(e).lines;
    const key = `${apiVersionOf(t)}|${t.kind}|${type}`;
    let text = lines.get(key);
    if (text === undefined) lines.set(key, (text = line(type, obj)));
    write(text);
  };
  const deliver = (e: StoreEvent) => {
    if (!inScope(e)) return;
    lastRv = e.rv;
    const { now, prev } = objectsFor(t, e);
    const nowMatches = e.type !== 'DELETED' && req.match(now);
    const prevMatches = prev !== undefined && req.match(prev);
    if (e.type === 'ADDED') {
      if (nowMatches) sendShared(e, 'ADDED', now);
    } else if (e.type === 'MODIFIED') {
      if (nowMatches && prevMatches) sendShared(e, 'MODIFIED', now);
      else if (nowMatches) sendShared(e, 'ADDED', now);
      else if (prevMatches) sendShared(e, 'DELETED', now);
    } else if (req.match(now)) {
      sendShared(e, 'DELETED', now);
    }
  };
  const unsubscribe = store.subscribe((e) => {
    if (streaming) deliver(e);
    else if (inScope(e)) {
      backlog.push(e);
      // A client that cannot even take in its initial events is as slow as one that falls behind.
      if (backlog.length > MAX_BACKLOG) {
        watchStats.closedSlow++;
        stop();
      }
    }
  });
  const timer = setInterval(() => {
    if (req.allowBookmarks && streaming) bookmark();
  }, req.bookmarkIntervalMs);
  const deadline = setTimeout(() => stop(), req.timeoutSeconds * 1000);
  function stop(): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(timer);
    clearTimeout(deadline);
    res.end();
  }
  onClose(stop);

  /** Waits until what is buffered for the client drains below the bound (initial events are never dropped). */
  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      if (closed || res.writableLength <= req.bufferBytes) return resolve();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });

  const rvText = req.resourceVersion;
  const fromNow = rvText === undefined || rvText === '' || rvText === '0';
  if (!fromNow && !req.sendInitialEvents) {
    const rv = Number(rvText);
    if (!Number.isInteger(rv) || rv < 0) {
      write(line('ERROR', new StatusError(400, 'BadRequest', `invalid resource version: ${rvText}`).toStatus() as ValueMap));
      stop();
      return;
    }
    if (store.since(rv) === undefined) {
      write(line('ERROR', gone(`too old resource version: ${rv} (${store.oldestRv()})`).toStatus() as ValueMap));
      stop();
      return;
    }
  }
  // History replay stops where the backlog starts (it holds every later change), so nothing is sent twice.
  const snapshotLimit = store.currentRv();
  // The initial part (the current objects, or the changes since the requested version) is
  // written at the pace the client reads it; changes meanwhile wait in the backlog.
  const initial = async (): Promise<void> => {
    if (fromNow || req.sendInitialEvents) {
      const snapshotRv = store.currentRv();
      const objects = store.list(t.storage, t.namespaced && req.namespace !== '' ? req.namespace : undefined);
      lastRv = snapshotRv;
      for (const o of objects) {
        if (closed) return;
        const obj = fromStorage(t, o);
        if (req.match(obj)) {
          send('ADDED', obj);
          await drained();
        }
      }
      if (req.sendInitialEvents && req.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      const rv = Number(rvText);
      lastRv = rv;
      for (const e of store.since(rv) ?? []) {
        if (closed) return;
        if (e.rv > snapshotLimit) break;
        deliver(e);
        await drained();
      }
    }
    // Changes that arrived meanwhile, still at the client's pace.
    for (let i = 0; !closed && i < backlog.length; i++) {
      const e = backlog[i]!;
      if (e.rv > lastRv) deliver(e);
      await drained();
    }
    backlog.length = 0;
    streaming = true;
  };
  initial().catch(() => stop());
}
