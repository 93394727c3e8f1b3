/**
 * Reading a controller Deployment the way the kubelet would start its container: which
 * Deployments are Fluxion's own controllers (the `<registry>/fluxion` image running
 * `controllers …`), and the container's args with `$(VAR)` references expanded from its env.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';

/** What one run of a controller Deployment needs; `fingerprint` changes when a restart is due. */
export interface ControllerLaunch {
  namespace: string;
  name: string;
  serviceAccount: string;
  image: string;
  /** The args after the `controllers` verb, references expanded. */
  args: string[];
  fingerprint: string;
}

const map = (v: Value | undefined): ValueMap => (isMap(v) ? v : {});
const list = (v: Value | undefined): Value[] => (Array.isArray(v) ? v : []);

/** The image's repository without registry port confusion, tag or digest ("ghcr.io/fluxion/fluxion"). */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
}

/** The container that runs `fluxion controllers`, if the Deployment has one. */
export function controllerContainer(deployment: ValueMap): ValueMap | undefined {
  const pod = map(map(map(deployment.spec).template).spec);
  return list(pod.containers)
    .filter(isMap)
    .find((c) => {
      const image = typeof c.image === 'string' ? c.image : '';
      const repo = imageRepository(image);
      const args = list(c.args);
      return (repo === 'fluxion' || repo.endsWith('/fluxion')) && args[0] === 'controllers';
    });
}

/**
 * Kubernetes' expansion of `$(VAR)` in args: defined variables are replaced, `$$` escapes a
 * reference, and references to undefined variables stay as written.
 */
export function expandReferences(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return vars.has(name!) ? vars.get(name!)! : m;
  });
}

/** The container's env as the kubelet resolves it (literal values and the pod fields a controller reads). */
function environment(container: ValueMap, fields: Record<string, string>): Map<string, string> {
  const vars = new Map<string, string>();
  for (const e of list(container.env).filter(isMap)) {
    const name = String(e.name ?? '');
    if (!name) continue;
    if (typeof e.value === 'string') vars.set(name, expandReferences(e.value, vars));
    const fieldPath = map(map(e.valueFrom).fieldRef).fieldPath;
    if (typeof fieldPath === 'string' && fields[fieldPath] !== undefined) vars.set(name, fields[fieldPath]!);
  }
  return vars;
}

export function controllerLaunch(deployment: ValueMap): ControllerLaunch | undefined {
  const container = controllerContainer(deployment);
  if (!container) return undefined;
  const meta = map(deployment.metadata);
  const namespace = String(meta.namespace ?? 'default');
  const name = String(meta.name ?? '');
  const pod = map(map(map(deployment.spec).template).spec);
  const serviceAccount = typeof pod.serviceAccountName === 'string' && pod.serviceAccountName !== '' ? pod.serviceAccountName : 'default';
  const vars = environment(container, { 'metadata.namespace': namespace, 'metadata.name': name, 'spec.serviceAccountName': serviceAccount, 'spec.nodeName': 'fluxion', 'status.podIP': '127.0.0.1', 'status.hostIP': '127.0.0.1' });
  const args = list(container.args).slice(1).map((a) => expandReferences(String(a), vars));
  const image = String(container.image);
  return { namespace, name, serviceAccount, image, args, fingerprint: JSON.stringify([image, args, serviceAccount]) };
}
