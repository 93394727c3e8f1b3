// `fluxion logs`: the parser and printer on lines made by our own logger, and the command end
// to end against a small HTTP server started here. That server stands in for the API server's
// endpoints `logs` reads — Deployments, Pods and the pods/{name}/log subresource — until the
// local cluster serves container logs for the controller pods it runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, objectFields } from '../../src/runtime/logger.js';
import { formatLogLine, matchesFilter, parseLogLine } from '../../src/cli/logs.js';
import { fluxion } from './run.js';

/** Lines as the controllers write them: our pino logger with Flux's object fields. */
function controllerLines(write: (log: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s.trimEnd()) } });
  write(log);
  return lines;
}

const sourceLines = controllerLines((log) => {
  log.info('starting server');
  log.info(objectFields('gitrepository', 'source.toolkit.fluxcd.io', 'GitRepository', 'default', 'podinfo', 'r-1'), "stored artifact for commit 'first'");
  log.error({ ...objectFields('gitrepository', 'source.toolkit.fluxcd.io', 'GitRepository', 'flux-system', 'flux-system', 'r-2'), error: 'authentication required' }, 'Reconciler error');
  log.debug(objectFields('gitrepository', 'source.toolkit.fluxcd.io', 'GitRepository', 'default', 'podinfo', 'r-3'), 'no changes since last reconciliation');
});
const ts = (line: string) => (JSON.parse(line) as { ts: string }).ts;

test('reads our logger\'s lines and prints them as flux logs does', () => {
  const [start, stored, failed, debug] = sourceLines.map((l) => parseLogLine(l)!);
  assert.equal(formatLogLine(start!), `${ts(sourceLines[0]!)} info  - starting server \n`);
  assert.equal(formatLogLine(stored!), `${ts(sourceLines[1]!)} info GitRepository/podinfo.default - stored artifact for commit 'first' \n`);
  assert.equal(formatLogLine(failed!), `${ts(sourceLines[2]!)} error GitRepository/flux-system.flux-system - Reconciler error authentication required\n`);
  assert.equal(debug!.level, 'debug');
  assert.equal(parseLogLine('I0102 12:00:00 klog text'), undefined, 'lines that are not JSON are skipped');
  assert.throws(() => parseLogLine('{"level":'), /JSON/);
});

test('takes the object from the `<Kind>: {name, namespace}` field, and the older `reconciler kind`', () => {
  const nested = parseLogLine('{"level":"info","ts":"t","msg":"m","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"}}')!;
  assert.deepEqual([nested.kind, nested.name, nested.namespace], ['Kustomization', 'apps', 'flux-system']);
  const old = parseLogLine('{"level":"info","ts":"t","msg":"m","reconciler kind":"HelmRelease","name":"podinfo","namespace":"default"}')!;
  assert.equal(formatLogLine(old), 't info HelmRelease/podinfo.default - m \n');
  assert.ok(matchesFilter(old, { kind: 'helmrelease', name: 'PODINFO', namespace: 'default' }), 'kind, name and namespace match without case');
  assert.ok(!matchesFilter(old, { level: 'error' }));
  assert.ok(!matchesFilter(old, { namespace: 'flux-system' }));
});

// ---- the command against the stand-in endpoints ------------------------------------------------

let server: Server;
let dir: string;
let kubeconfig: string;
const requests: URL[] = [];
const kustomizeLines = controllerLines((log) => {
  log.info({ ...objectFields('kustomization', 'kustomize.toolkit.fluxcd.io', 'Kustomization', 'flux-system', 'apps', 'k-1'), revision: 'main@sha1:1234' }, 'server-side apply completed');
});

const deployment = (name: string) => ({ metadata: { name, namespace: 'flux-system' }, spec: { template: { metadata: { labels: { app: name } } } } });
const pod = (name: string, phase: string, created: string, containers = ['manager']) => ({
  metadata: { name, namespace: 'flux-system', creationTimestamp: created },
  spec: { containers: containers.map((c) => ({ name: c })) },
  status: { phase, conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }] },
});

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    requests.push(url);
    const json = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer logs-token') return void res.writeHead(401).end();
    if (url.pathname === '/apis/apps/v1/namespaces/elsewhere/deployments') return json({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: {}, items: [] });
    if (url.pathname === '/apis/apps/v1/namespaces/flux-system/deployments') {
      assert.equal(url.searchParams.get('labelSelector'), 'app.kubernetes.io/part-of=flux');
      return json({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: {}, items: [deployment('source-controller'), deployment('kustomize-controller')] });
    }
    if (url.pathname === '/api/v1/namespaces/flux-system/pods') {
      const app = url.searchParams.get('labelSelector');
      const items =
        app === 'app=source-controller'
          ? [pod('source-controller-old', 'Pending', '2025-01-01T00:00:00Z'), pod('source-controller-abc', 'Running', '2025-01-01T00:00:00Z')]
          : [pod('kustomize-controller-xyz', 'Running', '2025-01-01T00:00:00Z', ['manager', 'sidecar'])];
      return json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
    }
    const m = /^\/api\/v1\/namespaces\/flux-system\/pods\/([^/]+)\/log$/.exec(url.pathname);
    if (m) {
      const lines = m[1] === 'source-controller-abc' ? sourceLines : m[1] === 'kustomize-controller-xyz' ? kustomizeLines : undefined;
      if (!lines) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: `pods "${m[1]}" not found` }));
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (url.searchParams.get('follow') !== 'true') return void res.end(lines.map((l) => `${l}\n`).join(''));
      // Following: half now, the rest a moment later, then the stream ends (the pod stopped).
      res.write(`${lines[0]}\n`);
      setTimeout(() => res.end(lines.slice(1).map((l) => `${l}\n`).join('')), 300);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  dir = mkdtempSync(join(tmpdir(), 'fluxion-logs-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: logs\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: logs\n  user:\n    token: logs-token\ncontexts:\n- name: logs\n  context:\n    cluster: logs\n    user: logs\ncurrent-context: logs\n`,
  );
});

after(async () => {
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => fluxion(args, { kubeconfig });
const logRequests = () => requests.filter((u) => u.pathname.endsWith('/log'));

test('reads one running pod per Flux Deployment and prints the lines of -n\'s objects', async () => {
  requests.length = 0;
  const r = await run('logs');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `${ts(sourceLines[2]!)} error GitRepository/flux-system.flux-system - Reconciler error authentication required\n` +
      `${ts(kustomizeLines[0]!)} info Kustomization/apps.flux-system - server-side apply completed \n`,
  );
  assert.deepEqual(logRequests().map((u) => u.pathname.split('/')[6]), ['source-controller-abc', 'kustomize-controller-xyz'], 'the Running pod, not the Pending one');
  assert.equal(logRequests()[0]!.searchParams.get('container'), null);
  assert.equal(logRequests()[1]!.searchParams.get('container'), 'manager', 'the controller container of a pod with several');
});

test('--kind, --name, --level and -A filter; --tail and --since go to the log endpoint', async () => {
  requests.length = 0;
  const r = await run('logs', '-A', '--kind', 'gitrepository', '--name', 'podinfo', '--tail', '5', '--since', '2m');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `${ts(sourceLines[1]!)} info GitRepository/podinfo.default - stored artifact for commit 'first' \n` +
      `${ts(sourceLines[3]!)} debug GitRepository/podinfo.default - no changes since last reconciliation \n`,
  );
  for (const u of logRequests()) {
    assert.equal(u.searchParams.get('tailLines'), '5');
    assert.equal(u.searchParams.get('sinceSeconds'), '120');
  }
  const errors = await run('logs', '-A', '--level', 'error');
  assert.equal(errors.stdout.trimEnd().split('\n').length, 1);
  assert.match(errors.stdout, / error GitRepository\/flux-system\.flux-system - Reconciler error authentication required\n$/);
});

test('-f streams every pod at once until the streams end', async () => {
  requests.length = 0;
  const r = await run('logs', '-f', '-A', '--kind', 'GitRepository');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 3, r.stdout);
  assert.ok(logRequests().every((u) => u.searchParams.get('follow') === 'true'));
});

test('flags flux refuses are refused with its messages', async () => {
  const both = await run('logs', '--since', '1m', '--since-time', '2025-01-01T00:00:00Z');
  assert.equal(both.code, 1);
  assert.equal(both.stderr, '✗ at most one of `sinceTime` or `sinceDuration` may be specified\n');
  const level = await run('logs', '--level', 'warn');
  assert.equal(level.code, 1);
  assert.match(level.stderr, /--level must be one of trace, debug, info, error, not 'warn'/);
  const none = await run('logs', '--flux-namespace', 'elsewhere');
  assert.equal(none.code, 1);
  assert.equal(none.stderr, '✗ no Flux pods found in namespace "elsewhere"\n');
});
