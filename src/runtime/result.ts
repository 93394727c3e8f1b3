/**
 * What a reconciler says happens next, as a value (controller-runtime's contract):
 * nothing, requeue after a period (an interval is jittered), requeue now with backoff, or
 * an error — retryable (exponential backoff) or terminal (logged and counted, no retry
 * until the object changes).
 */
export type Result =
  | { type: 'done' }
  | { type: 'requeueAfter'; afterMs: number; jitter: boolean }
  | { type: 'requeue' }
  | { type: 'error'; error: Error; terminal: boolean };

export const done = (): Result => ({ type: 'done' });

/** Requeue after exactly this long. */
export const requeueAfter = (afterMs: number): Result => ({ type: 'requeueAfter', afterMs, jitter: false });

/** Requeue after the object's interval, jittered by the runtime's percentage. */
export const requeueInterval = (intervalMs: number): Result => ({ type: 'requeueAfter', afterMs: intervalMs, jitter: true });

/** Requeue as soon as the backoff allows. */
export const requeue = (): Result => ({ type: 'requeue' });

export const retryableError = (error: Error): Result => ({ type: 'error', error, terminal: false });

export const terminalError = (error: Error): Result => ({ type: 'error', error, terminal: true });
