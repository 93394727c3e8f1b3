/**
 * The controller's contract, against the fake API server: level-based keys, one worker per
 * key, results turned into requeues (interval, backoff, terminal), logs with Flux's fields.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../src/kube/client.js';
import { Controller } from '../../src/runtime/controller.js';
import { Informer } from '../../src/runtime/informer.js';
import { createLogger } from '../../src/runtime/logger.js';
import { ControllerMetrics } from '../../src/runtime/metrics.js';
import { requeueInterval, retryableError, terminalError, done, type Result } from '../../src/runtime/result.js';
import { connection, FakeApi, until } from './fake-api.js';

let api: FakeApi;
before(async () => {
  api = new FakeApi();
  await api.start();
});
after(() => api.stop());

function setup(reconcile: (name: string) => Promise<Result>, concurrency = 3) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  const informer = new Informer(new KubeClient(connection(api.port)), { resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' } });
  const metrics = new ControllerMetrics();
  const controller = new Controller({
    name: 'configmap',
    group: '',
    kind: 'ConfigMap',
    informer,
    concurrency,
    backoff: { baseMs: 40, maxMs: 160 },
    metrics,
    log,
    reconcile: (obj) => reconcile(obj.metadata.name),
  });
  return { controller, informer, lines, metrics, stop: async () => (await controller.stop(), await informer.stop()) };
}

test('a failing key backs off exponentially; success resets it and requeues after the interval', async () => {
  api.change('ADDED', 'flaky');
  const at: number[] = [];
  const { controller, lines, stop } = setup(async (name) => {
    if (name !== 'flaky') return done();
    at.push(Date.now());
    if (at.length <= 4) return retryableError(new Error(`attempt ${at.length} failed`));
    if (at.length === 5) return requeueInterval(100);
    return done();
  });
  await controller.start();
  await until('six attempts', () => at.length >= 6, 10_000);
  await stop();
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  // 40, 80, 160, 160 (capped) ms of backoff, then the 100 ms interval ±5%.
  for (const [gap, want] of gaps.map((g, i) => [g, [40, 80, 160, 160, 100][i]!])) assert.ok(gap >= want! * 0.9 && gap < want! + 150, `gaps ${gaps}`);
  const failed = lines.find((l) => l.msg === 'Reconciliation failed after 0s, next try in 40ms' || String(l.msg).startsWith('Reconciliation failed after'));
  assert.equal(failed?.level, 'error');
  assert.equal(failed?.error, 'attempt 1 failed');
  assert.deepEqual(failed?.ConfigMap, { name: 'flaky', namespace: 'default' });
  assert.match(String(lines.find((l) => String(l.msg).includes('next run in'))?.msg), /^Reconciliation finished in \S+, next run in 100ms$/);
});

test('a key is never reconciled by two workers at once; others run in parallel', async () => {
  for (let i = 0; i < 6; i++) api.change('ADDED', `par-${i}`);
  let active = 0;
  let peak = 0;
  const perKey = new Map<string, number>();
  let overlap = false;
  let calls = 0;
  const { controller, stop } = setup(async (name) => {
    calls++;
    active++;
    peak = Math.max(peak, active);
    perKey.set(name, (perKey.get(name) ?? 0) + 1);
    if (perKey.get(name)! > 1) overlap = true;
    // Changes to the object while it is being reconciled queue it once more, not twice.
    if (name === 'par-0' && calls < 20) for (let i = 0; i < 5; i++) api.change('MODIFIED', 'par-0', { v: String(Math.random()) });
    await new Promise((r) => setTimeout(r, 30));
    perKey.set(name, perKey.get(name)! - 1);
    active--;
    return done();
  }, 3);
  await controller.start();
  await until('all done', () => controller.stats.reconciles >= 8 && active === 0 && controller.queue.length === 0, 10_000);
  await stop();
  assert.equal(overlap, false);
  assert.equal(peak, 3);
});

test('terminal errors are not retried', async () => {
  api.change('ADDED', 'stalled');
  let attempts = 0;
  const { controller, metrics, stop } = setup(async (name) => {
    if (name !== 'stalled') return done();
    attempts++;
    return terminalError(new Error('spec is invalid'));
  });
  await controller.start();
  await until('first attempt', () => attempts === 1);
  await new Promise((r) => setTimeout(r, 300));
  await stop();
  assert.equal(attempts, 1);
  assert.match(await metrics.registry.metrics(), /controller_runtime_terminal_reconcile_errors_total\{controller="configmap"\} 1/);
});
