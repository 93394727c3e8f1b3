/**
 * Prometheus metrics: Flux's gotk_reconcile_duration_seconds, controller-runtime's
 * controller_runtime_* and the workqueue_* families, on a registry of their own.
 */
import { Counter, Gauge, Histogram, Registry, exponentialBuckets } from 'prom-client';

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly reconcileDuration: Histogram<'kind' | 'name' | 'namespace'>;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly terminalErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly maxConcurrent: Gauge<'controller'>;
  readonly queueDepth: Gauge<'name'>;
  readonly queueAdds: Counter<'name'>;
  readonly queueRetries: Counter<'name'>;
  readonly queueDuration: Histogram<'name'>;

  constructor() {
    const registers = [this.registry];
    this.reconcileDuration = new Histogram({
      name: 'gotk_reconcile_duration_seconds',
      help: 'The duration in seconds of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace'],
      buckets: exponentialBuckets(0.01, 10, 10),
      registers,
    });
    this.reconcileTotal = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', labelNames: ['controller', 'result'], registers });
    this.reconcileErrors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', labelNames: ['controller'], registers });
    this.terminalErrors = new Counter({ name: 'controller_runtime_terminal_reconcile_errors_total', help: 'Total number of terminal reconciliation errors per controller', labelNames: ['controller'], registers });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60],
      registers,
    });
    this.activeWorkers = new Gauge({ name: 'controller_runtime_active_workers', help: 'Number of currently used workers per controller', labelNames: ['controller'], registers });
    this.maxConcurrent = new Gauge({ name: 'controller_runtime_max_concurrent_reconciles', help: 'Maximum number of concurrent reconciles per controller', labelNames: ['controller'], registers });
    this.queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers });
    this.queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
    this.queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });
    this.queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name'],
      buckets: exponentialBuckets(1e-8, 10, 11),
      registers,
    });
  }

  /** Flux records this for every reconcile, whatever the outcome. */
  recordDuration(kind: string, namespace: string, name: string, seconds: number): void {
    this.reconcileDuration.observe({ kind, name, namespace }, seconds);
  }

  /** Drops the per-object series of an object that is gone. */
  forgetObject(kind: string, namespace: string, name: string): void {
    this.reconcileDuration.remove({ kind, name, namespace });
  }
}
