/**
 * The acceptance list of issue 3, with the real kubectl (the dispatcher picks kubectl.1.33 from
 * the server's version) against an in-process cluster.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KYVERNO, SEED, kubectlEnv, poll, sharedAvailable, startCluster, type TestCluster } from './helpers.js';

const skip = sharedAvailable();
let c: TestCluster;
before(async () => {
  c = await startCluster({ rolloutDelayMs: 100 });
});
after(async () => {
  await c?.stop();
});

async function ok(args: string[], opts?: { stdin?: string; cwd?: string }): Promise<string> {
  const r = await c.kubectl(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

test('kubectl talks to the cluster as a 1.33 server and lists its resources', async () => {
  const v = JSON.parse(await ok(['version', '-o', 'json']));
  assert.equal(v.clientVersion.minor, '33');
  assert.equal(v.serverVersion.minor, '33');
  const resources = await ok(['api-resources', '--no-headers', '-o', 'name']);
  for (const name of ['namespaces', 'configmaps', 'deployments.apps', 'customresourcedefinitions.apiextensions.k8s.io', 'leases.coordination.k8s.io', 'events.events.k8s.io']) {
    assert.ok(resources.split('\n').includes(name), name);
  }
  const wide = await ok(['api-resources', '--api-group=apps']);
  assert.match(wide, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  assert.match(await ok(['get', 'ns']), /^default\s+Active\s+\S+$/m);
});

test('kyverno.yaml applies server-side; its CRDs are served; a ClusterPolicy applies and a malformed one is rejected', { skip }, async () => {
  const t0 = Date.now();
  const out = await ok(['apply', '--server-side', '-f', KYVERNO]);
  const seconds = (Date.now() - t0) / 1000;
  const lines = out.trim().split('\n');
  assert.ok(lines.every((l) => l.endsWith(' serverside-applied')), out);
  process.stderr.write(`  kyverno.yaml: ${lines.length} objects in ${seconds.toFixed(2)}s with kubectl\n`);
  const crds = await ok(['get', 'crd', '-o', 'name']);
  assert.ok(crds.includes('customresourcedefinition.apiextensions.k8s.io/clusterpolicies.kyverno.io'), crds);
  assert.equal(crds.trim().split('\n').length, 12);
  // Applying again changes nothing.
  const again = await c.kubectl(['apply', '--server-side', '-f', KYVERNO]);
  assert.equal(again.code, 0, again.stderr);
  await ok(['apply', '-k', join(SEED, 'infrastructure/controllers/kyverno/policies')]);
  assert.match(await ok(['get', 'clusterpolicies']), /^add-ttl-jobs\s/m);
  const bad = `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: bad\nspec:\n  validationFailureAction: Sometimes\n  rules: []\n`;
  const r = await c.kubectl(['apply', '-f', '-'], { stdin: bad });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The ClusterPolicy "bad" is invalid: spec.validationFailureAction: Unsupported value: "Sometimes": supported values: "audit", "enforce", "Audit", "Enforce"/);
  assert.match(await ok(['explain', 'clusterpolicy.spec.background']), /FIELD: background <boolean>/);
});

test('kubectl apply -k of config/beta, unchanged the second time; diff exits 0 then 1 after scale', { skip }, async () => {
  const dir = join(SEED, 'config/beta');
  const first = await ok(['apply', '-k', dir]);
  assert.match(first, /^deployment.apps\/debug created$/m);
  const second = await ok(['apply', '-k', dir]);
  assert.deepEqual(second.trim().split('\n').map((l) => l.split(' ').pop()), ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
  const d0 = await c.kubectl(['diff', '-k', dir]);
  assert.equal(d0.code, 0, d0.stdout + d0.stderr);
  await ok(['scale', 'deployment/debug', '--replicas=2']);
  const d1 = await c.kubectl(['diff', '-k', dir]);
  assert.equal(d1.code, 1, d1.stderr);
  assert.match(d1.stdout, /^-  replicas: 2$/m);
  assert.match(d1.stdout, /^\+  replicas: 5$/m);
  const yaml = await ok(['get', 'deployment', 'debug', '-o', 'yaml']);
  assert.match(yaml, /^kind: Deployment$/m);
  await ok(['wait', '--for=condition=Available', 'deployment', '--all', '--timeout=60s']);
  const svc = JSON.parse(await ok(['get', 'service', 'benjamintoll', '-o', 'json']));
  assert.match(svc.spec.clusterIP, /^10\.96\./);
  assert.ok(svc.spec.ports.every((p: { nodePort: number }) => p.nodePort >= 30000 && p.nodePort <= 32767));
  const del = await ok(['delete', '-k', dir]);
  assert.match(del, /^deployment.apps "debug" deleted$/m);
  await poll('pods collected', async () => {
    const r = await c.kubectl(['get', 'pods', '-l', 'app=debug', '-o', 'name']);
    return r.code === 0 && r.stdout.trim() === '';
  });
});

test('kubectl get -w streams changes', async () => {
  await ok(['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\ndata:\n  a: "1"\n' });
  const child = spawn('kubectl', ['get', 'configmap', 'watched', '-w', '-o', 'jsonpath={.data.a}{"\\n"}'], { env: kubectlEnv(c.dir, c.kubeconfig) });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await poll('first line', () => out.includes('1\n'));
    await ok(['patch', 'configmap', 'watched', '--type=merge', '-p', '{"data":{"a":"2"}}']);
    await poll('second line', () => out.includes('2\n'));
    assert.deepEqual(out.trim().split('\n'), ['1', '2']);
  } finally {
    child.kill();
  }
});

test('kubectl delete ns removes what the namespace holds', async () => {
  const manifest = [
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: doomed\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: doomed\ndata: {a: b}\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: doomed\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: c, image: nginx:1.25}]}\n',
  ].join('---\n');
  await ok(['apply', '-f', '-'], { stdin: manifest });
  await poll('pod running', async () => (await c.kubectl(['get', 'pods', '-n', 'doomed', '-o', 'name'])).stdout.includes('pod/d-'));
  await ok(['delete', 'ns', 'doomed', '--timeout=60s']);
  const r = await c.kubectl(['get', 'ns', 'doomed']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /namespaces "doomed" not found/);
  assert.equal((await c.kubectl(['get', 'pods', '-A', '-o', 'name'])).stdout.includes('pod/d-'), false);
});

test('two field managers writing the same field conflict; --force-conflicts takes it over', async () => {
  const path = join(c.dir, 'cm.yaml');
  writeFileSync(path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  key: from-a\n');
  await ok(['apply', '--server-side', '--field-manager=team-a', '-f', path]);
  writeFileSync(path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  key: from-b\n');
  const r = await c.kubectl(['apply', '--server-side', '--field-manager=team-b', '-f', path]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "team-a": \.data\.key/);
  await ok(['apply', '--server-side', '--field-manager=team-b', '--force-conflicts', '-f', path]);
  const cm = JSON.parse(await ok(['get', 'configmap', 'shared', '-o', 'json', '--show-managed-fields']));
  assert.equal(cm.data.key, 'from-b');
  assert.deepEqual(cm.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`), ['team-b/Apply']);
});

test("kubectl's typed commands (protobuf bodies) work: create, run, expose, auth can-i", async () => {
  assert.equal((await ok(['create', 'namespace', 'typed'])).trim(), 'namespace/typed created');
  await ok(['-n', 'typed', 'create', 'configmap', 'cfg', '--from-literal=a=1']);
  await ok(['-n', 'typed', 'create', 'secret', 'generic', 'sec', '--from-literal=p=s3cret']);
  await ok(['-n', 'typed', 'create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=80']);
  await ok(['-n', 'typed', 'expose', 'deployment', 'web', '--port=8080', '--target-port=80']);
  await ok(['-n', 'typed', 'run', 'once', '--image=busybox', '--restart=Never', '--', 'sleep', '1']);
  await ok(['-n', 'typed', 'create', 'ingress', 'ing', '--rule=a.example.com/=web:8080']);
  assert.equal((await ok(['auth', 'can-i', 'create', 'pods'])).trim(), 'yes');
  const cm = JSON.parse(await ok(['-n', 'typed', 'get', 'configmap', 'cfg', '-o', 'json']));
  assert.deepEqual(cm.data, { a: '1' });
  const sec = JSON.parse(await ok(['-n', 'typed', 'get', 'secret', 'sec', '-o', 'json']));
  assert.deepEqual([sec.type, Buffer.from(sec.data.p, 'base64').toString()], ['Opaque', 's3cret']);
  const svc = JSON.parse(await ok(['-n', 'typed', 'get', 'service', 'web', '-o', 'json']));
  assert.deepEqual(svc.spec.ports, [{ port: 8080, protocol: 'TCP', targetPort: 80 }]);
  assert.deepEqual(svc.spec.selector, { app: 'web' });
  const pod = JSON.parse(await ok(['-n', 'typed', 'get', 'pod', 'once', '-o', 'json']));
  assert.deepEqual([pod.spec.restartPolicy, pod.spec.containers[0].args], ['Never', ['sleep', '1']]);
  const ing = JSON.parse(await ok(['-n', 'typed', 'get', 'ingress', 'ing', '-o', 'json']));
  assert.deepEqual(ing.spec.rules[0].http.paths[0].backend, { service: { name: 'web', port: { number: 8080 } } });
  await ok(['-n', 'typed', 'rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.match(await ok(['-n', 'typed', 'logs', 'deployment/web']), /is simulated; no container runs here/);
});
