import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { httpsRequest, openWatch, poll, startCluster, uniqueName, type TestCluster } from './helpers.js';

let c: TestCluster;
before(async () => {
  c = await startCluster({ watchHistory: 200, bookmarkIntervalMs: 200 });
});
after(async () => {
  await c?.stop();
});

async function ns(): Promise<string> {
  const name = uniqueName('ns');
  const r = await c.req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.equal(r.status, 201, r.text);
  return name;
}

const cm = (name: string, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

test('requests without the bearer token get 401; health and version are public', async () => {
  const r = await httpsRequest(c.cluster.port, c.caCert, undefined, 'GET', '/api/v1/namespaces');
  assert.equal(r.status, 401);
  assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  const wrong = await httpsRequest(c.cluster.port, c.caCert, 'nope', 'GET', '/api');
  assert.equal(wrong.status, 401);
  const health = await httpsRequest(c.cluster.port, c.caCert, undefined, 'GET', '/readyz');
  assert.deepEqual([health.status, health.text], [200, 'ok']);
  const v = await httpsRequest(c.cluster.port, c.caCert, undefined, 'GET', '/version');
  assert.deepEqual([v.json.major, v.json.minor], ['1', '33']);
  assert.match(v.json.gitVersion, /^v1\.33\.\d+/);
});

test('aggregated discovery answers in apidiscovery.k8s.io/v2 when asked', async () => {
  const r = await c.req('GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
  assert.equal(r.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(r.json.kind, 'APIGroupDiscoveryList');
  const apps = r.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
  const deploy = apps.versions[0].resources.find((x: { resource: string }) => x.resource === 'deployments');
  assert.deepEqual(deploy, {
    resource: 'deployments',
    responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    scope: 'Namespaced',
    singularResource: 'deployment',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [
      { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    ],
  });
  const legacy = await c.req('GET', '/api');
  assert.deepEqual(legacy.json.versions, ['v1']);
  const list = await c.req('GET', '/api/v1');
  const pods = list.json.resources.find((x: { name: string }) => x.name === 'pods');
  assert.deepEqual(pods, { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'] });
  const groups = await c.req('GET', '/apis');
  const autoscaling = groups.json.groups.find((g: { name: string }) => g.name === 'autoscaling');
  assert.deepEqual(autoscaling.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
});

test('/openapi/v3 lists group-versions; their documents carry schemas and fieldValidation on PATCH', async () => {
  const index = await c.req('GET', '/openapi/v3');
  const url: string = index.json.paths['apis/apps/v1'].serverRelativeURL;
  assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
  const doc = await c.req('GET', url);
  assert.equal(doc.json.openapi, '3.0.0');
  const schema = doc.json.components.schemas['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.deepEqual(schema.properties.spec, { allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }] });
  const patch = doc.json.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
});

test('create, get, update with resourceVersion checks, and Status errors', async () => {
  const n = await ns();
  const created = await c.req('POST', `/api/v1/namespaces/${n}/configmaps?fieldManager=test`, cm('one'));
  assert.equal(created.status, 201);
  const meta = created.json.metadata;
  assert.match(meta.uid, /^[0-9a-f-]{36}$/);
  assert.match(meta.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(meta.resourceVersion, /^\d+$/);
  assert.equal(meta.generation, undefined);
  assert.deepEqual(meta.managedFields.map((m: { manager: string; operation: string }) => [m.manager, m.operation]), [['test', 'Update']]);
  const again = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('one'));
  assert.deepEqual([again.status, again.json.reason, again.json.message], [409, 'AlreadyExists', 'configmaps "one" already exists']);
  const missing = await c.req('GET', `/api/v1/namespaces/${n}/configmaps/nope`);
  assert.deepEqual(missing.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: '', kind: 'configmaps' }, code: 404 });
  const updated = await c.req('PUT', `/api/v1/namespaces/${n}/configmaps/one`, { ...created.json, data: { a: '2' } });
  assert.equal(updated.status, 200);
  assert.notEqual(updated.json.metadata.resourceVersion, meta.resourceVersion);
  const stale = await c.req('PUT', `/api/v1/namespaces/${n}/configmaps/one`, { ...created.json, data: { a: '3' } });
  assert.deepEqual([stale.status, stale.json.reason, stale.json.message], [409, 'Conflict', 'Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again']);
  const noNs = await c.req('POST', '/api/v1/namespaces/absent-ns/configmaps', cm('x'));
  assert.deepEqual([noNs.status, noNs.json.message], [404, 'namespaces "absent-ns" not found']);
  const badName = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('Bad_Name'));
  assert.equal(badName.status, 422);
  assert.equal(badName.json.reason, 'Invalid');
  assert.match(badName.json.message, /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  // An unchanged update keeps the resourceVersion.
  const same = await c.req('PUT', `/api/v1/namespaces/${n}/configmaps/one`, updated.json);
  assert.equal(same.json.metadata.resourceVersion, updated.json.metadata.resourceVersion);
});

test('dryRun=All answers without persisting; fieldValidation Strict and Warn', async () => {
  const n = await ns();
  const dry = await c.req('POST', `/api/v1/namespaces/${n}/configmaps?dryRun=All`, cm('dry'));
  assert.equal(dry.status, 201);
  assert.equal((await c.req('GET', `/api/v1/namespaces/${n}/configmaps/dry`)).status, 404);
  const strict = await c.req('POST', `/api/v1/namespaces/${n}/configmaps?fieldValidation=Strict`, { ...cm('s'), bogus: 1 });
  assert.deepEqual([strict.status, strict.json.message], [400, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"']);
  const warn = await c.req('POST', `/api/v1/namespaces/${n}/configmaps?fieldValidation=Warn`, { ...cm('w'), bogus: 1 });
  assert.equal(warn.status, 201);
  assert.equal(warn.headers.warning, '299 - "unknown field \\"bogus\\""');
  assert.equal(warn.json.bogus, undefined);
});

test('generation moves on spec changes only; status subresource is separate', async () => {
  const n = await ns();
  const d = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'g' },
    spec: { replicas: 0, selector: { matchLabels: { app: 'g' } }, template: { metadata: { labels: { app: 'g' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
    status: { replicas: 7 },
  };
  const made = await c.req('POST', `/apis/apps/v1/namespaces/${n}/deployments`, d);
  assert.equal(made.json.metadata.generation, 1);
  assert.equal(made.json.status, undefined);
  const labelled = await c.req('PATCH', `/apis/apps/v1/namespaces/${n}/deployments/g`, { metadata: { labels: { x: 'y' } } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(labelled.json.metadata.generation, 1);
  const scaled = await c.req('PATCH', `/apis/apps/v1/namespaces/${n}/deployments/g`, { spec: { replicas: 0, paused: true } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(scaled.json.metadata.generation, 2);
  const status = await c.req('PATCH', `/apis/apps/v1/namespaces/${n}/deployments/g/status`, { status: { observedGeneration: 2, replicas: 0 }, spec: { replicas: 9 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(status.json.spec.replicas, 0);
  assert.equal(status.json.status.observedGeneration, 2);
  assert.equal(status.json.metadata.generation, 2);
  const mainStatus = await c.req('PATCH', `/apis/apps/v1/namespaces/${n}/deployments/g`, { status: { observedGeneration: 99 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(mainStatus.json.status.observedGeneration, 2);
  const scale = await c.req('GET', `/apis/apps/v1/namespaces/${n}/deployments/g/scale`);
  assert.deepEqual([scale.json.kind, scale.json.spec, scale.json.status.selector], ['Scale', { replicas: 0 }, 'app=g']);
});

test('label and field selectors, limit and continue', async () => {
  const n = await ns();
  for (const [name, tier] of [['a', 'web'], ['b', 'db'], ['c', 'web']]) {
    await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, { ...cm(name), metadata: { name, labels: { tier } } });
  }
  const web = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?labelSelector=${encodeURIComponent('tier=web')}`);
  assert.deepEqual(web.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['a', 'c']);
  const byName = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?fieldSelector=${encodeURIComponent('metadata.name=b')}`);
  assert.deepEqual(byName.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['b']);
  const bad = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?fieldSelector=${encodeURIComponent('spec.x=b')}`);
  assert.deepEqual([bad.status, bad.json.message], [400, '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"']);
  const page1 = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?limit=2&labelSelector=tier`);
  assert.equal(page1.json.items.length, 2);
  // With a selector the server cannot count what is left, so it does not say.
  assert.equal(page1.json.metadata.remainingItemCount, undefined);
  const page2 = await c.req('GET', `/api/v1/namespaces/${n}/configmaps?limit=2&labelSelector=tier&continue=${encodeURIComponent(page1.json.metadata.continue)}`);
  assert.deepEqual(page2.json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['c']);
  assert.equal(page2.json.metadata.continue, undefined);
});

test('watch from a resourceVersion streams changes with bookmarks; expired versions get 410', async () => {
  const n = await ns();
  const first = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('w1'));
  const rv = first.json.metadata.resourceVersion;
  const w = await openWatch(c.cluster.port, c.caCert, c.token, `/api/v1/namespaces/${n}/configmaps?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`);
  assert.equal(w.status, 200);
  await c.req('PUT', `/api/v1/namespaces/${n}/configmaps/w1`, cm('w1', { a: '2' }));
  await c.req('DELETE', `/api/v1/namespaces/${n}/configmaps/w1`);
  const events = await w.until((e) => e.some((x) => x.type === 'DELETED') && e.some((x) => x.type === 'BOOKMARK'));
  w.close();
  assert.deepEqual(events.filter((e) => e.type !== 'BOOKMARK').map((e) => [e.type, e.object.metadata.name, e.object.data?.a]), [
    ['MODIFIED', 'w1', '2'],
    ['DELETED', 'w1', '2'],
  ]);
  const bookmark = events.find((e) => e.type === 'BOOKMARK');
  assert.deepEqual(Object.keys(bookmark.object.metadata), ['resourceVersion']);
  // Push the history past its limit (200), then ask for the old version.
  for (let i = 0; i < 210; i++) await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm(`fill-${i}`));
  const old = await openWatch(c.cluster.port, c.caCert, c.token, `/api/v1/namespaces/${n}/configmaps?watch=true&resourceVersion=${rv}`);
  await old.ended;
  assert.equal(old.events.length, 1);
  assert.equal(old.events[0].type, 'ERROR');
  assert.deepEqual([old.events[0].object.code, old.events[0].object.reason], [410, 'Expired']);
  assert.match(old.events[0].object.message, /^too old resource version: \d+ \(\d+\)$/);
});

test('finalizers hold deletion until removed', async () => {
  const n = await ns();
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, { ...cm('f'), metadata: { name: 'f', finalizers: ['example.com/hold'] } });
  const del = await c.req('DELETE', `/api/v1/namespaces/${n}/configmaps/f`);
  assert.equal(del.status, 200);
  const held = await c.req('GET', `/api/v1/namespaces/${n}/configmaps/f`);
  assert.match(held.json.metadata.deletionTimestamp, /Z$/);
  const added = await c.req('PATCH', `/api/v1/namespaces/${n}/configmaps/f`, { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(added.status, 422);
  await c.req('PATCH', `/api/v1/namespaces/${n}/configmaps/f`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal((await c.req('GET', `/api/v1/namespaces/${n}/configmaps/f`)).status, 404);
});

test('owner references: background GC deletes dependents, orphan keeps them', async () => {
  const n = await ns();
  const owner = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('owner'));
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.json.metadata.uid };
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, { ...cm('dep'), metadata: { name: 'dep', ownerReferences: [ref] } });
  await c.req('DELETE', `/api/v1/namespaces/${n}/configmaps/owner`);
  await poll('dependent collected', async () => (await c.req('GET', `/api/v1/namespaces/${n}/configmaps/dep`)).status === 404);
  const owner2 = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('owner2'));
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, { ...cm('dep2'), metadata: { name: 'dep2', ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.json.metadata.uid }] } });
  await c.req('DELETE', `/api/v1/namespaces/${n}/configmaps/owner2?propagationPolicy=Orphan`);
  await poll('owner gone', async () => (await c.req('GET', `/api/v1/namespaces/${n}/configmaps/owner2`)).status === 404);
  const dep2 = await c.req('GET', `/api/v1/namespaces/${n}/configmaps/dep2`);
  assert.equal(dep2.status, 200);
  assert.equal(dep2.json.metadata.ownerReferences, undefined);
});

test('deleting a namespace removes its contents, then the namespace', async () => {
  const n = await ns();
  await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('x'));
  await c.req('POST', `/api/v1/namespaces/${n}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } });
  const del = await c.req('DELETE', `/api/v1/namespaces/${n}`);
  assert.equal(del.json.status.phase, 'Terminating');
  const refused = await c.req('POST', `/api/v1/namespaces/${n}/configmaps`, cm('late'));
  assert.deepEqual([refused.status, refused.json.reason], [403, 'Forbidden']);
  await poll('namespace gone', async () => (await c.req('GET', `/api/v1/namespaces/${n}`)).status === 404);
  assert.equal((await c.req('GET', `/api/v1/namespaces/${n}/secrets/s`)).status, 404);
});

test('server-side apply over HTTP: YAML body, managedFields, conflicts and force', async () => {
  const n = await ns();
  const yaml = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  key: "${v}"\n`;
  const path = `/api/v1/namespaces/${n}/configmaps/ssa`;
  const h = { 'Content-Type': 'application/apply-patch+yaml' };
  const first = await c.req('PATCH', `${path}?fieldManager=alice`, yaml('1'), h);
  assert.equal(first.status, 201);
  assert.deepEqual(first.json.metadata.managedFields.map((m: { manager: string; operation: string; fieldsV1: unknown }) => [m.manager, m.operation, m.fieldsV1]), [['alice', 'Apply', { 'f:data': { 'f:key': {} } }]]);
  const noManager = await c.req('PATCH', path, yaml('1'), h);
  assert.equal(noManager.status, 400);
  const conflict = await c.req('PATCH', `${path}?fieldManager=bob`, yaml('2'), h);
  assert.deepEqual([conflict.status, conflict.json.reason, conflict.json.message], [409, 'Conflict', 'Apply failed with 1 conflict: conflict with "alice": .data.key']);
  const forced = await c.req('PATCH', `${path}?fieldManager=bob&force=true`, yaml('2'), h);
  assert.equal(forced.json.data.key, '2');
  assert.deepEqual(forced.json.metadata.managedFields.map((m: { manager: string }) => m.manager), ['bob']);
  const unchanged = await c.req('PATCH', `${path}?fieldManager=bob`, yaml('2'), h);
  assert.equal(unchanged.json.metadata.resourceVersion, forced.json.metadata.resourceVersion);
});

const crd = (group: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: { size: { type: 'integer', minimum: 1 }, color: { type: 'string', default: 'blue' }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
              },
              status: { type: 'object', properties: { ready: { type: 'boolean' } } },
            },
          },
        },
      },
      { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
    ],
  },
});

test('a CRD is established and served at once, with validation, defaults and pruning', async () => {
  const n = await ns();
  const group = `${uniqueName('g')}.example.com`;
  const made = await c.req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd(group));
  assert.equal(made.status, 201, made.text);
  const disc = await c.req('GET', `/apis/${group}/v1`);
  assert.deepEqual(disc.json.resources.map((r: { name: string }) => r.name), ['widgets', 'widgets/status']);
  const got = await poll('established', async () => {
    const r = await c.req('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`);
    return r.json.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Established' && x.status === 'True') ? r : undefined;
  });
  assert.deepEqual(got.json.spec.conversion, { strategy: 'None' });
  assert.deepEqual(got.json.status.storedVersions, ['v1']);
  const base = `/apis/${group}/v1/namespaces/${n}/widgets`;
  const w = await c.req('POST', base, { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2, junk: true, free: { a: { b: 1 } } } });
  assert.equal(w.status, 201, w.text);
  assert.deepEqual(w.json.spec, { size: 2, free: { a: { b: 1 } }, color: 'blue' });
  assert.equal(w.json.metadata.generation, 1);
  const bad = await c.req('POST', base, { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 0 } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.message, `Widget.${group} "bad" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1`);
  assert.deepEqual(bad.json.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.size in body should be greater than or equal to 1', field: 'spec.size' }]);
  const viaBeta = await c.req('GET', `/apis/${group}/v1beta1/namespaces/${n}/widgets/w`);
  assert.equal(viaBeta.json.apiVersion, `${group}/v1beta1`);
  const smp = await c.req('PATCH', `${base}/w`, { spec: { size: 3 } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
  assert.equal(smp.status, 415);
  const st = await c.req('PATCH', `${base}/w/status`, { status: { ready: true } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.deepEqual([st.json.status, st.json.metadata.generation], [{ ready: true }, 1]);
  // Deleting the CRD removes its objects and stops serving it.
  await c.req('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`);
  await poll('CRD gone', async () => (await c.req('GET', `/apis/${group}/v1`)).status === 404);
});

test('simulated workloads: Deployments become available, a marked one stalls; Services, PVCs, Jobs', async () => {
  const n = await ns();
  const deploy = (name: string, annotations?: Record<string, string>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } },
  });
  await c.req('POST', `/apis/apps/v1/namespaces/${n}/deployments`, deploy('ok'));
  await c.req('POST', `/apis/apps/v1/namespaces/${n}/deployments`, deploy('bad', { 'fluxion.dev/simulate': 'fail' }));
  const ok = await poll('ok available', async () => {
    const r = await c.req('GET', `/apis/apps/v1/namespaces/${n}/deployments/ok`);
    return r.json.status?.availableReplicas === 2 ? r.json : undefined;
  });
  assert.deepEqual(ok.status.conditions.map((x: { type: string; status: string; reason: string }) => [x.type, x.status, x.reason]), [
    ['Available', 'True', 'MinimumReplicasAvailable'],
    ['Progressing', 'True', 'NewReplicaSetAvailable'],
  ]);
  assert.equal(ok.status.observedGeneration, 1);
  const pods = await c.req('GET', `/api/v1/namespaces/${n}/pods?labelSelector=app%3Dok`);
  assert.equal(pods.json.items.length, 2);
  assert.ok(pods.json.items.every((p: { status: { phase: string } }) => p.status.phase === 'Running'));
  const bad = await poll('bad stalled', async () => {
    const r = await c.req('GET', `/apis/apps/v1/namespaces/${n}/deployments/bad`);
    return r.json.status?.conditions?.some((x: { reason: string }) => x.reason === 'ProgressDeadlineExceeded') ? r.json : undefined;
  });
  assert.equal(bad.status.availableReplicas, undefined);
  const svc = await c.req('POST', `/api/v1/namespaces/${n}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'ok' }, ports: [{ port: 80 }] } });
  assert.match(svc.json.spec.clusterIP, /^10\.96\.\d+\.\d+$/);
  assert.deepEqual(svc.json.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  await c.req('POST', `/api/v1/namespaces/${n}/persistentvolumeclaims`, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  await poll('pvc bound', async () => (await c.req('GET', `/api/v1/namespaces/${n}/persistentvolumeclaims/data`)).json.status?.phase === 'Bound');
  await c.req('POST', `/apis/batch/v1/namespaces/${n}/jobs`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  await poll('job complete', async () => (await c.req('GET', `/apis/batch/v1/namespaces/${n}/jobs/j`)).json.status?.conditions?.some((x: { type: string }) => x.type === 'Complete'));
});
