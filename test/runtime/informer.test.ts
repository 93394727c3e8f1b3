/**
 * The informer against a tiny fake API server that misbehaves on purpose: it drops watch
 * streams, answers 410 Gone after compacting its history, and holds streams open without
 * a byte. Every change must still reach the handlers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { KubeClient } from '../../src/kube/client.js';
import type { KubeConnection } from '../../src/kube/config.js';
import type { KubeObject } from '../../src/kube/types.js';
import { Informer } from '../../src/runtime/informer.js';

type Mode = 'normal' | 'drop-after-one' | 'silent';

class FakeApi {
  rv = 100;
  objects = new Map<string, KubeObject>();
  history: { rv: number; type: string; object: KubeObject }[] = [];
  /** Watches from below this resourceVersion get 410 Gone. */
  compactedBelow = 0;
  mode: Mode = 'normal';
  watchers = new Set<{ res: ServerResponse; from: number }>();
  watchRequests = 0;
  server!: Server;
  port = 0;

  change(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, data: Record<string, string> = {}): void {
    this.rv++;
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', resourceVersion: String(this.rv) }, data };
    if (type === 'DELETED') this.objects.delete(name);
    else this.objects.set(name, object);
    this.history.push({ rv: this.rv, type, object });
    for (const w of this.watchers) this.send(w, { type, object });
  }

  private send(w: { res: ServerResponse }, ev: unknown): void {
    if (this.mode === 'silent') return;
    w.res.write(`${JSON.stringify(ev)}\n`);
    if (this.mode === 'drop-after-one') {
      // The connection dies shortly after the event went out, without an orderly end.
      const socket = w.res.socket;
      this.watchers.delete(w as never);
      setTimeout(() => socket?.destroy(), 20);
    }
  }

  start(): Promise<void> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/api/v1') {
        res.end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['list', 'watch'] }] }));
        return;
      }
      if (u.pathname !== '/api/v1/namespaces/default/configmaps') {
        res.writeHead(404).end();
        return;
      }
      if (u.searchParams.get('watch') !== 'true') {
        res.end(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items: [...this.objects.values()] }));
        return;
      }
      this.watchRequests++;
      const from = Number(u.searchParams.get('resourceVersion') ?? '0');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (from < this.compactedBelow) {
        res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: `too old resource version: ${from}` } })}\n`);
        return;
      }
      const w = { res, from };
      this.watchers.add(w);
      res.on('close', () => this.watchers.delete(w));
      for (const h of this.history) if (h.rv > from && this.watchers.has(w)) this.send(w, { type: h.type, object: h.object });
    });
    return new Promise((r) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as { port: number }).port;
        r();
      }),
    );
  }

  stop(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function connection(port: number): KubeConnection {
  return { server: `http://127.0.0.1:${port}`, namespace: 'default', contextName: 'fake', auth: async () => ({ headers: {}, tls: {} }), invalidate: () => {} };
}

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let api: FakeApi;
before(async () => {
  api = new FakeApi();
  await api.start();
});
after(() => api.stop());

function startInformer(stallTimeoutMs = 60_000) {
  const seen: string[] = [];
  const inf = new Informer(new KubeClient(connection(api.port)), { resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, stallTimeoutMs, retryBaseMs: 20 });
  inf.addHandlers({
    add: (o) => seen.push(`add ${o.metadata.name}`),
    update: (_old, o) => seen.push(`update ${o.metadata.name} ${(o.data as Record<string, string>).v ?? ''}`),
    delete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  inf.start();
  return { inf, seen };
}

test('lists, then follows the watch', async () => {
  api.mode = 'normal';
  api.change('ADDED', 'a');
  const { inf, seen } = startInformer();
  await inf.waitForSync();
  api.change('MODIFIED', 'a', { v: '1' });
  api.change('ADDED', 'b');
  await until('events', () => seen.length === 3);
  assert.deepEqual(seen, ['add a', 'update a 1', 'add b']);
  await inf.stop();
});

test('streams dropped by the server are resumed without missed updates', async () => {
  api.mode = 'normal';
  const { inf, seen } = startInformer();
  await inf.waitForSync();
  const listed = seen.length;
  api.mode = 'drop-after-one';
  for (let i = 1; i <= 5; i++) api.change('MODIFIED', 'a', { v: `d${i}` });
  api.change('DELETED', 'b');
  await until('all changes', () => seen.length === listed + 6, 15_000);
  assert.deepEqual(seen.slice(listed), ['update a d1', 'update a d2', 'update a d3', 'update a d4', 'update a d5', 'delete b']);
  assert.ok(inf.stats.streamEnds >= 2, `stream ends: ${inf.stats.streamEnds}`);
  assert.equal(inf.stats.lists, 1, 'resumed from the last resourceVersion, no relist');
  api.mode = 'normal';
  await inf.stop();
});

test('410 Gone leads to a relist whose differences reach the handlers', async () => {
  api.mode = 'normal';
  const { inf, seen } = startInformer();
  await inf.waitForSync();
  const listed = seen.length;
  // Changes happen while the informer is disconnected and the history is compacted.
  api.mode = 'silent';
  api.change('ADDED', 'c');
  api.change('MODIFIED', 'a', { v: 'after-gap' });
  api.change('DELETED', 'c');
  api.change('ADDED', 'e');
  api.compactedBelow = api.rv;
  api.mode = 'normal';
  for (const w of api.watchers) w.res.socket?.destroy();
  await until('relist', () => inf.stats.expired >= 1 && seen.length >= listed + 2, 15_000);
  assert.deepEqual(seen.slice(listed).sort(), ['add e', 'update a after-gap']);
  assert.equal(inf.stats.lists, 2);
  api.compactedBelow = 0;
  await inf.stop();
});

test('a silent stream is detected and reopened', async () => {
  api.mode = 'normal';
  const { inf, seen } = startInformer(300);
  await inf.waitForSync();
  const listed = seen.length;
  api.mode = 'silent';
  api.change('MODIFIED', 'a', { v: 'while-silent' });
  await new Promise((r) => setTimeout(r, 100));
  api.mode = 'normal';
  await until('stall detection', () => seen.length === listed + 1, 10_000);
  assert.deepEqual(seen.slice(listed), ['update a while-silent']);
  assert.ok(inf.stats.stalls >= 1);
  await inf.stop();
});
