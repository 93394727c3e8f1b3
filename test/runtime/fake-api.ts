/**
 * A tiny fake API server for runtime tests: one kind (ConfigMap in default), list and watch
 * with history, and switches to misbehave — drop streams, compact history (410), go silent.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { KubeConnection } from '../../src/kube/config.js';
import type { KubeObject } from '../../src/kube/types.js';

export type Mode = 'normal' | 'drop-after-one' | 'silent';

export class FakeApi {
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
    const generation = (this.objects.get(name)?.metadata.generation ?? 0) + 1;
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', resourceVersion: String(this.rv), generation }, data };
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

export function connection(port: number): KubeConnection {
  return { server: `http://127.0.0.1:${port}`, namespace: 'default', contextName: 'fake', auth: async () => ({ headers: {}, tls: {} }), invalidate: () => {} };
}

export async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

