/**
 * Where the API server is and how to authenticate: kubeconfig (KUBECONFIG, ~/.kube/config
 * or a given file; a chosen context), or the in-cluster service account. Parsing and
 * credential plugins are @kubernetes/client-node's; exec plugins run only when the caller
 * allows them, because they execute whatever the kubeconfig names.
 */
import { existsSync } from 'node:fs';
import type { AgentOptions } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Whether KUBECONFIG, ~/.kube/config or an in-cluster service account exists. */
function defaultConfigExists(): boolean {
  const env = process.env.KUBECONFIG;
  if (env) return env.split(delimiter).some((p) => p !== '' && existsSync(p));
  if (existsSync(join(process.env.HOME || homedir(), '.kube', 'config'))) return true;
  return Boolean(process.env.KUBERNETES_SERVICE_HOST) && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
}

export interface KubeConfigOptions {
  /** A kubeconfig file; KUBECONFIG / ~/.kube/config / in-cluster when absent. */
  kubeconfig?: string;
  /** Use this context instead of current-context. */
  context?: string;
  /** Override the server URL (the --server flag). */
  server?: string;
  /** Override the namespace the context names. */
  namespace?: string;
  /** Let kubeconfig `exec` credential plugins run (kubectl's default; ours is off). */
  allowExecPlugins?: boolean;
  /** Force in-cluster configuration (service account token and CA). */
  inCluster?: boolean;
}

export interface AuthMaterial {
  headers: Record<string, string>;
  tls: Pick<AgentOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'>;
}

/** A resolved connection: server URL, default namespace and credentials (refreshed when they expire). */
export interface KubeConnection {
  server: string;
  namespace: string;
  contextName: string;
  /** Current credentials; tokens from plugins and files are re-read periodically. */
  auth(): Promise<AuthMaterial>;
  /** Forget cached credentials (after a 401). */
  invalidate(): void;
}

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

/** How long credentials from plugins, token files or auth providers are reused. */
const DYNAMIC_AUTH_TTL_MS = 60_000;

export async function loadKubeConfig(opts: KubeConfigOptions = {}): Promise<KubeConnection> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (opts.inCluster) kc.loadFromCluster();
    else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else if (!defaultConfigExists()) {
      // client-node would quietly fall back to http://localhost:8080.
      throw new KubeConfigError('no kubeconfig found: set KUBECONFIG or --kubeconfig, or create ~/.kube/config (`fluxion cluster start NAME` does)');
    } else kc.loadFromDefault();
  } catch (e) {
    if (e instanceof KubeConfigError) throw e;
    throw new KubeConfigError(`cannot load kubeconfig: ${(e as Error).message}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new KubeConfigError(`context "${opts.context}" does not exist in the kubeconfig`);
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) throw new KubeConfigError('no cluster is configured: set a current-context in the kubeconfig or pass --context');
  if (user?.exec && !opts.allowExecPlugins) {
    throw new KubeConfigError(`the kubeconfig user "${user.name}" authenticates with an exec plugin (${user.exec.command}); pass --allow-exec-plugins to run it`);
  }
  const contextObj = kc.getContextObject(kc.getCurrentContext());
  const dynamic = Boolean(user?.exec || user?.authProvider || (user as { tokenFile?: string } | null)?.tokenFile || opts.inCluster);
  let cached: { material: AuthMaterial; at: number } | undefined;
  // One load at a time: concurrent first requests share it, so they share one TLS agent too
  // (a second load would hand out new TLS options and the client would replace its pool).
  let loading: Promise<AuthMaterial> | undefined;
  const auth = (): Promise<AuthMaterial> => {
    if (cached && (!dynamic || Date.now() - cached.at < DYNAMIC_AUTH_TTL_MS)) return Promise.resolve(cached.material);
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  };
  const load = async (): Promise<AuthMaterial> => {
    const o: { headers?: Record<string, string>; ca?: unknown; cert?: unknown; key?: unknown; pfx?: unknown; passphrase?: string; rejectUnauthorized?: boolean; auth?: string; servername?: string } = {};
    await kc.applyToHTTPSOptions(o as never);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) headers[k] = String(v);
    if (o.auth) headers.Authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    const tls: AuthMaterial['tls'] = {};
    if (o.ca) tls.ca = o.ca as Buffer;
    if (o.cert) tls.cert = o.cert as Buffer;
    if (o.key) tls.key = o.key as Buffer;
    if (o.pfx) tls.pfx = o.pfx as Buffer;
    if (o.passphrase) tls.passphrase = o.passphrase;
    if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
    if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
    cached = { material: { headers, tls }, at: Date.now() };
    return cached.material;
  };
  return {
    server: (opts.server ?? cluster.server).replace(/\/+$/, ''),
    namespace: opts.namespace ?? contextObj?.namespace ?? 'default',
    contextName: kc.getCurrentContext(),
    auth,
    invalidate: () => {
      cached = undefined;
    },
  };
}
