/**
 * Status conditions as Flux keeps them (fluxcd/pkg runtime/conditions, in our words):
 *  - setting a condition keeps its lastTransitionTime unless status, reason or message
 *    change, and stamps the object's generation as its observedGeneration;
 *  - Ready sorts first, the others by type;
 *  - Reconciling and Stalled exclude each other (kstatus): marking one removes the other;
 *  - a summary condition (Ready) is derived from others by priority: a failing one
 *    (False, or True for negative-polarity types) wins over Unknown, which wins over True.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface ConditionsHolder {
  metadata: { generation?: number };
  status?: { conditions?: Condition[] };
}

export const READY = 'Ready';
export const RECONCILING = 'Reconciling';
export const STALLED = 'Stalled';

/** Reasons shared by all Flux kinds (fluxcd/pkg apis/meta). */
export const Reasons = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Suspended: 'Suspended',
  DependencyNotReady: 'DependencyNotReady',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  InvalidPath: 'InvalidPath',
  InvalidURL: 'InvalidURL',
  FeatureGateDisabled: 'FeatureGateDisabled',
} as const;

/** RFC 3339 in seconds, as metav1.Time serializes. */
export function kubeTime(d: Date = new Date()): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function getCondition(obj: ConditionsHolder, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

export const hasCondition = (obj: ConditionsHolder, type: string) => getCondition(obj, type) !== undefined;
export const isTrue = (obj: ConditionsHolder, type: string) => getCondition(obj, type)?.status === 'True';
export const isFalse = (obj: ConditionsHolder, type: string) => getCondition(obj, type)?.status === 'False';
export const isUnknown = (obj: ConditionsHolder, type: string) => getCondition(obj, type)?.status === 'Unknown';
export const isReconciling = (obj: ConditionsHolder) => isTrue(obj, RECONCILING);
export const isStalled = (obj: ConditionsHolder) => isTrue(obj, STALLED);
export const isReady = (obj: ConditionsHolder) => isTrue(obj, READY);

function order(a: Condition, b: Condition): number {
  if (a.type === READY) return b.type === READY ? 0 : -1;
  if (b.type === READY) return 1;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

export function setCondition(obj: ConditionsHolder, c: Omit<Condition, 'lastTransitionTime' | 'observedGeneration'> & { lastTransitionTime?: string }, now: Date = new Date()): void {
  obj.status ??= {};
  const list = (obj.status.conditions ??= []);
  const i = list.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? list[i] : undefined;
  const same = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message;
  const next: Condition = {
    type: c.type,
    status: c.status,
    observedGeneration: obj.metadata.generation,
    lastTransitionTime: same ? prev.lastTransitionTime : (c.lastTransitionTime ?? kubeTime(now)),
    reason: c.reason,
    message: c.message,
  };
  if (obj.metadata.generation === undefined) delete next.observedGeneration;
  if (i >= 0) list[i] = next;
  else list.push(next);
  list.sort(order);
}

export function deleteCondition(obj: ConditionsHolder, type: string): void {
  const list = obj.status?.conditions;
  if (!list) return;
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) list.splice(i, 1);
}

export const markTrue = (obj: ConditionsHolder, type: string, reason: string, message: string) => setCondition(obj, { type, status: 'True', reason, message });
export const markFalse = (obj: ConditionsHolder, type: string, reason: string, message: string) => setCondition(obj, { type, status: 'False', reason, message });
export const markUnknown = (obj: ConditionsHolder, type: string, reason: string, message: string) => setCondition(obj, { type, status: 'Unknown', reason, message });

/** Reconciling=True (work in flight); a stalled object is no longer stalled. */
export function markReconciling(obj: ConditionsHolder, reason: string, message: string): void {
  markTrue(obj, RECONCILING, reason, message);
  deleteCondition(obj, STALLED);
}

/** Stalled=True (cannot progress without a change); it is no longer reconciling. */
export function markStalled(obj: ConditionsHolder, reason: string, message: string): void {
  markTrue(obj, STALLED, reason, message);
  deleteCondition(obj, RECONCILING);
}

/**
 * Work has started: Reconciling=True and Ready=Unknown with the same reason and message.
 * Unless `overwriteFailure`, a Ready=False from an earlier failure is kept so that the
 * object keeps showing why it failed until this run settles it.
 */
export function progressiveStatus(obj: ConditionsHolder, overwriteFailure: boolean, reason: string, message: string): void {
  markReconciling(obj, reason, message);
  if (!overwriteFailure && isFalse(obj, READY)) return;
  markUnknown(obj, READY, reason, message);
}

export interface SummaryOptions {
  /** The condition to set, usually Ready. */
  target: string;
  /** Source conditions in priority order. */
  from: string[];
  /** Types that are bad when True (Reconciling, Stalled, FetchFailed…). */
  negativePolarity: string[];
}

/**
 * Sets the target from the highest-priority source: the first failing condition (False, or
 * True for negative polarity) in `from` order; else the first Unknown; else the first
 * healthy one. Without any source condition the target is left alone.
 */
export function setSummary(obj: ConditionsHolder, opts: SummaryOptions): void {
  const negative = new Set(opts.negativePolarity);
  const sources = opts.from.map((t) => getCondition(obj, t)).filter((c): c is Condition => c !== undefined);
  const failing = sources.find((c) => (negative.has(c.type) ? c.status === 'True' : c.status === 'False'));
  const unknown = sources.find((c) => c.status === 'Unknown');
  const healthy = sources.find((c) => (negative.has(c.type) ? c.status === 'False' : c.status === 'True'));
  const pick = failing ?? unknown ?? healthy;
  if (!pick) return;
  const status: ConditionStatus = pick === failing ? 'False' : pick === unknown ? 'Unknown' : 'True';
  setCondition(obj, { type: opts.target, status, reason: pick.reason, message: pick.message });
}
