/**
 * Lists as kube-apiserver answers them, over HTTP: pages read from one snapshot, an expired
 * continue token (410 with a token that goes on), exact resourceVersion reads, the field
 * selectors each kind supports; deletion propagation with the foregroundDeletion and orphan
 * finalizers; the scale subresource.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { poll, startCluster, uniqueName, type TestCluster } from './helpers.js';

let c: TestCluster;
before(async () => {
  c = await startCluster({ watchHistory: 50 });
});
after(async () => {
  await c?.stop();
});

async function ns(): Promise<string> {
  const name = uniqueName('ls');
  const r = await c.req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.equal(r.status, 201, r.text);
  return name;
}

const cm = (name: string, data: Record<string, string> = { v: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const names = (r: { json: { items: { metadata: { name: string } }[] } }) => r.json.items.map((i) => i.metadata.name);
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

test('pages after the first are read from the first page\'s snapshot', async () => {
  const n = await ns();
  for (const x of ['c1', 'c2', 'c3', 'c4', 'c5']) await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm(x));
  const base = `/api/v1/namespaces/${n}/configmaps?fieldSelector=${encodeURIComponent('metadata.name!=kube-root-ca.crt')}`;
  const page1 = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?limit=2`);
  assert.deepEqual(names(page1), ['c1', 'c2']);
  assert.equal(page1.json.metadata.remainingItemCount, 4); // c3, c4, c5, kube-root-ca.crt
  const snapshot = page1.json.metadata.resourceVersion;
  // The world moves on between pages.
  await c.req('DELETE', `/api/v1/namespaces/${n}/configmaps/c3`);
  await c.req('PATCH', `/api/v1/namespaces/${n}/configmaps/c4`, { data: { v: '2' } }, MERGE);
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('c6'));
  const page2 = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?limit=2&continue=${encodeURIComponent(page1.json.metadata.continue)}`);
  assert.deepEqual(names(page2), ['c3', 'c4']);
  assert.equal(page2.json.items[1].data.v, '1');
  assert.equal(page2.json.metadata.resourceVersion, snapshot);
  const page3 = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?limit=2&continue=${encodeURIComponent(page2.json.metadata.continue)}`);
  assert.deepEqual(names(page3), ['c5', 'kube-root-ca.crt']);
  assert.equal(page3.json.metadata.continue, undefined);
  // The same snapshot, whole, by resourceVersion; and the present.
  const exact = await c.req('GET', `${base}&resourceVersion=${snapshot}&resourceVersionMatch=Exact`);
  assert.deepEqual(names(exact), ['c1', 'c2', 'c3', 'c4', 'c5']);
  assert.equal(exact.json.metadata.resourceVersion, snapshot);
  assert.deepEqual(names(await c.req('GET', base)), ['c1', 'c2', 'c4', 'c5', 'c6']);
});

test('a continue token whose snapshot is gone gets 410 Expired and a token that goes on at the latest state', async () => {
  const n = await ns();
  for (const x of ['a', 'b', 'c', 'd']) await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm(x));
  const page1 = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?limit=2`);
  assert.deepEqual(names(page1), ['a', 'b']);
  // More changes than the history keeps (50).
  for (let i = 0; i < 30; i++) {
    await c.req('PATCH', `/api/v1/namespaces/${n}/configmaps/c`, { data: { v: String(i) } }, MERGE);
    await c.req('PATCH', `/api/v1/namespaces/${n}/configmaps/d`, { data: { v: String(i) } }, MERGE);
  }
  const expired = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?limit=2&continue=${encodeURIComponent(page1.json.metadata.continue)}`);
  assert.equal(expired.status, 410);
  assert.deepEqual([expired.json.kind, expired.json.status, expired.json.reason, expired.json.code], ['Status', 'Failure', 'Expired', 410]);
  assert.equal(
    expired.json.message,
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  const rest = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?limit=2&continue=${encodeURIComponent(expired.json.metadata.continue)}`);
  assert.equal(rest.status, 200);
  assert.deepEqual(names(rest), ['c', 'd']);
  assert.equal(rest.json.items[0].data.v, '29');
  const old = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?resourceVersion=${page1.json.metadata.resourceVersion}&resourceVersionMatch=Exact`);
  assert.deepEqual([old.status, old.json.reason, old.json.message], [410, 'Expired', 'The resourceVersion for the provided list is too old.']);
});

test('malformed paging requests are 400 Bad Request', async () => {
  const bad = await c.req('GET', '/api/v1/namespaces/default/configmaps?limit=1&continue=not-a-token');
  assert.deepEqual([bad.status, bad.json.reason], [400, 'BadRequest']);
  assert.match(bad.json.message, /^continue key is not valid: /);
  const both = await c.req('GET', `/api/v1/namespaces/default/configmaps?resourceVersionMatch=Exact`);
  assert.deepEqual([both.status, both.json.message], [400, 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided']);
  const future = await c.req('GET', `/api/v1/namespaces/default/configmaps?resourceVersion=999999999&resourceVersionMatch=NotOlderThan`);
  assert.deepEqual([future.status, future.json.reason], [504, 'Timeout']);
  assert.match(future.json.message, /^Too large resource version: 999999999, current: \d+$/);
});

test('field selectors: each kind\'s own labels, and the two messages for the others', async () => {
  const n = await ns();
  const q = (path: string, sel: string) => c.req('GET', `${path}?fieldSelector=${encodeURIComponent(sel)}`);
  await c.req('POST', `/api/v1/namespaces/${n}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } });
  await c.req('POST', `/api/v1/namespaces/${n}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain' }, stringData: { a: 'b' } });
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/secrets`, 'type=kubernetes.io/tls')), ['tls']);
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/secrets`, 'type!=kubernetes.io/tls')), ['plain']);
  const pod = (name: string, hostNetwork: boolean) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { hostNetwork, restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } });
  await c.req('POST', `/api/v1/namespaces/${n}/pods`, pod('p1', true));
  await c.req('POST', `/api/v1/namespaces/${n}/pods`, pod('p2', false));
  await poll('pods running', async () => names(await q(`/api/v1/namespaces/${n}/pods`, 'status.phase=Running')).length === 2);
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/pods`, 'spec.hostNetwork=true')), ['p1']);
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/pods`, 'spec.restartPolicy=Never,spec.hostNetwork!=true')), ['p2']);
  const node = (await c.req('GET', '/api/v1/nodes')).json.items[0].metadata.name;
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/pods`, `spec.nodeName=${node}`)), ['p1', 'p2']);
  // spec.host is the old name of spec.nodeName.
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/pods`, `spec.host=${node}`)), ['p1', 'p2']);
  const ip = (await c.req('GET', `/api/v1/namespaces/${n}/pods/p2`)).json.status.podIP;
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/pods`, `status.podIP=${ip}`)), ['p2']);
  assert.deepEqual(names(await q('/api/v1/namespaces', `status.phase=Active,metadata.name=${n}`)), [n]);
  assert.deepEqual(names(await q('/api/v1/nodes', 'spec.unschedulable=false')), [node]);
  await c.req('POST', `/api/v1/namespaces/${n}/events`, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'ev1' },
    involvedObject: { kind: 'Pod', name: 'p1', namespace: n },
    reason: 'Tested',
    type: 'Warning',
    source: { component: 'tester' },
    reportingComponent: 'tester-ctl',
    message: 'hello',
  });
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/events`, 'involvedObject.kind=Pod,involvedObject.name=p1,reason=Tested,type=Warning,source=tester,reportingComponent=tester-ctl')), ['ev1']);
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/events`, 'involvedObject.name=p2')), []);
  assert.deepEqual(names(await q(`/apis/events.k8s.io/v1/namespaces/${n}/events`, 'regarding.name=p1,reportingController=tester-ctl,source=tester')), ['ev1']);
  const wrongName = await q(`/apis/events.k8s.io/v1/namespaces/${n}/events`, 'involvedObject.name=p1');
  assert.deepEqual([wrongName.status, wrongName.json.message], [400, 'field label not supported: involvedObject.name']);
  const svc = await c.req('POST', `/api/v1/namespaces/${n}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
  assert.deepEqual(names(await q(`/api/v1/namespaces/${n}/services`, `spec.type=NodePort,spec.clusterIP=${svc.json.spec.clusterIP}`)), ['s']);
  const unsupported: [string, string, string][] = [
    [`/api/v1/namespaces/${n}/pods`, 'spec.containers', 'field label not supported: spec.containers'],
    ['/api/v1/namespaces', 'metadata.namespace', 'field label not supported: metadata.namespace'],
    ['/api/v1/nodes', 'status.phase', 'field label not supported: status.phase'],
    [`/apis/batch/v1/namespaces/${n}/jobs`, 'status.succeeded', 'field label not supported: status.succeeded'],
    [`/api/v1/namespaces/${n}/configmaps`, 'data.a', '"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    [`/apis/apps/v1/namespaces/${n}/deployments`, 'spec.replicas', '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ];
  for (const [path, sel, message] of unsupported) {
    const r = await q(path, sel + '=x');
    assert.deepEqual([r.status, r.json.reason, r.json.message], [400, 'BadRequest', message], `${path} ${sel}`);
  }
  const setBased = await q(`/api/v1/namespaces/${n}/pods`, 'status.phase in (Running)');
  assert.equal(setBased.status, 400);
});

test('foreground deletion: the owner keeps foregroundDeletion until blocking dependents are gone', async () => {
  const n = await ns();
  const owner = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('owner'));
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.json.metadata.uid };
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, { ...cm('blocking'), metadata: { name: 'blocking', finalizers: ['example.com/hold'], ownerReferences: [{ ...ref, blockOwnerDeletion: true }] } });
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, { ...cm('loose'), metadata: { name: 'loose', finalizers: ['example.com/hold'], ownerReferences: [ref] } });
  const del = await c.req('DELETE', `/api/v1/namespaces/${n}/configmaps/owner`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
  assert.equal(del.status, 200);
  assert.deepEqual(del.json.metadata.finalizers, ['foregroundDeletion']);
  assert.match(del.json.metadata.deletionTimestamp, /Z$/);
  await poll('dependents marked', async () => {
    const [b, l] = await Promise.all([c.req('GET', `/api/v1/namespaces/${n}/configmaps/blocking`), c.req('GET', `/api/v1/namespaces/${n}/configmaps/loose`)]);
    return b.json.metadata.deletionTimestamp && l.json.metadata.deletionTimestamp;
  });
  const held = await c.req('GET', `/api/v1/namespaces/${n}/configmaps/owner`);
  assert.deepEqual(held.json.metadata.finalizers, ['foregroundDeletion']);
  // Releasing the non-blocking dependent changes nothing for the owner.
  await c.req('PATCH', `/api/v1/namespaces/${n}/configmaps/loose`, { metadata: { finalizers: null } }, MERGE);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await c.req('GET', `/api/v1/namespaces/${n}/configmaps/owner`)).status, 200);
  await c.req('PATCH', `/api/v1/namespaces/${n}/configmaps/blocking`, { metadata: { finalizers: null } }, MERGE);
  await poll('owner gone', async () => (await c.req('GET', `/api/v1/namespaces/${n}/configmaps/owner`)).status === 404);
});

test('orphan deletion: dependents lose their reference to the owner and stay', async () => {
  const n = await ns();
  const owner = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('owner'));
  const other = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('other'));
  const ref = (name: string, uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid });
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, { ...cm('dep'), metadata: { name: 'dep', ownerReferences: [ref('owner', owner.json.metadata.uid), ref('other', other.json.metadata.uid)] } });
  const del = await c.req('DELETE', `/api/v1/namespaces/${n}/configmaps/owner?propagationPolicy=Orphan`);
  assert.deepEqual(del.json.metadata.finalizers, ['orphan']);
  await poll('owner gone', async () => (await c.req('GET', `/api/v1/namespaces/${n}/configmaps/owner`)).status === 404);
  const dep = await c.req('GET', `/api/v1/namespaces/${n}/configmaps/dep`);
  assert.deepEqual(dep.json.metadata.ownerReferences.map((r: { name: string }) => r.name), ['other']);
});

test('a dependent whose owner does not exist is collected', async () => {
  const n = await ns();
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, { ...cm('stray'), metadata: { name: 'stray', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' }] } });
  await poll('stray collected', async () => (await c.req('GET', `/api/v1/namespaces/${n}/configmaps/stray`)).status === 404);
});

test('scale subresource: Deployments, ReplicaSets, StatefulSets, ReplicationControllers', async () => {
  const n = await ns();
  const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await c.req('POST', `/apis/apps/v1/namespaces/${n}/deployments`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1, selector: { matchLabels: { app: 'd' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, template: template('d') } });
  const scale = await c.req('GET', `/apis/apps/v1/namespaces/${n}/deployments/d/scale`);
  assert.deepEqual([scale.json.kind, scale.json.apiVersion, scale.json.spec, scale.json.status.selector], ['Scale', 'autoscaling/v1', { replicas: 1 }, 'app=d,tier notin (x)']);
  const patched = await c.req('PATCH', `/apis/apps/v1/namespaces/${n}/deployments/d/scale`, { spec: { replicas: 3 } }, MERGE);
  assert.deepEqual(patched.json.spec, { replicas: 3 });
  await poll('three pods', async () => (await c.req('GET', `/apis/apps/v1/namespaces/${n}/deployments/d/scale`)).json.status.replicas === 3);
  const stale = await c.req('PUT', `/apis/apps/v1/namespaces/${n}/deployments/d/scale`, { ...scale.json, spec: { replicas: 5 } });
  assert.deepEqual([stale.status, stale.json.reason], [409, 'Conflict']);
  const negative = await c.req('PATCH', `/apis/apps/v1/namespaces/${n}/deployments/d/scale`, { spec: { replicas: -1 } }, MERGE);
  assert.deepEqual([negative.status, negative.json.reason], [422, 'Invalid']);
  for (const [path, kind, body] of [
    ['apis/apps/v1', 'replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { replicas: 1, selector: { matchLabels: { app: 'r' } }, template: template('r') } }],
    ['apis/apps/v1', 'statefulsets', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { replicas: 1, serviceName: 's', selector: { matchLabels: { app: 's' } }, template: template('s') } }],
    ['api/v1', 'replicationcontrollers', { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { replicas: 1, selector: { app: 'rc' }, template: template('rc') } }],
  ] as const) {
    const created = await c.req('POST', `/${path}/namespaces/${n}/${kind}`, body);
    assert.equal(created.status, 201, created.text);
    const name = body.metadata.name;
    const put = await c.req('PUT', `/${path}/namespaces/${n}/${kind}/${name}/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace: n }, spec: { replicas: 2 } });
    assert.deepEqual([put.status, put.json.spec.replicas, put.json.status.selector], [200, 2, `app=${name}`], kind);
    const obj = await c.req('GET', `/${path}/namespaces/${n}/${kind}/${name}`);
    assert.equal(obj.json.spec.replicas, 2);
  }
  const table = await c.req('GET', `/apis/apps/v1/namespaces/${n}/deployments/d/scale`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  assert.deepEqual(table.json.columnDefinitions.map((d: { name: string }) => d.name), ['Name', 'Desired', 'Available', 'Age']);
  assert.deepEqual(table.json.rows[0].cells.slice(0, 3), ['d', 3, 3]);
});
