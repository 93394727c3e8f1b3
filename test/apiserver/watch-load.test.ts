/**
 * The watch cache under load: many watchers and bursts of concurrent writes, every event
 * reaching every watcher in order; bookmarks; a consumer too slow for its buffer is closed
 * (not the server) and resumes from the last resourceVersion it saw without a gap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { openWatch, poll, startCluster, uniqueName, type TestCluster, type WatchHandle } from './helpers.js';
import { watchStats } from '../../src/apiserver/watch.js';

interface Seen {
  type: string;
  name: string;
  rv: number;
}

/** What the store committed in a namespace's configmaps after `rv`: the truth every watcher must see. */
function committed(c: TestCluster, ns: string, rv: number, until: number): Seen[] {
  return (c.cluster.store.since(rv) ?? [])
    .filter((e) => e.storage === '/configmaps' && e.namespace === ns && e.rv <= until)
    .map((e) => ({ type: e.type, name: e.name, rv: e.rv }));
}

function seen(events: { type: string; object: { metadata: { name: string; resourceVersion: string } } }[]): Seen[] {
  return events.filter((e) => e.type !== 'BOOKMARK').map((e) => ({ type: e.type, name: e.object.metadata.name, rv: Number(e.object.metadata.resourceVersion) }));
}

async function namespace(c: TestCluster): Promise<{ name: string; rv: number }> {
  const name = uniqueName('wl');
  const r = await c.req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.equal(r.status, 201);
  return { name, rv: Number(r.json.metadata.resourceVersion) };
}

test('60 watchers and bursts of concurrent writes: every event reaches every watcher, in order, with bookmarks', { timeout: 120_000 }, async () => {
  const c = await startCluster({ bookmarkIntervalMs: 100, simulate: false });
  try {
    const { name: ns, rv: start } = await namespace(c);
    const watchers: WatchHandle[] = [];
    for (let i = 0; i < 50; i++) {
      watchers.push(await openWatch(c.cluster.port, c.caCert, c.token, `/api/v1/namespaces/${ns}/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${start}`));
    }
    // Watchers of every namespace that select by label see the labelled subset.
    const labelled: WatchHandle[] = [];
    for (let i = 0; i < 10; i++) {
      labelled.push(await openWatch(c.cluster.port, c.caCert, c.token, `/api/v1/configmaps?watch=true&allowWatchBookmarks=true&labelSelector=burst&resourceVersion=${start}`));
    }
    for (let burst = 0; burst < 5; burst++) {
      const names = Array.from({ length: 40 }, (_, i) => `b${burst}-${i}`);
      await Promise.all(names.map((n, i) => c.req('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, labels: i % 2 ? { burst: String(burst) } : {} }, data: { v: '0' } })));
      await Promise.all(names.slice(0, 20).map((n) => c.req('PATCH', `/api/v1/namespaces/${ns}/configmaps/${n}`, { data: { v: '1' } }, { 'Content-Type': 'application/merge-patch+json' })));
      await Promise.all(names.slice(10, 30).map((n) => c.req('DELETE', `/api/v1/namespaces/${ns}/configmaps/${n}`)));
    }
    const end = c.cluster.store.currentRv();
    const truth = committed(c, ns, start, end);
    assert.equal(truth.filter((e) => e.name.startsWith('b')).length, 5 * 80);
    for (const w of watchers) await w.until((ev) => seen(ev).length >= truth.length && ev.some((e) => e.type === 'BOOKMARK' && Number(e.object.metadata.resourceVersion) >= end), 30_000);
    for (const [i, w] of watchers.entries()) assert.deepEqual(seen(w.events), truth, `watcher ${i}`);
    // Labelled: ADDED for labelled creates; MODIFIED and DELETED of labelled ones.
    const labels = new Map<string, boolean>();
    for (const e of c.cluster.store.since(start) ?? []) if (e.storage === '/configmaps' && e.namespace === ns && e.type === 'ADDED') labels.set(e.name, 'burst' in ((e.object.metadata as { labels?: object }).labels ?? {}));
    const labelledTruth = truth.filter((e) => labels.get(e.name));
    for (const w of labelled) await w.until((ev) => seen(ev).length >= labelledTruth.length, 30_000);
    for (const w of labelled) assert.deepEqual(seen(w.events), labelledTruth);
    // Bookmarks never go back and never run ahead of the events sent.
    for (const w of watchers) {
      let last = 0;
      for (const e of w.events) {
        const rv = Number(e.object.metadata.resourceVersion);
        assert.ok(rv >= last, `resourceVersion went back from ${last} to ${rv}`);
        last = rv;
      }
    }
    for (const w of [...watchers, ...labelled]) w.close();
  } finally {
    await c.stop();
  }
});

test('initial events end with a bookmark when asked (sendInitialEvents)', async () => {
  const c = await startCluster({ simulate: false });
  try {
    const { name: ns } = await namespace(c);
    for (const n of ['a', 'b']) await c.req('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n } });
    const w = await openWatch(c.cluster.port, c.caCert, c.token, `/api/v1/namespaces/${ns}/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    const events = await w.until((ev) => ev.some((e) => e.type === 'BOOKMARK'));
    w.close();
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name ?? null]), [
      ['ADDED', 'a'],
      ['ADDED', 'b'],
      ['ADDED', 'kube-root-ca.crt'],
      ['BOOKMARK', null],
    ]);
    assert.deepEqual(events[3].object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
  } finally {
    await c.stop();
  }
});

/** A watch whose reader is paused until resumed: what a consumer too slow to keep up looks like. */
function slowWatch(c: TestCluster, path: string): Promise<{ resume: () => void; events: Seen[]; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: c.cluster.port, path, method: 'GET', ca: c.caCert, headers: { Authorization: `Bearer ${c.token}`, Accept: 'application/json' } }, (res) => {
      res.pause();
      const events: Seen[] = [];
      let buf = '';
      let done: () => void = () => undefined;
      const ended = new Promise<void>((d) => (done = d));
      res.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const e = JSON.parse(buf.slice(0, i));
          buf = buf.slice(i + 1);
          if (e.type !== 'BOOKMARK') events.push({ type: e.type, name: e.object.metadata.name, rv: Number(e.object.metadata.resourceVersion) });
        }
      });
      res.on('end', () => done());
      res.on('close', () => done());
      resolve({ resume: () => res.resume(), events, ended });
    });
    r.on('error', reject);
    r.end();
  });
}

test('a consumer too slow for its buffer is closed, the others go on, and it resumes from its last resourceVersion without a gap', { timeout: 120_000 }, async () => {
  const c = await startCluster({ simulate: false, watchBufferBytes: 1024 * 1024 });
  try {
    const { name: ns, rv: start } = await namespace(c);
    const path = `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${start}`;
    const fast = await openWatch(c.cluster.port, c.caCert, c.token, path);
    const slow = await slowWatch(c, path);
    const closedBefore = watchStats.closedSlow;
    // 300 objects of 64 KiB (19 MiB): far more than the socket buffers and the 1 MiB watch
    // buffer hold, written four at a time so that a reader that reads keeps within its buffer.
    const payload = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 300; i += 4) {
      await Promise.all(Array.from({ length: 4 }, (_, j) => c.req('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${String(i + j).padStart(3, '0')}` }, data: { payload } })));
    }
    const end = c.cluster.store.currentRv();
    const truth = committed(c, ns, start, end);
    assert.equal(watchStats.closedSlow, closedBefore + 1);
    // The server answers while the slow watcher is cut off, and the fast one saw everything.
    assert.equal((await c.req('GET', '/readyz')).status, 200);
    await fast.until((ev) => seen(ev).length >= truth.length, 30_000).catch((e) => { throw new Error(`${e.message}: fast saw ${seen(fast.events).length} of ${truth.length}`); });
    assert.deepEqual(seen(fast.events), truth);
    fast.close();
    // The slow one reads what was buffered for it, then its stream ends.
    slow.resume();
    await slow.ended;
    assert.ok(slow.events.length > 0 && slow.events.length < truth.length, `slow watcher got ${slow.events.length} of ${truth.length}`);
    assert.deepEqual(slow.events, truth.slice(0, slow.events.length));
    const last = slow.events[slow.events.length - 1]!.rv;
    const again = await openWatch(c.cluster.port, c.caCert, c.token, `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${last}`);
    await again.until((ev) => seen(ev).length >= truth.length - slow.events.length, 30_000);
    again.close();
    assert.deepEqual([...slow.events, ...seen(again.events)], truth);
  } finally {
    await c.stop();
  }
});

test('watch events of one change are encoded once for every watcher of the same version', async () => {
  const c = await startCluster({ simulate: false });
  try {
    const { name: ns, rv } = await namespace(c);
    const a = await openWatch(c.cluster.port, c.caCert, c.token, `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${rv}`);
    const b = await openWatch(c.cluster.port, c.caCert, c.token, `/api/v1/configmaps?watch=true&resourceVersion=${rv}`);
    await c.req('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data: { k: 'v' } });
    await poll('both saw it', () => a.events.some((e) => e.object.metadata.name === 'shared') && b.events.some((e) => e.object.metadata.name === 'shared'));
    const pick = (w: WatchHandle) => JSON.stringify(w.events.find((e) => e.object.metadata.name === 'shared'));
    assert.equal(pick(a), pick(b));
    a.close();
    b.close();
  } finally {
    await c.stop();
  }
});
