/**
 * Issue 7 with the real kubectl (1.33, picked by the dispatcher): the columns `kubectl get`
 * prints, paging with --chunk-size, field selectors, --cascade=foreground|orphan, kubectl
 * scale and kubectl explain.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { poll, startCluster, type TestCluster } from './helpers.js';

let c: TestCluster;
before(async () => {
  c = await startCluster({ rolloutDelayMs: 50 });
});
after(async () => {
  await c?.stop();
});

async function ok(args: string[], opts?: { stdin?: string }): Promise<string> {
  const r = await c.kubectl(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Header lines of kubectl's table output, split into column names (columns are 3+ spaces apart). */
function headers(out: string): string[][] {
  return out
    .split('\n')
    .filter((l) => /^(NAMESPACE|NAME)\s/.test(l))
    .map((l) => l.trim().split(/\s{2,}/));
}

const WIDGETS_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    additionalPrinterColumns:
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Size, type: number, jsonPath: .spec.size, priority: 1}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              color: {type: string}
              replicas: {type: integer}
              size: {type: number}
              parts:
                type: array
                items:
                  type: object
                  properties:
                    name: {type: string}
                    count: {type: integer}
          status:
            type: object
            properties:
              replicas: {type: integer}
`;

const WORKLOADS = `apiVersion: v1
kind: Namespace
metadata: {name: kd}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: kd}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.25"}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: kd}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kd}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: kd}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: kd}
spec:
  rules: [{host: web.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: kd}
data: {a: "1", b: "2"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: kd}
type: kubernetes.io/basic-auth
stringData: {username: u, password: p}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: kd}
spec: {color: red, replicas: 2, size: 1.5}
`;

test('kubectl get prints the columns kube-apiserver gives each kind, -o wide the wide ones', async () => {
  await ok(['apply', '-f', '-'], { stdin: WIDGETS_CRD });
  await ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']);
  await ok(['apply', '-f', '-'], { stdin: WORKLOADS });
  await ok(['-n', 'kd', 'rollout', 'status', 'deployment/web', '--timeout=60s']);
  const out = await ok(['get', 'deploy,sts,ds,svc,ing,cm,secret,crd', '-A']);
  assert.deepEqual(headers(out), [
    ['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    ['NAMESPACE', 'NAME', 'READY', 'AGE'],
    ['NAMESPACE', 'NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
    ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    ['NAMESPACE', 'NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
    ['NAMESPACE', 'NAME', 'DATA', 'AGE'],
    ['NAMESPACE', 'NAME', 'TYPE', 'DATA', 'AGE'],
    // kubectl keeps the NAMESPACE column for a cluster-scoped kind listed after namespaced ones.
    ['NAMESPACE', 'NAME', 'CREATED AT'],
  ]);
  assert.match(out, /^kd\s+deployment\.apps\/web\s+2\/2\s+2\s+2\s+\d+s$/m);
  assert.match(out, /^kd\s+statefulset\.apps\/db\s+1\/1\s+\d+s$/m);
  assert.match(out, /^kd\s+service\/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);
  assert.match(out, /^kd\s+ingress\.networking\.k8s\.io\/web\s+<none>\s+web\.example\.com\s+80\s+\d+s$/m);
  assert.match(out, /^kd\s+configmap\/settings\s+2\s+\d+s$/m);
  assert.match(out, /^kd\s+secret\/creds\s+kubernetes\.io\/basic-auth\s+2\s+\d+s$/m);
  assert.match(out, /^\s+customresourcedefinition\.apiextensions\.k8s\.io\/widgets\.example\.com\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
  assert.deepEqual(headers(await ok(['get', 'crd'])), [['NAME', 'CREATED AT']]);

  const wide = await ok(['-n', 'kd', 'get', 'deploy,sts,ds,svc,pods', '-o', 'wide']);
  assert.deepEqual(headers(wide), [
    ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
    ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES'],
    ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
    ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR'],
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  ]);
  assert.match(wide, /^deployment\.apps\/web\s+2\/2\s+2\s+2\s+\d+s\s+web\s+nginx:1\.25\s+app=web$/m);
  assert.match(wide, /^pod\/db-0\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.\d+\.\d+\s+\S+\s+<none>\s+<none>$/m);

  const widgets = await ok(['-n', 'kd', 'get', 'widgets']);
  assert.deepEqual(headers(widgets), [['NAME', 'COLOR', 'REPLICAS', 'AGE']]);
  assert.match(widgets, /^w1\s+red\s+2\s+\d+s$/m);
  assert.deepEqual(headers(await ok(['-n', 'kd', 'get', 'wd', '-o', 'wide'])), [['NAME', 'COLOR', 'REPLICAS', 'SIZE', 'AGE']]);
  assert.deepEqual(headers(await ok(['get', 'nodes,namespaces,priorityclasses,storageclasses'])), [
    ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    ['NAME', 'STATUS', 'AGE'],
    ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY'],
    ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
  ]);
  await ok(['-n', 'kd', 'create', 'job', 'once', '--image=busybox']);
  await ok(['-n', 'kd', 'create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *']);
  await ok(['-n', 'kd', 'create', 'role', 'reader', '--verb=get', '--resource=pods']);
  await ok(['-n', 'kd', 'create', 'rolebinding', 'reader', '--role=reader', '--user=alice']);
  assert.deepEqual(headers(await ok(['-n', 'kd', 'get', 'jobs,cronjobs,roles,rolebindings,serviceaccounts,replicasets'])), [
    ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
    ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
    ['NAME', 'CREATED AT'],
    ['NAME', 'ROLE', 'AGE'],
    ['NAME', 'SECRETS', 'AGE'],
    ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
  ]);
});

test('kubectl get --chunk-size pages through the list', async () => {
  await ok(['create', 'namespace', 'chunks']);
  for (let i = 1; i <= 5; i++) await ok(['-n', 'chunks', 'create', 'configmap', `c${i}`, `--from-literal=i=${i}`]);
  const whole = await ok(['-n', 'chunks', 'get', 'cm']);
  const r = await c.kubectl(['-n', 'chunks', 'get', 'cm', '--chunk-size=2', '-v=6']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, whole);
  const gets = r.stderr.split('\n').filter((l) => /verb="GET" url="[^"]*\/configmaps\?/.test(l));
  assert.equal(gets.length, 3, r.stderr);
  assert.ok(gets.every((l) => l.includes('limit=2')));
  assert.ok(gets.slice(1).every((l) => l.includes('continue=')));
  assert.deepEqual(
    whole.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]),
    ['c1', 'c2', 'c3', 'c4', 'c5', 'kube-root-ca.crt'],
  );
});

test('kubectl get --field-selector: supported labels filter, others are refused', async () => {
  await ok(['create', 'namespace', 'fs']);
  await ok(['-n', 'fs', 'run', 'one', '--image=busybox', '--restart=Never']);
  await ok(['-n', 'fs', 'create', 'secret', 'tls', 'cert', '--cert=/dev/null', '--key=/dev/null']).catch(() => undefined);
  await ok(['-n', 'fs', 'create', 'secret', 'generic', 'plain', '--from-literal=a=b']);
  await ok(['-n', 'fs', 'wait', '--for=condition=Ready', 'pod/one', '--timeout=60s']);
  const node = (await ok(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
  assert.equal((await ok(['get', 'pods', '-A', '-o', 'name', `--field-selector=status.phase=Running,spec.nodeName=${node},metadata.namespace=fs`])).trim(), 'pod/one');
  assert.equal((await ok(['get', 'pods', '-A', '-o', 'name', '--field-selector=status.phase=Pending,metadata.namespace=fs'])).trim(), '');
  assert.equal((await ok(['-n', 'fs', 'get', 'secrets', '-o', 'name', '--field-selector=type=Opaque'])).trim(), 'secret/plain');
  assert.match(await ok(['get', 'ns', '-o', 'name', '--field-selector=status.phase=Active']), /^namespace\/fs$/m);
  const bad = await c.kubectl(['-n', 'fs', 'get', 'pods', '--field-selector=spec.containers=x']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /field label not supported: spec\.containers/);
  const other = await c.kubectl(['-n', 'fs', 'get', 'configmaps', '--field-selector=data.a=b']);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /"data\.a" is not a known field selector: only "metadata\.name", "metadata\.namespace"/);
});

test('kubectl delete --cascade=foreground leaves no ReplicaSet or Pod; --cascade=orphan leaves them unowned', async () => {
  await ok(['create', 'namespace', 'cascade']);
  await ok(['-n', 'cascade', 'create', 'deployment', 'fg', '--image=nginx', '--replicas=2']);
  await ok(['-n', 'cascade', 'rollout', 'status', 'deployment/fg', '--timeout=60s']);
  assert.equal((await ok(['-n', 'cascade', 'get', 'rs,pods', '-l', 'app=fg', '-o', 'name'])).trim().split('\n').length, 3);
  assert.equal((await ok(['-n', 'cascade', 'delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=60s'])).trim(), 'deployment.apps "fg" deleted');
  // kubectl returned once the Deployment was gone, which foreground deletion allows only after its dependents.
  assert.equal((await ok(['-n', 'cascade', 'get', 'deploy,rs,pods', '-l', 'app=fg', '-o', 'name'])).trim(), '');

  await ok(['-n', 'cascade', 'create', 'deployment', 'orph', '--image=nginx', '--replicas=2']);
  await ok(['-n', 'cascade', 'rollout', 'status', 'deployment/orph', '--timeout=60s']);
  await ok(['-n', 'cascade', 'delete', 'deployment', 'orph', '--cascade=orphan', '--timeout=60s']);
  await new Promise((r) => setTimeout(r, 300));
  const rs = JSON.parse(await ok(['-n', 'cascade', 'get', 'rs', '-l', 'app=orph', '-o', 'json']));
  assert.equal(rs.items.length, 1);
  assert.equal(rs.items[0].metadata.ownerReferences, undefined);
  const pods = JSON.parse(await ok(['-n', 'cascade', 'get', 'pods', '-l', 'app=orph', '-o', 'json']));
  assert.equal(pods.items.length, 2);
  // The pods still belong to their (now unowned) ReplicaSet.
  assert.ok(pods.items.every((p: { metadata: { ownerReferences: { kind: string; name: string }[] } }) => p.metadata.ownerReferences[0]!.name === rs.items[0].metadata.name));
  assert.equal((await ok(['-n', 'cascade', 'get', 'deploy', '-o', 'name'])).trim(), '');
});

test('kubectl scale: Deployments, StatefulSets, ReplicaSets and custom resources with a scale subresource', async () => {
  await ok(['create', 'namespace', 'sc']);
  await ok(['-n', 'sc', 'create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
  assert.equal((await ok(['-n', 'sc', 'scale', 'deployment/web', '--replicas=3'])).trim(), 'deployment.apps/web scaled');
  await ok(['-n', 'sc', 'rollout', 'status', 'deployment/web', '--timeout=60s']);
  await poll('three pods', async () => (await ok(['-n', 'sc', 'get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length === 3);
  const refused = await c.kubectl(['-n', 'sc', 'scale', 'deployment/web', '--current-replicas=9', '--replicas=1']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Expected replicas to be 9, was 3/);

  await ok(['-n', 'sc', 'apply', '-f', '-'], {
    stdin: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: loose}
spec:
  replicas: 1
  selector: {matchLabels: {app: loose}}
  template:
    metadata: {labels: {app: loose}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w2}
spec: {color: blue, replicas: 1}
`,
  });
  await ok(['-n', 'sc', 'scale', 'statefulset/db', '--replicas=2']);
  await poll('db-1', async () => (await ok(['-n', 'sc', 'get', 'pods', '-l', 'app=db', '-o', 'name'])).trim() === 'pod/db-0\npod/db-1');
  await ok(['-n', 'sc', 'scale', 'replicaset/loose', '--replicas=2']);
  await poll('two loose pods', async () => (await ok(['-n', 'sc', 'get', 'pods', '-l', 'app=loose', '-o', 'name'])).trim().split('\n').length === 2);
  assert.equal((await ok(['-n', 'sc', 'scale', 'widget/w2', '--replicas=4'])).trim(), 'widget.example.com/w2 scaled');
  assert.equal((await ok(['-n', 'sc', 'get', 'widget', 'w2', '-o', 'jsonpath={.spec.replicas}'])).trim(), '4');
  const scale = await ok(['-n', 'sc', 'get', 'deployment', 'web', '--subresource=scale']);
  assert.deepEqual(headers(scale), [['NAME', 'DESIRED', 'AVAILABLE', 'AGE']]);
  assert.match(scale, /^web\s+3\s+3\s+\d+s$/m);
});

test('kubectl explain walks built-in and custom fields: types and structure', async () => {
  const containers = await ok(['explain', 'deployment.spec.template.spec.containers']);
  assert.match(containers, /^GROUP:\s+apps$/m);
  assert.match(containers, /^KIND:\s+Deployment$/m);
  assert.match(containers, /^VERSION:\s+v1$/m);
  assert.match(containers, /^FIELD: containers <\[\]Container>$/m);
  for (const field of ['args\t<[]string>', 'env\t<[]EnvVar>', 'image\t<string>', 'name\t<string> -required-', 'ports\t<[]ContainerPort>', 'resources\t<ResourceRequirements>', 'securityContext\t<SecurityContext>']) {
    assert.ok(containers.includes(`  ${field}\n`), `${field} in\n${containers}`);
  }
  assert.match(await ok(['explain', 'deployment.spec.replicas']), /^FIELD: replicas <integer>$/m);
  assert.match(await ok(['explain', 'pods.spec.containers.ports.containerPort']), /^FIELD: containerPort <integer>$/m);
  assert.match(await ok(['explain', 'pods.spec.containers.ports']), /^  containerPort\t<integer> -required-$/m);
  const recursive = await ok(['explain', 'deployment.spec.strategy', '--recursive']);
  assert.match(recursive, /^\s+rollingUpdate\t<RollingUpdateDeployment>$/m);
  // kubectl names a referenced type only when it is an object; IntOrString is a string.
  assert.match(recursive, /^\s+maxSurge\t<string>$/m);
  const widget = await ok(['explain', 'widgets.spec']);
  assert.match(widget, /^GROUP:\s+example\.com$/m);
  assert.match(widget, /^KIND:\s+Widget$/m);
  assert.match(widget, /^FIELD: spec <Object>$/m);
  for (const field of ['color\t<string>', 'parts\t<[]Object>', 'replicas\t<integer>', 'size\t<number>']) assert.ok(widget.includes(`  ${field}\n`), `${field} in\n${widget}`);
  assert.match(await ok(['explain', 'widget.spec.parts.count']), /^FIELD: count <integer>$/m);
  const missing = await c.kubectl(['explain', 'deployment.spec.nonsense']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /field "nonsense" does not exist/);
});
