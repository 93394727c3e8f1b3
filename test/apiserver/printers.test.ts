/**
 * The Table columns and cells of kube-apiserver's printers, kind by kind (what `kubectl get`
 * prints): headers with their priorities, and the cells' rules for the tricky kinds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../src/apiserver/registry.js';
import { columnNames, humanDuration, toTable } from '../../src/apiserver/table.js';
import { typesFromCrd } from '../../src/apiserver/crd.js';
import type { ValueMap } from '../../src/yaml/types.js';

const registry = new Registry();
const NOW = new Date('2025-06-01T12:00:00Z');
const AGO = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function type(group: string, kind: string) {
  const t = registry.all().find((x) => x.group === group && x.kind === kind);
  assert.ok(t, `${group}/${kind} served`);
  return t;
}

function cells(group: string, kind: string, obj: ValueMap): Record<string, unknown> {
  const t = type(group, kind);
  const table = toTable(t, [obj], { resourceVersion: '1' }, 'None', NOW);
  const names = (table.columnDefinitions as { name: string }[]).map((c) => c.name);
  const row = (table.rows as { cells: unknown[] }[])[0]!.cells;
  return Object.fromEntries(names.map((n, i) => [n, row[i]]));
}

test('headers of every kind kubectl get users meet, wide columns after -o wide', () => {
  const cases: [string, string, string[], string[]][] = [
    ['apps', 'Deployment', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'], ['Containers', 'Images', 'Selector']],
    ['apps', 'StatefulSet', ['Name', 'Ready', 'Age'], ['Containers', 'Images']],
    ['apps', 'DaemonSet', ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age'], ['Containers', 'Images', 'Selector']],
    ['apps', 'ReplicaSet', ['Name', 'Desired', 'Current', 'Ready', 'Age'], ['Containers', 'Images', 'Selector']],
    ['apps', 'ControllerRevision', ['Name', 'Controller', 'Revision', 'Age'], []],
    ['', 'Service', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'], ['Selector']],
    ['networking.k8s.io', 'Ingress', ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'], []],
    ['networking.k8s.io', 'IngressClass', ['Name', 'Controller', 'Parameters', 'Age'], []],
    ['networking.k8s.io', 'NetworkPolicy', ['Name', 'Pod-Selector', 'Age'], []],
    ['', 'ConfigMap', ['Name', 'Data', 'Age'], []],
    ['', 'Secret', ['Name', 'Type', 'Data', 'Age'], []],
    ['', 'Pod', ['Name', 'Ready', 'Status', 'Restarts', 'Age'], ['IP', 'Node', 'Nominated Node', 'Readiness Gates']],
    ['', 'Namespace', ['Name', 'Status', 'Age'], []],
    ['', 'Node', ['Name', 'Status', 'Roles', 'Age', 'Version'], ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']],
    ['', 'Event', ['Last Seen', 'Type', 'Reason', 'Object', 'Message'], ['Subobject', 'Source', 'First Seen', 'Count', 'Name']],
    ['events.k8s.io', 'Event', ['Last Seen', 'Type', 'Reason', 'Object', 'Message'], ['Subobject', 'Source', 'First Seen', 'Count', 'Name']],
    ['', 'ServiceAccount', ['Name', 'Secrets', 'Age'], []],
    ['', 'PersistentVolumeClaim', ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age'], ['VolumeMode']],
    ['', 'PersistentVolume', ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age'], ['VolumeMode']],
    ['', 'Endpoints', ['Name', 'Endpoints', 'Age'], []],
    ['', 'ResourceQuota', ['Name', 'Request', 'Limit', 'Age'], []],
    ['', 'LimitRange', ['Name', 'Created At'], []],
    ['batch', 'Job', ['Name', 'Status', 'Completions', 'Duration', 'Age'], ['Containers', 'Images', 'Selector']],
    ['batch', 'CronJob', ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age'], ['Containers', 'Images', 'Selector']],
    ['apiextensions.k8s.io', 'CustomResourceDefinition', ['Name', 'Created At'], []],
    ['rbac.authorization.k8s.io', 'Role', ['Name', 'Created At'], []],
    ['rbac.authorization.k8s.io', 'ClusterRole', ['Name', 'Created At'], []],
    ['rbac.authorization.k8s.io', 'RoleBinding', ['Name', 'Role', 'Age'], ['Users', 'Groups', 'ServiceAccounts']],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding', ['Name', 'Role', 'Age'], ['Users', 'Groups', 'ServiceAccounts']],
    ['autoscaling', 'HorizontalPodAutoscaler', ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age'], []],
    ['policy', 'PodDisruptionBudget', ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age'], []],
    ['coordination.k8s.io', 'Lease', ['Name', 'Holder', 'Age'], []],
    ['scheduling.k8s.io', 'PriorityClass', ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy'], []],
    ['storage.k8s.io', 'StorageClass', ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age'], []],
    ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', ['Name', 'Webhooks', 'Age'], []],
    ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicy', ['Name', 'Validations', 'ParamKind', 'Age'], []],
    ['discovery.k8s.io', 'EndpointSlice', ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'], []],
  ];
  for (const [group, kind, normal, wide] of cases) {
    const t = type(group, kind);
    assert.deepEqual(columnNames(t), normal, `${kind} columns`);
    assert.deepEqual(columnNames(t, true).filter((n) => !normal.includes(n)), wide, `${kind} wide columns`);
  }
});

test('pod status follows container states: running, waiting reasons, init progress, terminating, restarts', () => {
  const base = (status: ValueMap, extra: ValueMap = {}): ValueMap => ({
    metadata: { name: 'p', creationTimestamp: AGO(90), ...extra },
    spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'n1' },
    status,
  });
  const running = { running: { startedAt: AGO(80) } };
  assert.deepEqual(
    cells('', 'Pod', base({ phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], containerStatuses: [{ name: 'a', ready: true, state: running, restartCount: 0 }, { name: 'b', ready: true, state: running, restartCount: 0 }] })),
    { Name: 'p', Ready: '2/2', Status: 'Running', Restarts: '0', Age: '90s', IP: '10.0.0.5', Node: 'n1', 'Nominated Node': '<none>', 'Readiness Gates': '<none>' },
  );
  const waiting = cells('', 'Pod', base({ phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } }, { name: 'b', ready: true, state: running }] }));
  assert.deepEqual([waiting.Ready, waiting.Status, waiting.IP], ['1/2', 'ImagePullBackOff', '<none>']);
  const restarted = cells('', 'Pod', base({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: running, restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: AGO(300) } } }] }));
  assert.equal(restarted.Restarts, '3 (5m ago)');
  const init = cells('', 'Pod', { ...base({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }] }), spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i1' }, { name: 'i2' }] } });
  assert.equal(init.Status, 'Init:1/2');
  const crash = cells('', 'Pod', { ...base({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { waiting: { reason: 'CrashLoopBackOff' } } }] }), spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i1' }] } });
  assert.equal(crash.Status, 'Init:CrashLoopBackOff');
  const done = cells('', 'Pod', base({ phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }));
  assert.deepEqual([done.Ready, done.Status], ['0/2', 'Completed']);
  const killed = cells('', 'Pod', base({ phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } }] }));
  assert.equal(killed.Status, 'Signal:9');
  const deleting = cells('', 'Pod', base({ phase: 'Running', containerStatuses: [] }, { deletionTimestamp: AGO(1) }));
  assert.equal(deleting.Status, 'Terminating');
  const gates = cells('', 'Pod', { ...base({ phase: 'Running', conditions: [{ type: 'example.com/ready', status: 'True' }] }), spec: { containers: [{ name: 'a' }], readinessGates: [{ conditionType: 'example.com/ready' }, { conditionType: 'example.com/other' }] } });
  assert.equal(gates['Readiness Gates'], '1/2');
});

test('workload cells: replicas, selectors in string form, node selectors, containers', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }], nodeSelector: { zone: 'b', disk: 'ssd' } } };
  const selector: ValueMap = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }, { key: 'legacy', operator: 'DoesNotExist' }] };
  assert.deepEqual(cells('apps', 'Deployment', { metadata: { name: 'web', creationTimestamp: AGO(600) }, spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } }), {
    Name: 'web',
    Ready: '2/3',
    'Up-to-date': 3,
    Available: 2,
    Age: '10m',
    Containers: 'web,log',
    Images: 'nginx:1.25,busybox',
    Selector: 'app=web,!legacy,tier in (edge,front)',
  });
  const ds = cells('apps', 'DaemonSet', { metadata: { name: 'ds', creationTimestamp: AGO(7200) }, spec: { selector: { matchLabels: { app: 'web' } }, template }, status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 } });
  assert.deepEqual([ds.Desired, ds.Ready, ds['Node Selector'], ds.Age, ds.Selector], [2, 1, 'disk=ssd,zone=b', '120m', 'app=web']);
  const sts = cells('apps', 'StatefulSet', { metadata: { name: 'db', creationTimestamp: AGO(3 * 86400) }, spec: { replicas: 2, template }, status: { readyReplicas: 2 } });
  assert.deepEqual([sts.Ready, sts.Age], ['2/2', '3d']);
  const rev = cells('apps', 'ControllerRevision', { metadata: { name: 'db-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', controller: true }] }, revision: 4 });
  assert.deepEqual([rev.Controller, rev.Revision], ['statefulset.apps/db', 4]);
});

test('service, ingress and endpoint cells', () => {
  const svc = (spec: ValueMap, status: ValueMap = {}) => cells('', 'Service', { metadata: { name: 's' }, spec, status });
  assert.deepEqual(svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], selector: { k: 'v' } }), {
    Name: 's',
    Type: 'ClusterIP',
    'Cluster-IP': '10.96.0.10',
    'External-IP': '<none>',
    'Port(s)': '53/UDP,53/TCP',
    Age: '<unknown>',
    Selector: 'k=v',
  });
  assert.equal(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] })['External-IP'], '<pending>');
  assert.equal(svc({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }, { hostname: 'lb.example.com' }] } })['External-IP'], '1.2.3.4,lb.example.com');
  assert.equal(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] })['Port(s)'], '80:30080/TCP');
  assert.equal(svc({ type: 'ExternalName', externalName: 'db.example.com' })['External-IP'], 'db.example.com');
  const ing = cells('networking.k8s.io', 'Ingress', { metadata: { name: 'i' }, spec: { ingressClassName: 'nginx', rules: [{ host: 'a' }, { host: 'b' }, {}, { host: 'c' }, { host: 'd' }], tls: [{ hosts: ['a'] }] } });
  assert.deepEqual([ing.Class, ing.Hosts, ing.Ports], ['nginx', 'a,b,c + 2 more...', '80, 443']);
  const ep = cells('', 'Endpoints', { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] });
  assert.equal(ep.Endpoints, '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
});

test('job, cronjob, autoscaler and event cells', () => {
  const job = cells('batch', 'Job', { metadata: { name: 'j' }, spec: { parallelism: 3, template: {} }, status: { succeeded: 1, startTime: AGO(130), conditions: [{ type: 'Suspended', status: 'True' }] } });
  assert.deepEqual([job.Status, job.Completions, job.Duration], ['Suspended', '1/1 of 3', '2m10s']);
  const done = cells('batch', 'Job', { metadata: { name: 'j' }, spec: { completions: 2, template: {} }, status: { succeeded: 2, startTime: AGO(100), completionTime: AGO(40), conditions: [{ type: 'Complete', status: 'True' }] } });
  assert.deepEqual([done.Status, done.Completions, done.Duration], ['Complete', '2/2', '60s']);
  const cj = cells('batch', 'CronJob', { metadata: { name: 'c' }, spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: {} } } }, status: { active: [{ name: 'x' }], lastScheduleTime: AGO(30) } });
  assert.deepEqual([cj.Schedule, cj.Timezone, cj.Suspend, cj.Active, cj['Last Schedule']], ['*/5 * * * *', '<none>', 'False', 1, '30s']);
  const hpa = cells('autoscaling', 'HorizontalPodAutoscaler', {
    apiVersion: 'autoscaling/v2',
    metadata: { name: 'h' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }, { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }, { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } }] },
    status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 41 } } }] },
  });
  assert.deepEqual([hpa.Reference, hpa.Targets, hpa.MinPods, hpa.MaxPods, hpa.Replicas], ['Deployment/web', 'cpu: 41%/80%, memory: <unknown>/500Mi + 1 more...', '<unset>', 5, 2]);
  const core = cells('', 'Event', { metadata: { name: 'e1' }, type: 'Warning', reason: 'BackOff', involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' }, message: ' Back-off restarting \n', source: { component: 'kubelet', host: 'n1' }, firstTimestamp: AGO(600), lastTimestamp: AGO(5), count: 7 });
  assert.deepEqual(core, { 'Last Seen': '5s', Type: 'Warning', Reason: 'BackOff', Object: 'pod/web-1', Subobject: 'spec.containers{web}', Source: 'kubelet, n1', Message: 'Back-off restarting', 'First Seen': '10m', Count: 7, Name: 'e1' });
  const newer = cells('events.k8s.io', 'Event', { apiVersion: 'events.k8s.io/v1', metadata: { name: 'e2' }, type: 'Normal', reason: 'Scheduled', regarding: { kind: 'Pod', name: 'web-2' }, note: 'assigned', eventTime: AGO(20), reportingController: 'scheduler', reportingInstance: 'sched-1' });
  assert.deepEqual([newer['Last Seen'], newer.Object, newer.Source, newer.Message, newer.Count], ['20s', 'pod/web-2', 'scheduler, sched-1', 'assigned', 1]);
});

test('storage, rbac and scheduling cells', () => {
  const pvc = cells('', 'PersistentVolumeClaim', { metadata: { name: 'data' }, spec: { volumeName: 'pv-1', storageClassName: 'standard' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'] } });
  assert.deepEqual([pvc.Status, pvc.Volume, pvc.Capacity, pvc['Access Modes'], pvc.StorageClass, pvc.VolumeAttributesClass, pvc.VolumeMode], ['Bound', 'pv-1', '1Gi', 'RWO,RWX', 'standard', '<unset>', '<unset>']);
  const sc = cells('storage.k8s.io', 'StorageClass', { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'x' });
  assert.deepEqual([sc.Name, sc.ReclaimPolicy, sc.VolumeBindingMode, sc.AllowVolumeExpansion], ['standard (default)', 'Delete', 'Immediate', false]);
  const rb = cells('rbac.authorization.k8s.io', 'RoleBinding', { metadata: { name: 'rb' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }, { kind: 'User', name: 'bob' }] });
  assert.deepEqual([rb.Role, rb.Users, rb.Groups, rb.ServiceAccounts], ['ClusterRole/view', 'alice, bob', 'devs', 'tools/ci']);
  const quota = cells('', 'ResourceQuota', { metadata: { name: 'q' }, status: { hard: { pods: '10', 'limits.cpu': '2', 'requests.memory': '1Gi' }, used: { pods: '3', 'limits.cpu': '500m' } } });
  assert.deepEqual([quota.Request, quota.Limit], ['pods: 3/10, requests.memory: 0/1Gi', 'limits.cpu: 500m/2']);
  const pdb = cells('policy', 'PodDisruptionBudget', { metadata: { name: 'p' }, spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } });
  assert.deepEqual([pdb['Min Available'], pdb['Max Unavailable'], pdb['Allowed Disruptions']], ['50%', 'N/A', 1]);
  const crd = cells('apiextensions.k8s.io', 'CustomResourceDefinition', { metadata: { name: 'widgets.example.com', creationTimestamp: '2025-05-01T10:00:00Z' } });
  assert.deepEqual(crd, { Name: 'widgets.example.com', 'Created At': '2025-05-01T10:00:00Z' });
});

test('custom resources print their additionalPrinterColumns by type, or Age', () => {
  const crd: ValueMap = {
    metadata: { name: 'widgets.example.com', uid: 'u' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          additionalPrinterColumns: [
            { name: 'Color', type: 'string', jsonPath: '.spec.color' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Ready', type: 'boolean', jsonPath: '.status.ready', priority: 1 },
            { name: 'Started', type: 'date', jsonPath: '.status.startedAt' },
          ],
        },
        { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
  };
  const [v1, v2] = typesFromCrd(crd);
  const t1 = toTable(v1!, [{ metadata: { name: 'w' }, spec: { color: 'red', replicas: 2.5 }, status: { ready: true, startedAt: AGO(65) } }], {}, 'None', NOW);
  assert.deepEqual((t1.columnDefinitions as { name: string; type: string; priority: number }[]).map((c) => [c.name, c.type, c.priority]), [
    ['Name', 'string', 0],
    ['Color', 'string', 0],
    ['Replicas', 'integer', 0],
    ['Ready', 'boolean', 1],
    ['Started', 'date', 0],
  ]);
  // A non-integral number in an integer column is no cell at all, as the server sends it.
  assert.deepEqual((t1.rows as { cells: unknown[] }[])[0]!.cells, ['w', 'red', null, true, '65s']);
  assert.deepEqual(columnNames(v2!), ['Name', 'Age']);
});

test('ages print as kubectl prints durations', () => {
  const s = 1000;
  assert.deepEqual(
    [0, 59, 119, 120, 125, 599, 600, 10799, 10800, 3 * 3600 + 25 * 60, 8 * 3600, 47 * 3600, 48 * 3600, 50 * 3600, 8 * 86400, 800 * 86400, 3 * 365 * 86400, 9 * 365 * 86400].map((x) => humanDuration(x * s)),
    ['0s', '59s', '119s', '2m', '2m5s', '9m59s', '10m', '179m', '3h', '3h25m', '8h', '47h', '2d', '2d2h', '8d', '2y70d', '3y', '9y'],
  );
  assert.equal(humanDuration(-5000), '<invalid>');
});
