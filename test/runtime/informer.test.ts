/**
 * The informer against a tiny fake API server that misbehaves on purpose: it drops watch
 * streams, answers 410 Gone after compacting its history, and holds streams open without
 * a byte. Every change must still reach the handlers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../src/kube/client.js';
import { Informer } from '../../src/runtime/informer.js';
import { connection, FakeApi, until } from './fake-api.js';

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
