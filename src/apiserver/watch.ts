/**
 * Watch streams: newline-separated JSON events (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR)
 * starting from a resourceVersion (or from the current state, sent as ADDED), with
 * periodic bookmarks, `sendInitialEvents`, and 410 Expired when the requested version is
 * older than the kept history. Selector changes turn into ADDED/DELETED as the API
 * server's watch cache does.
 */
import type { ServerResponse } from 'node:http';
import type { ValueMap } from '../yaml/types.js';
import { gone, StatusError } from './errors.js';
import { fromStorage } from './convert.js';
import { apiVersionOf, type ResourceType } from './registry.js';
import type { Store, StoreEvent } from './store.js';

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
  /** Renders the object of an event (plain, or as a Table row). */
  render: (obj: ValueMap, type: string) => ValueMap;
}

export function startWatch(store: Store, res: ServerResponse, req: WatchRequest, onClose: (stop: () => void) => void): void {
  const t = req.type;
  const inScope = (e: { storage: string; namespace: string }) => e.storage === t.storage && (req.namespace === '' || !t.namespaced || e.namespace === req.namespace);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  // Clients return from Watch() once headers arrive; do not hold them until the first event.
  res.flushHeaders();
  let closed = false;
  let lastRv = 0;
  const send = (type: string, obj: ValueMap) => {
    if (closed) return;
    res.write(`${JSON.stringify({ type, object: type === 'BOOKMARK' || type === 'ERROR' ? obj : req.render(obj, type) })}\n`);
  };
  const bookmark = (extra?: ValueMap) => {
    const meta: ValueMap = { resourceVersion: String(Math.max(lastRv, store.currentRv())) };
    if (extra) meta.annotations = extra;
    send('BOOKMARK', { kind: t.kind, apiVersion: apiVersionOf(t), metadata: meta });
  };
  const deliver = (e: StoreEvent) => {
    if (!inScope(e)) return;
    lastRv = e.rv;
    const now = fromStorage(t, e.object);
    const nowMatches = e.type !== 'DELETED' && req.match(now);
    const prev = e.prev ? fromStorage(t, e.prev) : undefined;
    const prevMatches = prev !== undefined && req.match(prev);
    if (e.type === 'ADDED') {
      if (nowMatches) send('ADDED', now);
    } else if (e.type === 'MODIFIED') {
      if (nowMatches && prevMatches) send('MODIFIED', now);
      else if (nowMatches) send('ADDED', now);
      else if (prevMatches) send('DELETED', now);
    } else if (req.match(now)) {
      send('DELETED', now);
    }
  };
  let backlog: StoreEvent[] = [];
  let streaming = false;
  const unsubscribe = store.subscribe((e) => {
    if (streaming) deliver(e);
    else backlog.push(e);
  });
  const stop = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(timer);
    clearTimeout(deadline);
    res.end();
  };
  const timer = setInterval(() => {
    if (req.allowBookmarks) bookmark();
  }, req.bookmarkIntervalMs);
  const deadline = setTimeout(stop, req.timeoutSeconds * 1000);
  onClose(stop);

  const rvText = req.resourceVersion;
  const fromNow = rvText === undefined || rvText === '' || rvText === '0';
  if (fromNow || req.sendInitialEvents) {
    const snapshotRv = store.currentRv();
    for (const o of store.list(t.storage, t.namespaced && req.namespace !== '' ? req.namespace : undefined)) {
      const obj = fromStorage(t, o);
      if (req.match(obj)) send('ADDED', obj);
    }
    lastRv = snapshotRv;
    if (req.sendInitialEvents && req.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const rv = Number(rvText);
    if (!Number.isInteger(rv) || rv < 0) {
      send('ERROR', new StatusError(400, 'BadRequest', `invalid resource version: ${rvText}`).toStatus() as ValueMap);
      stop();
      return;
    }
    const history = store.since(rv);
    if (history === undefined) {
      send('ERROR', gone(`too old resource version: ${rv} (${store.oldestRv()})`).toStatus() as ValueMap);
      stop();
      return;
    }
    lastRv = rv;
    for (const e of history) deliver(e);
  }
  // Events that arrived while the initial state was sent.
  for (const e of backlog) if (e.rv > lastRv) deliver(e);
  backlog = [];
  streaming = true;
}
