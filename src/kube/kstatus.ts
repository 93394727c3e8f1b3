/**
 * kstatus: whether an object has reached the state its spec asks for, from the object alone
 * (kubernetes-sigs/cli-utils' status.Compute, with Flux's rule for Jobs). In order:
 *
 * 1. a deletionTimestamp: Terminating;
 * 2. `status.observedGeneration` behind `metadata.generation`: InProgress;
 * 3. a `Reconciling` condition True: InProgress; a `Stalled` condition True: Failed;
 * 4. rules for built-in kinds (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, PVC,
 *    Service, Job, CRD, PodDisruptionBudget; ConfigMap, Secret, CronJob always Current);
 * 5. any other kind: its `Ready` condition (True: Current, False or Unknown: InProgress),
 *    and Current when it has none — which is how Flux's own kinds are judged.
 *
 * Messages are cli-utils' own, as `flux` and kustomize-controller print them.
 */

export type Status = 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';

export interface StatusResult {
  status: Status;
  message: string;
  /** The reason of the standard condition behind an InProgress or Failed status. */
  reason?: string;
}

type Obj = Record<string, unknown>;

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field by dotted path, or undefined. */
function field(obj: Obj, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** An integer field (cli-utils' GetIntField: anything else is the default). */
function int(obj: Obj, path: string, dflt: number): number {
  const v = field(obj, path);
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'number' && Number.isInteger(v) ? v : dflt;
}

function str(obj: Obj, path: string, dflt: string): string {
  const v = field(obj, path);
  return typeof v === 'string' ? v : dflt;
}

class StatusError extends Error {}

function conditions(obj: Obj): Condition[] {
  const list = field(obj, 'status.conditions');
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new StatusError('status.conditions is not a list');
  return list.map((c) => {
    if (!isObj(c)) throw new StatusError('a status condition is not an object');
    const s = (k: string): string => {
      const v = c[k];
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string') throw new StatusError(`condition ${k} is not a string`);
      return v;
    };
    return { type: s('type'), status: s('status'), reason: s('reason'), message: s('message') };
  });
}

const current = (message: string): StatusResult => ({ status: 'Current', message });
const inProgress = (reason: string, message: string): StatusResult => ({ status: 'InProgress', message, reason });
const failed = (reason: string, message: string): StatusResult => ({ status: 'Failed', message, reason });

/** The status of one object as the cluster returned it (undefined: it does not exist). */
export function computeStatus(obj: Obj | undefined): StatusResult {
  if (obj === undefined || obj === null) return { status: 'NotFound', message: 'Resource not found' };
  try {
    return compute(obj);
  } catch (e) {
    if (e instanceof StatusError) return { status: 'Unknown', message: e.message };
    throw e;
  }
}

function compute(obj: Obj): StatusResult {
  const deletion = field(obj, 'metadata.deletionTimestamp');
  if (typeof deletion === 'string' && deletion !== '') return { status: 'Terminating', message: 'Resource scheduled for deletion' };

  const generation = field(obj, 'metadata.generation');
  const observed = field(obj, 'status.observedGeneration');
  if (generation !== undefined && observed !== undefined) {
    const g = asInt64(generation, 'metadata.generation');
    const og = asInt64(observed, 'status.observedGeneration');
    if (g !== og) {
      const kind = typeof obj.kind === 'string' ? obj.kind : '';
      return inProgress('LatestGenerationNotObserved', `${kind} generation is ${g}, but latest observed generation is ${og}`);
    }
  }

  const conds = conditions(obj);
  for (const c of conds) {
    if (c.type === 'Reconciling' && c.status === 'True') return inProgress(c.reason, c.message);
    if (c.type === 'Stalled' && c.status === 'True') return failed(c.reason, c.message);
  }

  const rule = KIND_RULES[groupKind(obj)];
  if (rule) return rule(obj, conds);

  const ready = conds.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return current('Resource is Ready');
  if (ready) return inProgress(ready.reason || 'NotReady', ready.message || 'Resource is not Ready');
  return current('Resource is current');
}

function asInt64(v: unknown, name: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new StatusError(`looking up ${name} from resource: not an integer`);
}

function groupKind(obj: Obj): string {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  return group ? `${group}/${kind}` : kind;
}

type Rule = (obj: Obj, conds: Condition[]) => StatusResult;

const alwaysReady: Rule = () => current('Resource is always ready');

const deployment: Rule = (obj, conds) => {
  // Without progressDeadlineSeconds the controller sets no Progressing condition.
  let progressing = int(obj, 'spec.progressDeadlineSeconds', 2147483647) === 2147483647;
  let available = false;
  for (const c of conds) {
    if (c.type === 'Progressing') {
      if (c.reason === 'ProgressDeadlineExceeded') return failed(c.reason, 'Progress deadline exceeded');
      if (c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progressing = true;
    } else if (c.type === 'Available' && c.status === 'True') {
      available = true;
    }
  }
  const spec = int(obj, 'spec.replicas', 1);
  const replicas = int(obj, 'status.replicas', 0);
  const updated = int(obj, 'status.updatedReplicas', 0);
  const ready = int(obj, 'status.readyReplicas', 0);
  const avail = int(obj, 'status.availableReplicas', 0);
  if (spec > replicas) return inProgress('LessReplicas', `replicas: ${replicas}/${spec}`);
  if (spec > updated) return inProgress('LessUpdated', `Updated: ${updated}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  if (updated > avail) return inProgress('LessAvailable', `Available: ${avail}/${updated}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (!progressing) return inProgress('ReplicaSetNotAvailable', 'ReplicaSet not Available');
  if (!available) return inProgress('DeploymentNotAvailable', 'Deployment not Available');
  return current(`Deployment is available. Replicas: ${replicas}`);
};

const statefulSet: Rule = (obj) => {
  if (str(obj, 'spec.updateStrategy.type', '') === 'OnDelete') return current('StatefulSet is using the ondelete update strategy');
  const spec = int(obj, 'spec.replicas', 1);
  const ready = int(obj, 'status.readyReplicas', 0);
  const currentReplicas = int(obj, 'status.currentReplicas', 0);
  const updated = int(obj, 'status.updatedReplicas', 0);
  const replicas = int(obj, 'status.replicas', 0);
  const partition = int(obj, 'spec.updateStrategy.rollingUpdate.partition', -1);
  if (spec > replicas) return inProgress('LessReplicas', `Replicas: ${replicas}/${spec}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  if (partition !== -1) {
    if (updated < spec - partition) return inProgress('PartitionRollout', `updated: ${updated}/${spec - partition}`);
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (spec > currentReplicas) return inProgress('LessCurrent', `current: ${currentReplicas}/${spec}`);
  if (str(obj, 'status.currentRevision', '') !== str(obj, 'status.updateRevision', '')) {
    return inProgress('RevisionMismatch', 'Waiting for updated revision to match current');
  }
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
};

const daemonSet: Rule = (obj) => {
  const desired = int(obj, 'status.desiredNumberScheduled', -1);
  const scheduled = int(obj, 'status.currentNumberScheduled', 0);
  const updated = int(obj, 'status.updatedNumberScheduled', 0);
  const available = int(obj, 'status.numberAvailable', 0);
  const ready = int(obj, 'status.numberReady', 0);
  if (desired === -1) return inProgress('NoDesiredNumber', 'Missing .status.desiredNumberScheduled');
  if (desired > scheduled) return inProgress('LessCurrent', `Current: ${scheduled}/${desired}`);
  if (desired > updated) return inProgress('LessUpdated', `Updated: ${updated}/${desired}`);
  if (desired > available) return inProgress('LessAvailable', `Available: ${available}/${desired}`);
  if (desired > ready) return inProgress('LessReady', `Ready: ${ready}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
};

const replicaSet: Rule = (obj, conds) => {
  if (conds.some((c) => c.type === 'ReplicaFailure' && c.status === 'True')) {
    return inProgress('ReplicaFailure', 'Replica Failure condition. Check Pods');
  }
  const spec = int(obj, 'spec.replicas', 1);
  const replicas = int(obj, 'status.replicas', 0);
  const ready = int(obj, 'status.readyReplicas', 0);
  const available = int(obj, 'status.availableReplicas', 0);
  const labelled = int(obj, 'status.fullyLabeledReplicas', 0);
  if (spec > labelled) return inProgress('LessLabelled', `Labelled: ${labelled}/${spec}`);
  if (spec > available) return inProgress('LessAvailable', `Available: ${available}/${spec}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
};

const pvc: Rule = (obj) => {
  const phase = str(obj, 'status.phase', 'unknown');
  if (phase !== 'Bound') return inProgress('NotBound', `PVC is not Bound. phase: ${phase}`);
  return current('PVC is Bound');
};

const pod: Rule = (obj, conds) => {
  const phase = str(obj, 'status.phase', '');
  switch (phase) {
    case 'Succeeded':
      return current('Pod has completed successfully');
    case 'Failed':
      return current('Pod has completed, but not successfully');
    case 'Running': {
      if (conds.some((c) => c.type === 'Ready' && c.status === 'True')) return current('Pod is Ready');
      const crashing = crashLoopingContainers(obj);
      if (crashing.length) return failed('ContainerCrashLooping', `Containers in CrashLoop state: ${crashing.join(',')}`);
      return inProgress('PodRunningNotReady', 'Pod is running but is not Ready');
    }
    case 'Pending': {
      const unschedulable = conds.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
      if (unschedulable) return failed('PodUnschedulable', 'Pod could not be scheduled');
      return inProgress('PodPending', 'Pod is in the Pending phase');
    }
    case '':
      return inProgress('PodNotObserved', 'Pod phase not available');
    default:
      throw new StatusError(`unknown phase ${phase}`);
  }
};

function crashLoopingContainers(obj: Obj): string[] {
  const statuses = field(obj, 'status.containerStatuses');
  if (!Array.isArray(statuses)) return [];
  return statuses
    .filter((cs): cs is Obj => isObj(cs) && typeof cs.name === 'string' && str(cs, 'state.waiting.reason', '') === 'CrashLoopBackOff')
    .map((cs) => cs.name as string);
}

const pdb: Rule = () => current('AllowedDisruptions has been computed.');

// Flux's Job reader: Current only once the Job has completed (cli-utils calls a running Job Current).
const job: Rule = (obj, conds) => {
  const parallelism = int(obj, 'spec.parallelism', 1);
  const completions = int(obj, 'spec.completions', parallelism);
  const succeeded = int(obj, 'status.succeeded', 0);
  const failedPods = int(obj, 'status.failed', 0);
  for (const c of conds) {
    if (c.type === 'Complete' && c.status === 'True') return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    if (c.type === 'Failed' && c.status === 'True') return failed('JobFailed', `Job Failed. failed: ${failedPods}/${completions}`);
  }
  return inProgress('JobInProgress', 'Job in progress');
};

const service: Rule = (obj) => {
  if (str(obj, 'spec.type', 'ClusterIP') === 'LoadBalancer' && str(obj, 'spec.clusterIP', '') === '') {
    return inProgress('NoIPAssigned', 'ClusterIP not set. Service type: LoadBalancer');
  }
  return current('Service is ready');
};

const crd: Rule = (_obj, conds) => {
  for (const c of conds) {
    if (c.type === 'NamesAccepted' && c.status === 'False') return failed(c.reason, c.message);
    if (c.type === 'Established') {
      if (c.status === 'False' && c.reason !== 'Installing') return failed(c.reason, c.message);
      if (c.status === 'True') return current('CRD is established');
    }
  }
  return inProgress('Installing', 'Install in progress');
};

const KIND_RULES: Record<string, Rule> = {
  Service: service,
  Pod: pod,
  Secret: alwaysReady,
  ConfigMap: alwaysReady,
  PersistentVolumeClaim: pvc,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'extensions/DaemonSet': daemonSet,
  'apps/Deployment': deployment,
  'extensions/Deployment': deployment,
  'apps/ReplicaSet': replicaSet,
  'extensions/ReplicaSet': replicaSet,
  'policy/PodDisruptionBudget': pdb,
  'batch/CronJob': alwaysReady,
  'batch/Job': job,
  'apiextensions.k8s.io/CustomResourceDefinition': crd,
};

/** The status of a set when the wanted one is Current: Current only if every member is. */
export function aggregateStatus(statuses: Status[]): Status {
  if (statuses.length === 0 || statuses.every((s) => s === 'Current')) return 'Current';
  if (statuses.includes('Failed')) return 'Failed';
  if (statuses.includes('Unknown')) return 'Unknown';
  return 'InProgress';
}

/** An object of a health check, named as Flux names it: `Kind/namespace/name` or `Kind/name`. */
export interface CheckedObject {
  kind: string;
  namespace?: string;
  name: string;
  /** The last status seen; undefined when none could be read. */
  result: StatusResult | undefined;
}

function fmt(o: CheckedObject): string {
  return o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

/**
 * The error of a failed wait, in ssa's words: after the timeout, every object not Current;
 * before it (fail-fast), the Failed ones. Undefined when there is nothing to report.
 */
export function describeWaitFailure(objects: CheckedObject[], timedOut: boolean): string | undefined {
  const errs: string[] = [];
  for (const o of objects) {
    if (!o.result) errs.push(`can't determine status for ${fmt(o)}`);
    else if (o.result.status === 'Failed' || (timedOut && o.result.status !== 'Current')) errs.push(`${fmt(o)} status: '${o.result.status}'`);
  }
  if (errs.length === 0) return undefined;
  return `${timedOut ? 'timeout waiting for' : 'failed early due to stalled resources'}: [${errs.join(', ')}]`;
}
