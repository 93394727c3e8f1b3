/**
 * The controller runtime: informers, the work queue with backoff and jitter, the reconciler
 * contract, conditions, status patches, finalizers, events, logs, metrics and probes. It
 * knows Flux's conventions (Ready/Reconciling/Stalled, reconcile.fluxcd.io/requestedAt,
 * gotk_* metrics) but no Flux kind.
 */
export * from './result.js';
export * from './conditions.js';
export * from './annotations.js';
export { parseDuration, formatDuration, jitter } from './duration.js';
export { WorkQueue, ExponentialBackoff, DEFAULT_BACKOFF, type BackoffOptions, type QueueMetricsHooks } from './queue.js';
export { Informer, type InformerHandlers, type InformerOptions, type InformerStats } from './informer.js';
export { Controller, type ControllerOptions, type ReconcileContext, type ControllerStats } from './controller.js';
export { beginReconcile } from './begin.js';
export { ObjectPatcher, mergePatchBetween, deepEqual, clone, hasFinalizer, addFinalizer, removeFinalizer, type PatchSink } from './patch.js';
export { EventRecorder, type EventRecorderOptions, type EventSeverity } from './events.js';
export { createLogger, objectFields, type Logger, type LogLevel, type LoggerOptions } from './logger.js';
export { ControllerMetrics } from './metrics.js';
export { listen, parseListenAddress, probeHandler, type Listener, type ProbeOptions } from './server.js';
