/**
 * A controller: informer events become keys in a work queue; `concurrency` workers take
 * keys, read the object from the cache (level-based: the event itself is never passed on)
 * and call the reconciler; its Result decides what happens next — nothing, a requeue after
 * the (jittered) interval, an immediate requeue with backoff, or a retry with per-key
 * exponential backoff. Every reconcile is timed (gotk_reconcile_duration_seconds) and
 * logged with Flux's fields.
 */
import { randomUUID } from 'node:crypto';
import { objectKey, splitKey, type KubeObject } from '../kube/types.js';
import { defaultUpdatePredicate } from './annotations.js';
import { formatDuration, jitter } from './duration.js';
import type { Informer } from './informer.js';
import { objectFields, type Logger } from './logger.js';
import type { ControllerMetrics } from './metrics.js';
import { WorkQueue, type BackoffOptions } from './queue.js';
import type { Result } from './result.js';

export interface ReconcileContext {
  log: Logger;
  reconcileID: string;
  /** Aborted when the controller stops. */
  signal: AbortSignal;
}

export interface ControllerOptions<T extends KubeObject> {
  /** Lower-case kind, as Flux names its controllers (gitrepository). */
  name: string;
  group: string;
  kind: string;
  informer: Informer<T>;
  reconcile(obj: T, ctx: ReconcileContext): Promise<Result>;
  concurrency?: number;
  backoff?: BackoffOptions;
  /** ± percentage applied to interval requeues. */
  jitterPercent?: number;
  metrics?: ControllerMetrics;
  log: Logger;
  /** Which updates enqueue; Flux's default is generation, requestedAt or deletion changes. */
  updatePredicate?(oldObj: T, newObj: T): boolean;
}

export interface ControllerStats {
  reconciles: number;
  errors: number;
  active: number;
  maxActive: number;
}

export class Controller<T extends KubeObject> {
  readonly queue: WorkQueue<string>;
  readonly stats: ControllerStats = { reconciles: 0, errors: 0, active: 0, maxActive: 0 };
  private workers: Promise<void>[] = [];
  private readonly abort = new AbortController();

  constructor(readonly opts: ControllerOptions<T>) {
    const m = opts.metrics;
    this.queue = new WorkQueue<string>(opts.backoff, {
      added: () => m?.queueAdds.inc({ name: opts.name }),
      depth: (n) => m?.queueDepth.set({ name: opts.name }, n),
      retried: () => m?.queueRetries.inc({ name: opts.name }),
      waited: (ms) => m?.queueDuration.observe({ name: opts.name }, ms / 1000),
    });
    const predicate = opts.updatePredicate ?? defaultUpdatePredicate;
    opts.informer.addHandlers({
      add: (obj) => this.queue.add(objectKey(obj)),
      update: (oldObj, newObj) => {
        if (predicate(oldObj, newObj)) this.queue.add(objectKey(newObj));
      },
      // The reconciler finds the object gone and forgets it.
      delete: (obj) => this.queue.add(objectKey(obj)),
    });
  }

  /** Starts the workers once the informer's cache is filled. */
  async start(): Promise<void> {
    const n = Math.max(1, this.opts.concurrency ?? 1);
    this.opts.metrics?.maxConcurrent.set({ controller: this.opts.name }, n);
    this.opts.informer.start();
    await this.opts.informer.waitForSync();
    for (let i = 0; i < n; i++) this.workers.push(this.work());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  /** Queues a key now (used by watches on related objects). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async process(key: string): Promise<void> {
    const { name: controller, group, kind } = this.opts;
    const cached = this.opts.informer.get(key);
    if (!cached) {
      this.queue.forget(key);
      const { namespace, name } = splitKey(key);
      this.opts.metrics?.forgetObject(kind, namespace ?? '', name);
      return;
    }
    const obj = structuredClone(cached);
    const reconcileID = randomUUID();
    const log = this.opts.log.child(objectFields(controller, group, kind, obj.metadata.namespace, obj.metadata.name, reconcileID));
    const m = this.opts.metrics;
    this.stats.active++;
    this.stats.maxActive = Math.max(this.stats.maxActive, this.stats.active);
    m?.activeWorkers.inc({ controller });
    const t0 = performance.now();
    let result: Result;
    try {
      result = await this.opts.reconcile(obj, { log, reconcileID, signal: this.abort.signal });
    } catch (e) {
      // A throwing reconciler is a bug or an unexpected failure: retry it like an error.
      result = { type: 'error', error: e instanceof Error ? e : new Error(String(e)), terminal: false };
    } finally {
      this.stats.active--;
      m?.activeWorkers.dec({ controller });
    }
    const elapsedMs = performance.now() - t0;
    this.stats.reconciles++;
    m?.recordDuration(kind, obj.metadata.namespace ?? '', obj.metadata.name, elapsedMs / 1000);
    m?.reconcileTime.observe({ controller }, elapsedMs / 1000);
    const took = formatDuration(Math.round(elapsedMs));
    if (this.queue.isShuttingDown()) return;
    switch (result.type) {
      case 'done':
        this.queue.forget(key);
        m?.reconcileTotal.inc({ controller, result: 'success' });
        log.info(`Reconciliation finished in ${took}`);
        break;
      case 'requeueAfter': {
        this.queue.forget(key);
        const after = result.jitter ? jitter(result.afterMs, this.opts.jitterPercent ?? 5) : result.afterMs;
        this.queue.addAfter(key, after);
        m?.reconcileTotal.inc({ controller, result: 'requeue_after' });
        log.info(`Reconciliation finished in ${took}, next run in ${formatDuration(result.afterMs)}`);
        break;
      }
      case 'requeue': {
        const after = this.queue.addRateLimited(key);
        m?.reconcileTotal.inc({ controller, result: 'requeue' });
        log.debug(`Reconciliation requeued after ${took}, next run in ${formatDuration(after)}`);
        break;
      }
      case 'error':
        this.stats.errors++;
        m?.reconcileErrors.inc({ controller });
        if (result.terminal) {
          this.queue.forget(key);
          m?.terminalErrors.inc({ controller });
          m?.reconcileTotal.inc({ controller, result: 'error' });
          log.error({ error: result.error.message }, `Reconciliation stalled after ${took}`);
        } else {
          const after = this.queue.addRateLimited(key);
          m?.reconcileTotal.inc({ controller, result: 'error' });
          log.error({ error: result.error.message }, `Reconciliation failed after ${took}, next try in ${formatDuration(after)}`);
        }
        break;
    }
  }
}
