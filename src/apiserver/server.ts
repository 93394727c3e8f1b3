/**
 * The HTTPS front of the local cluster: bearer-token authentication, routing of Kubernetes
 * API paths to discovery, OpenAPI and the REST semantics in rest.ts, content negotiation
 * (JSON, Tables for kubectl get, aggregated discovery), watch streams and the scale
 * subresource.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { parseDocument } from '../yaml/parse.js';
import { badRequest, fieldErrors, internalError, invalid, methodNotAllowed, notAcceptable, notFound, StatusError, unauthorized, unsupportedMediaType } from './errors.js';
import type { Registry, ResourceType } from './registry.js';
import { compileSelectors, PATCH_TYPES, type DeleteOptions, type FieldValidation, type ResourceApi, type WriteOptions } from './rest.js';
import { aggregatedDiscovery, AGGREGATED_V2, AGGREGATED_V2BETA1, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import type { OpenApiV3 } from './openapi.js';
import { scaleTable, toTable, type IncludeObject } from './table.js';
import { fromLabelSelectorObject, formatLabelSelector, labelMapText } from './selectors.js';
import { startWatch } from './watch.js';
import type { Store } from './store.js';
import { metaOf } from './store.js';
import { toJson } from './json.js';
import { decodeKubeProtobuf } from './protobuf.js';
import { evalJsonPath } from './jsonpath.js';
import { jsonPatch, mergePatch } from './jsonpatch.js';
import { serveLog, type LogBuffer } from './podlogs.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  [k: string]: string;
}

export interface HttpOptions {
  token: string;
  cert: string;
  key: string;
  version: VersionInfo;
  bookmarkIntervalMs: number;
  /** Bytes a watch may have unread before it is closed as too slow. */
  watchBufferBytes: number;
  now: () => Date;
  /** The log buffer of a pod whose workload a runner runs (none: the pod is only simulated). */
  podLogs?: (pod: ValueMap) => LogBuffer | undefined;
}

/** Query booleans as Go's strconv.ParseBool reads them (clients send "true", "True", "1"…). */
export function queryBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

const MAX_BODY = 3 * 1024 * 1024;
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

interface Negotiated {
  table: boolean;
  discovery: 'v2' | 'v2beta1' | undefined;
}

function negotiate(accept: string | undefined): Negotiated {
  const out: Negotiated = { table: false, discovery: undefined };
  if (!accept) return out;
  const ranges = accept.split(',').map((s) => s.trim().replace(/\s*;\s*/g, ';'));
  for (const r of ranges) {
    if (r.includes('as=APIGroupDiscoveryList') && r.includes('g=apidiscovery.k8s.io')) {
      if (!out.discovery) out.discovery = r.includes('v=v2beta1') ? 'v2beta1' : r.includes('v=v2') ? 'v2' : undefined;
      continue;
    }
    if (r.includes('as=Table') && r.includes('g=meta.k8s.io')) {
      out.table = true;
      break;
    }
    if (r.startsWith('application/json') || r.startsWith('*/*') || r.startsWith('application/*')) break;
  }
  const acceptable = ranges.some((r) => r.startsWith('application/json') || r.startsWith('*/*') || r.startsWith('application/*') || r === '' || r.startsWith('application/yaml'));
  if (!acceptable) throw notAcceptable(['application/json', 'application/yaml']);
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decode(body: Buffer, contentType: string): Value {
  if (contentType === 'application/vnd.kubernetes.protobuf') return decodeKubeProtobuf(body);
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty');
  const yaml = contentType.includes('yaml');
  try {
    return JSON.parse(text) as Value;
  } catch (e) {
    if (!yaml) throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  try {
    return parseDocument(text, { dialect: 'go' });
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
}

interface ResourcePath {
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name?: string;
  sub?: string;
  watchPath: boolean;
}

function parseResourcePath(segs: string[]): ResourcePath | 'group' | 'version' | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length < 2) return undefined;
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length < 2) return undefined;
    if (segs.length === 2) return 'group';
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else return undefined;
  if (rest.length === 0) return 'version';
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  return { group, version, namespace, resource: rest[0]!, name: rest[1], sub: rest[2], watchPath };
}

export class HttpFront {
  readonly server: Server;
  private readonly watchers = new Set<() => void>();
  private port = 0;

  constructor(
    private readonly registry: Registry,
    private readonly store: Store,
    private readonly api: ResourceApi,
    private readonly openapi: OpenApiV3,
    private readonly opts: HttpOptions,
  ) {
    this.server = createHttpsServer({ cert: opts.cert, key: opts.key }, (req, res) => {
      this.handle(req, res).catch((e) => this.fail(res, e));
    });
    this.server.keepAliveTimeout = 60_000;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  close(): Promise<void> {
    for (const stop of [...this.watchers]) stop();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []): void {
    if (res.headersSent) return;
    const text = typeof body === 'string' ? body : toJson(body);
    const headers: Record<string, string | string[]> = { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' };
    if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(code, headers);
    res.end(text);
  }

  private fail(res: ServerResponse, e: unknown): void {
    const err = e instanceof StatusError ? e : internalError((e as Error)?.message ?? String(e));
    if (!(e instanceof StatusError)) process.stderr.write(`fluxion cluster: ${(e as Error)?.stack ?? String(e)}\n`);
    if (res.headersSent) {
      res.end();
      return;
    }
    this.send(res, err.code, err.toStatus());
  }

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ')) return false;
    const given = Buffer.from(h.slice(7).trim());
    const want = Buffer.from(this.opts.token);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (!PUBLIC_PATHS.has(path) && !this.authorized(req)) throw unauthorized();
    if (path === '/healthz' || path === '/livez' || path === '/readyz' || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) {
      const verbose = url.searchParams.has('verbose');
      this.send(res, 200, verbose ? `[+]ping ok\n[+]etcd ok\n${path.slice(1).split('/')[0]} check passed\n` : 'ok', 'text/plain; charset=utf-8');
      return;
    }
    if (path === '/version') {
      this.send(res, 200, this.opts.version);
      return;
    }
    if (path === '/openapi/v3') {
      this.send(res, 200, this.openapi.index());
      return;
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = this.openapi.document(path.slice('/openapi/v3/'.length));
      if (!doc) throw notFound({ group: '', resource: 'openapi' }, path);
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Cache-Control': url.searchParams.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private',
        Etag: `"${doc.hash}"`,
      });
      res.end(doc.body);
      return;
    }
    if (path === '/openapi/v2') {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource (OpenAPI v2 is not served; use /openapi/v3)');
    }
    const neg = negotiate(req.headers.accept);
    const segs = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
    if (path === '/api' || path === '/apis') {
      if (method !== 'GET') throw methodNotAllowed();
      if (neg.discovery) {
        const type = neg.discovery === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1;
        this.send(res, 200, aggregatedDiscovery(this.registry, path === '/api', neg.discovery), type);
      } else {
        this.send(res, 200, path === '/api' ? apiVersions(`127.0.0.1:${this.port}`) : apiGroupList(this.registry));
      }
      return;
    }
    const rp = parseResourcePath(segs);
    if (rp === undefined) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    if (rp === 'group') {
      const g = apiGroup(this.registry, segs[1]!);
      if (!g) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      this.send(res, 200, g);
      return;
    }
    if (rp === 'version') {
      const group = segs[0] === 'api' ? '' : segs[1]!;
      const version = segs[0] === 'api' ? segs[1]! : segs[2]!;
      const list = apiResourceList(this.registry, group, version);
      if (!list) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      this.send(res, 200, list);
      return;
    }
    await this.resource(req, res, url, method, rp, neg);
  }

  private writeOptions(q: URLSearchParams, req: IncomingMessage, isApply: boolean): WriteOptions {
    const dry = q.getAll('dryRun');
    for (const d of dry) if (d !== 'All') throw badRequest(`Invalid dry run value: ${d}`);
    const fv = q.get('fieldValidation') ?? 'Warn';
    if (!['Strict', 'Warn', 'Ignore'].includes(fv)) {
      throw badRequest(`fieldValidation: Invalid value: "${fv}": fieldValidation must be one of "Ignore", "Warn", or "Strict"`);
    }
    let manager = q.get('fieldManager') ?? '';
    if (manager === '' && !isApply) manager = (req.headers['user-agent'] ?? 'unknown').split('/')[0]!.slice(0, 128);
    if (manager.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return { dryRun: dry.length > 0, fieldManager: manager, fieldValidation: fv as FieldValidation, force: queryBool(q.get('force')) };
  }

  private async resource(req: IncomingMessage, res: ServerResponse, url: URL, method: string, rp: ResourcePath, neg: Negotiated): Promise<void> {
    const q = url.searchParams;
    const t = this.registry.lookup(rp.group, rp.version, rp.resource);
    if (!t) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    if (!t.namespaced && rp.namespace !== '') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    const ns = rp.namespace;
    if (t.group === '' && t.plural === 'pods' && rp.sub === 'log' && rp.name !== undefined && method === 'GET') {
      this.podLog(req, res, url.searchParams, t, ns, rp.name);
      return;
    }
    if (rp.sub !== undefined && !t.subresources.some((s) => s.name === rp.sub)) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const sub = rp.sub as 'status' | 'scale' | undefined;
    if (t.namespaced && rp.name !== undefined && ns === '') throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    const isWatch = rp.watchPath || queryBool(q.get('watch'));
    const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
    if (contentType === 'application/cbor') throw unsupportedMediaType(contentType, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
    const include = (q.get('includeObject') ?? 'Metadata') as IncludeObject;
    const now = this.opts.now();

    if (method === 'GET' && (rp.name === undefined || isWatch)) {
      if (!t.verbs.includes(isWatch ? 'watch' : 'list')) throw methodNotAllowed();
      const listOpts = { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined };
      if (isWatch) {
        let match = compileSelectors(t, listOpts);
        if (rp.name !== undefined) {
          const name = rp.name;
          const m0 = match;
          match = (o) => metaOf(o).name === name && m0(o);
        }
        const timeout = Number(q.get('timeoutSeconds') ?? 1800 + Math.floor(Math.random() * 1800));
        startWatch(
          this.store,
          res,
          {
            type: t,
            namespace: ns,
            match,
            resourceVersion: q.get('resourceVersion') ?? undefined,
            allowBookmarks: queryBool(q.get('allowWatchBookmarks')),
            sendInitialEvents: queryBool(q.get('sendInitialEvents')),
            timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : 1800,
            bookmarkIntervalMs: this.opts.bookmarkIntervalMs,
            bufferBytes: this.opts.watchBufferBytes,
            render: neg.table ? (obj) => toTable(t, [obj], { resourceVersion: String(metaOf(obj).resourceVersion ?? '') }, include, this.opts.now()) : undefined,
          },
          (stop) => {
            this.watchers.add(stop);
            const done = () => {
              this.watchers.delete(stop);
              stop();
            };
            req.on('close', done);
            res.on('close', done);
          },
        );
        return;
      }
      const limit = q.get('limit');
      const list = this.api.list(t, ns, {
        ...listOpts,
        limit: limit ? Number(limit) : undefined,
        continue: q.get('continue') || undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
      });
      if (neg.table) {
        this.send(res, 200, toTable(t, list.items as ValueMap[], list.metadata as ValueMap, include, now));
      } else this.send(res, 200, list);
      return;
    }
    if (rp.name === undefined) {
      if (method === 'POST') {
        const body = decode(await readBody(req), contentType);
        const r = this.api.create(t, ns, body, this.writeOptions(q, req, false));
        this.send(res, r.code, r.body, 'application/json', r.warnings);
        return;
      }
      if (method === 'DELETE') {
        const text = await readBody(req);
        const listOpts = { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined };
        const r = this.api.deleteCollection(t, ns, listOpts, this.deleteOptions(q, text, contentType));
        this.send(res, r.code, r.body);
        return;
      }
      throw methodNotAllowed();
    }
    const name = rp.name;
    if (sub === 'scale') {
      await this.scale(req, res, t, ns, name, method, q, contentType, neg);
      return;
    }
    switch (method) {
      case 'GET': {
        const obj = this.api.get(t, ns, name);
        if (neg.table) this.send(res, 200, toTable(t, [obj], { resourceVersion: String(metaOf(obj).resourceVersion ?? '') }, include, now));
        else this.send(res, 200, obj);
        return;
      }
      case 'PUT': {
        const body = decode(await readBody(req), contentType);
        const r = this.api.update(t, ns, name, body, this.writeOptions(q, req, false), sub as 'status' | undefined);
        this.send(res, r.code, r.body, 'application/json', r.warnings);
        return;
      }
      case 'PATCH': {
        if (!PATCH_TYPES.includes(contentType)) throw unsupportedMediaType(contentType, PATCH_TYPES);
        const isApply = contentType === 'application/apply-patch+yaml';
        const body = decode(await readBody(req), isApply ? 'yaml' : contentType);
        const r = this.api.patch(t, ns, name, contentType, body, this.writeOptions(q, req, isApply), sub as 'status' | undefined);
        this.send(res, r.code, r.body, 'application/json', r.warnings);
        return;
      }
      case 'DELETE': {
        const text = await readBody(req);
        const r = this.api.delete(t, ns, name, this.deleteOptions(q, text, contentType));
        this.send(res, r.code, r.body);
        return;
      }
      default:
        throw methodNotAllowed();
    }
  }

  private deleteOptions(q: URLSearchParams, raw: Buffer, contentType = 'application/json'): DeleteOptions {
    let body: ValueMap = {};
    if (raw.length > 0 && raw.toString('utf8').trim() !== '') {
      const v = decode(raw, contentType);
      if (isMap(v)) body = v;
    }
    const dry = [...q.getAll('dryRun'), ...(Array.isArray(body.dryRun) ? body.dryRun.map(String) : [])];
    for (const d of dry) if (d !== 'All') throw badRequest(`Invalid dry run value: ${d}`);
    let policy = (q.get('propagationPolicy') ?? body.propagationPolicy ?? undefined) as DeleteOptions['propagationPolicy'] | undefined;
    const orphan = q.get('orphanDependents') ?? body.orphanDependents;
    if (policy === undefined && (orphan === true || (typeof orphan === 'string' && queryBool(orphan)))) policy = 'Orphan';
    if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
      throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    const pre = isMap(body.preconditions) ? body.preconditions : {};
    return {
      dryRun: dry.length > 0,
      propagationPolicy: policy,
      preconditions: { uid: typeof pre.uid === 'string' ? pre.uid : undefined, resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined },
    };
  }

  /**
   * A pod's log: what its runner's workload wrote, or, for a pod that is only simulated, a
   * line saying no container runs here (kubectl logs works and explains itself).
   */
  private podLog(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, t: ResourceType, ns: string, name: string): void {
    const pod = this.api.get(t, ns, name);
    const spec = isMap(pod.spec) ? pod.spec : {};
    const containers = Array.isArray(spec.containers) ? spec.containers.filter(isMap) : [];
    const container = q.get('container');
    if (container && !containers.some((c) => c.name === container)) {
      throw badRequest(`container ${container} is not valid for pod ${name}`);
    }
    if (!container && containers.length > 1) {
      throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => String(c.name)).join(' ')}]`);
    }
    const buffer = this.opts.podLogs?.(pod);
    if (buffer) {
      serveLog(req, res, q, buffer, this.opts.now(), (stop) => {
        this.watchers.add(stop);
        res.on('close', () => this.watchers.delete(stop));
      });
      return;
    }
    const images = containers.map((c) => `${String(c.name)}=${String(c.image ?? '')}`).join(', ');
    this.send(res, 200, `fluxion cluster: pod ${ns}/${name} is simulated; no container runs here (${images})\n`, 'text/plain');
  }

  /**
   * The scale subresource: an autoscaling/v1 Scale view of the replicas (spec.replicas and
   * status.replicas for the built-in kinds, the CRD's declared paths for custom ones) and
   * the selector in its string form. Writes change only the replicas of the object.
   */
  private async scale(req: IncomingMessage, res: ServerResponse, t: ResourceType, ns: string, name: string, method: string, q: URLSearchParams, contentType: string, neg: Negotiated): Promise<void> {
    const paths = t.crd?.scale ?? { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };
    const toScale = (obj: ValueMap): ValueMap => {
      const m = metaOf(obj);
      const spec = evalJsonPath(obj, paths.specReplicasPath)[0];
      const status = evalJsonPath(obj, paths.statusReplicasPath)[0];
      let selector: string | undefined;
      if (paths.labelSelectorPath) {
        const sel = evalJsonPath(obj, paths.labelSelectorPath)[0];
        if (typeof sel === 'string') selector = sel;
        // ReplicationControllers select by a plain label map; the apps kinds by a LabelSelector.
        else if (isMap(sel)) selector = t.kind === 'ReplicationController' ? labelMapText(sel).replace(/^<none>$/, '') : formatLabelSelector(fromLabelSelectorObject(sel));
      }
      const st: ValueMap = { replicas: typeof status === 'number' ? status : 0 };
      if (selector !== undefined && selector !== '') st.selector = selector;
      return {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: m.name!, namespace: m.namespace ?? '', uid: m.uid!, resourceVersion: m.resourceVersion!, creationTimestamp: m.creationTimestamp! },
        spec: { replicas: typeof spec === 'number' ? spec : 0 },
        status: st,
      };
    };
    const respond = (scale: ValueMap) => {
      if (neg.table) this.send(res, 200, scaleTable(scale, (q.get('includeObject') ?? 'Metadata') as IncludeObject, this.opts.now()));
      else this.send(res, 200, scale);
    };
    if (method === 'GET') {
      respond(toScale(this.api.get(t, ns, name)));
      return;
    }
    if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
    if (method === 'PATCH' && !PATCH_TYPES.includes(contentType)) throw unsupportedMediaType(contentType, PATCH_TYPES);
    // The body first: the object is read after it, so a patch applies to the latest state.
    const body = decode(await readBody(req), method === 'PATCH' && contentType.includes('yaml') ? 'yaml' : contentType);
    const cur = this.api.get(t, ns, name);
    const scale = toScale(cur);
    let desired: Value;
    // A resourceVersion is a precondition only where the request carries one.
    let rv: Value | undefined;
    if (method === 'PUT') {
      desired = body;
      rv = isMap(body) && isMap(body.metadata) ? body.metadata.resourceVersion : undefined;
    } else if (contentType === 'application/json-patch+json') {
      desired = jsonPatch(scale, body);
      // A JSON patch that changed (or tested and kept) the version sets a precondition too.
      const patched = isMap(desired) && isMap(desired.metadata) ? desired.metadata.resourceVersion : undefined;
      if (patched !== (scale.metadata as ValueMap).resourceVersion) rv = patched;
    } else {
      desired = mergePatch(scale, isMap(body) ? body : {});
      rv = isMap(body) && isMap(body.metadata) ? body.metadata.resourceVersion : undefined;
    }
    if (!isMap(desired) || !isMap(desired.spec) || typeof desired.spec.replicas !== 'number') {
      throw invalid('autoscaling', 'Scale', name, [fieldErrors.required('spec.replicas')]);
    }
    if (desired.spec.replicas < 0) throw invalid('autoscaling', 'Scale', name, [fieldErrors.invalid('spec.replicas', desired.spec.replicas, 'must be greater than or equal to 0')]);
    const next = structuredClone(cur);
    const keys = paths.specReplicasPath.replace(/^\./, '').split('.');
    let o: ValueMap = next;
    for (const k of keys.slice(0, -1)) o = isMap(o[k]) ? (o[k] as ValueMap) : (o[k] = {});
    o[keys[keys.length - 1]!] = desired.spec.replicas;
    if (typeof rv === 'string' && rv !== '') metaOf(next).resourceVersion = rv;
    const r = this.api.update(t, ns, name, next, this.writeOptions(q, req, false));
    respond(toScale(r.body));
  }
}
