// Expected values were taken from kustomize v5.5.0 (kubectl.1.32 kustomize) on the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMerge } from '../../src/patch/strategic-merge.js';
import { PatchError } from '../../src/patch/errors.js';
import { SchemaSet, defaultSchemaSet } from '../../src/schema/index.js';
import type { ValueMap } from '../../src/yaml/types.js';

const deploy = (spec: ValueMap, metadata: ValueMap = {}): ValueMap => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app', ...metadata },
  spec,
});
const podSpec = (spec: ValueMap): ValueMap => deploy({ template: { spec } });

test('containers merge by name: patch elements first, then the others', () => {
  const target = podSpec({
    containers: [
      { name: 'x', image: 'x' },
      { name: 'a', image: 'a', args: ['a', 'b'], env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
      { name: 'y', image: 'y' },
    ],
  });
  const patch = podSpec({
    containers: [
      { name: 'c', image: 'c' },
      { name: 'a', image: 'a2', args: ['z'], env: [{ name: 'Z', value: '3' }, { name: 'X', value: '9' }] },
    ],
  });
  assert.deepEqual(
    strategicMerge(target, patch),
    podSpec({
      containers: [
        { name: 'c', image: 'c' },
        {
          name: 'a',
          image: 'a2',
          args: ['z'],
          env: [
            { name: 'Z', value: '3' },
            { name: 'X', value: '9' },
            { name: 'Y', value: '2' },
          ],
        },
        { name: 'x', image: 'x' },
        { name: 'y', image: 'y' },
      ],
    }),
  );
});

test('lists without a strategy are replaced as written, nulls and all', () => {
  const target = podSpec({ containers: [{ name: 'a', command: ['old', 'x'] }] });
  const patch = podSpec({ containers: [{ name: 'a', command: ['new', null, { $patch: 'delete' }] }] });
  assert.deepEqual(strategicMerge(target, patch), podSpec({ containers: [{ name: 'a', command: ['new', null, { $patch: 'delete' }] }] }));
});

test('container ports merge by containerPort+protocol; a port without protocol does not match one with', () => {
  const target = podSpec({
    containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 90 }] }],
  });
  const patch = podSpec({
    containers: [{ name: 'a', ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 80, name: 'http' }, { containerPort: 9090 }] }],
  });
  assert.deepEqual(
    strategicMerge(target, patch),
    podSpec({
      containers: [
        {
          name: 'a',
          ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090 }, { containerPort: 80, protocol: 'TCP' }, { containerPort: 90 }],
        },
      ],
    }),
  );
});

test('service ports merge by port+protocol, matching "80" with 80', () => {
  const svc = (ports: ValueMap[]): ValueMap => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports } });
  const target = svc([
    { port: 80, protocol: 'TCP', targetPort: 8080 },
    { port: 443, name: 'https' },
    { port: 53, protocol: 'UDP' },
  ]);
  const patch = svc([
    { port: 53, protocol: 'TCP', name: 'dns-tcp' },
    { port: 443, targetPort: 8443 },
    { port: '80', protocol: 'TCP', name: 'http' },
  ]);
  assert.deepEqual(
    strategicMerge(target, patch),
    svc([
      { port: 53, protocol: 'TCP', name: 'dns-tcp' },
      { port: '80', protocol: 'TCP', targetPort: 8080, name: 'http' },
      { port: 443, name: 'https', targetPort: 8443 },
      { port: 53, protocol: 'UDP' },
    ]),
  );
});

test('volumes merge by name ("merge,retainKeys"), retainKeys is not applied', () => {
  const target = podSpec({ volumes: [{ name: 'v1', emptyDir: {} }, { name: 'v2', configMap: { name: 'cm' } }] });
  const patch = podSpec({ volumes: [{ name: 'v3', emptyDir: {} }, { name: 'v1', configMap: { name: 'c' } }] });
  assert.deepEqual(
    strategicMerge(target, patch),
    podSpec({
      volumes: [
        { name: 'v3', emptyDir: {} },
        { name: 'v1', emptyDir: {}, configMap: { name: 'c' } },
        { name: 'v2', configMap: { name: 'cm' } },
      ],
    }),
  );
});

test('maps merge; null deletes; nulls in added maps vanish; explicit nulls in the target stay', () => {
  const target = deploy(
    { replicas: 1, selector: null, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
    { labels: { a: '1', b: '2', keep: null }, creationTimestamp: null },
  );
  const patch = deploy(
    { replicas: null, strategy: { type: 'Recreate' }, template: { metadata: { labels: { n: null, m: '1' } } } },
    { labels: { a: null, c: '3' } },
  );
  assert.deepEqual(
    strategicMerge(target, patch),
    deploy(
      { selector: null, strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }, template: { metadata: { labels: { m: '1' } } } },
      { labels: { b: '2', keep: null, c: '3' }, creationTimestamp: null },
    ),
  );
});

test('metadata.finalizers merge by value: patch values first, duplicates dropped', () => {
  const target = deploy({}, { finalizers: ['f1', 'f2'] });
  assert.deepEqual(strategicMerge(target, deploy({}, { finalizers: ['f3', 'f1'] })), deploy({}, { finalizers: ['f3', 'f1', 'f2'] }));
  assert.deepEqual(strategicMerge(target, deploy({}, { finalizers: ['f2', 'f2', 'f0'] })), deploy({}, { finalizers: ['f2', 'f0', 'f1'] }));
});

test('$patch: delete removes a map, a list element, a whole list, or the object', () => {
  const target = podSpec({
    containers: [{ name: 'a' }, { name: 'b' }],
    imagePullSecrets: [{ name: 's1' }],
    dnsConfig: { nameservers: ['1.1.1.1'] },
  });
  const patch = podSpec({
    containers: [{ name: 'b', $patch: 'delete' }],
    imagePullSecrets: [{ name: 's1', $patch: 'delete' }],
    dnsConfig: { $patch: 'delete' },
  });
  // A merged list left empty stays, as an empty list.
  assert.deepEqual(strategicMerge(target, patch), podSpec({ containers: [{ name: 'a' }], imagePullSecrets: [] }));
  assert.deepEqual(strategicMerge(target, podSpec({ containers: [{ $patch: 'delete' }] })), podSpec({ imagePullSecrets: [{ name: 's1' }], dnsConfig: { nameservers: ['1.1.1.1'] } }));
  assert.equal(strategicMerge(target, { ...deploy({}), $patch: 'delete' }), null);
});

test('$patch: replace on a map and as a list element', () => {
  const target = deploy({ template: { metadata: { labels: { a: '1' }, annotations: { x: '1' } }, spec: { volumes: [{ name: 'v1', emptyDir: {} }] } } });
  const patch = deploy({ template: { metadata: { $patch: 'replace', labels: { q: '1' } }, spec: { volumes: [{ $patch: 'replace' }, { name: 'v9', emptyDir: {} }] } } });
  assert.deepEqual(strategicMerge(target, patch), deploy({ template: { metadata: { labels: { q: '1' } }, spec: { volumes: [{ name: 'v9', emptyDir: {} }] } } }));
});

test('kustomize quirks: $patch: replace on an existing element keeps it; on a new list it stays as an element', () => {
  const target = podSpec({ containers: [{ name: 'a', image: 'a', args: ['x'] }, { name: 'b' }] });
  assert.deepEqual(
    strategicMerge(target, podSpec({ containers: [{ name: 'a', image: 'a9', $patch: 'replace' }] })),
    podSpec({ containers: [{ name: 'a', image: 'a', args: ['x'] }, { name: 'b' }] }),
  );
  assert.deepEqual(
    strategicMerge(target, podSpec({ imagePullSecrets: [{ $patch: 'replace' }, { name: 's1' }] })),
    podSpec({ containers: [{ name: 'a', image: 'a', args: ['x'] }, { name: 'b' }], imagePullSecrets: [{ $patch: 'replace' }] }),
  );
});

test('a patch element without the merge key empties the list', () => {
  const target = podSpec({ containers: [{ name: 'a' }, { name: 'b' }] });
  assert.deepEqual(strategicMerge(target, podSpec({ containers: [{ image: 'noname' }] })), podSpec({ containers: [] }));
});

test('target elements with duplicate or missing keys', () => {
  const target = podSpec({
    containers: [{ name: 'a', env: [{ name: 'E1', value: null }, {}, { name: 'E2' }, { name: 'E1', value: 'dup' }] }, { name: 'b' }],
  });
  // An element without the key (here `{}`) deletes every keyed element; the first E1 was kept aside.
  assert.deepEqual(
    strategicMerge(target, podSpec({ containers: [{ name: 'b', $patch: 'delete' }] })),
    podSpec({ containers: [{ name: 'a', env: [{ name: 'E1', value: null }] }] }),
  );
});

test('$retainKeys, $setElementOrder and $deleteFromPrimitiveList are ordinary fields', () => {
  const target = deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } }, { finalizers: ['f1', 'f2'] });
  const patch = deploy(
    { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    { '$setElementOrder/finalizers': ['f2', 'f1'], '$deleteFromPrimitiveList/finalizers': ['f1'] },
  );
  assert.deepEqual(
    strategicMerge(target, patch),
    deploy(
      { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
      { finalizers: ['f1', 'f2'], '$setElementOrder/finalizers': ['f2', 'f1'], '$deleteFromPrimitiveList/finalizers': ['f1'] },
    ),
  );
});

test('empty maps and lists in the patch', () => {
  const target = podSpec({ containers: [{ name: 'a', args: ['x'], volumeMounts: [{ name: 'v', mountPath: '/v' }] }] });
  const patch = podSpec({ nodeSelector: {}, tolerations: [], containers: [{ name: 'a', args: [], volumeMounts: [], resources: {} }] });
  assert.deepEqual(
    strategicMerge(target, patch),
    podSpec({ nodeSelector: {}, tolerations: [], containers: [{ name: 'a', args: [], volumeMounts: [{ name: 'v', mountPath: '/v' }], resources: {} }] }),
  );
});

test('kinds without a schema: lists are replaced', () => {
  const foo = (spec: ValueMap): ValueMap => ({ apiVersion: 'example.com/v1', kind: 'Foo', metadata: { name: 'f' }, spec });
  const target = foo({ items: [{ name: 'x', v: 1 }, { name: 'a', v: 2 }], nested: { a: 1, b: 2 } });
  const patch = foo({ items: [{ name: 'a', w: 3 }], nested: { b: null, c: 3 } });
  assert.deepEqual(strategicMerge(target, patch), foo({ items: [{ name: 'a', w: 3 }], nested: { a: 1, c: 3 } }));
  // kyaml's inference (not used by kustomize builds) merges lists whose elements all have a name
  assert.deepEqual(
    strategicMerge(target, patch, { inferAssociativeLists: true }),
    foo({ items: [{ name: 'a', v: 2, w: 3 }, { name: 'x', v: 1 }], nested: { a: 1, c: 3 } }),
  );
});

test('an embedded object with apiVersion and kind gets its kind\'s schema', () => {
  const wrap = (object: ValueMap): ValueMap => ({ apiVersion: 'example.com/v1', kind: 'Wrapper', metadata: { name: 'w' }, spec: { object } });
  const target = wrap({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } } });
  const patch = wrap({ spec: { template: { spec: { containers: [{ name: 'b', image: 'b' }] } } } });
  assert.deepEqual(
    strategicMerge(target, patch),
    wrap({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: { template: { spec: { containers: [{ name: 'b', image: 'b' }, { name: 'a', image: 'a' }] } } },
    }),
  );
});

test('a custom schema set replaces the built-in one', () => {
  const crd = (spec: ValueMap): ValueMap => ({ apiVersion: 'example.com/v1alpha1', kind: 'MyCRD', metadata: { name: 'service' }, spec });
  const doc = {
    definitions: {
      'v1alpha1.MyCRD': {
        properties: { spec: { properties: { template: { $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec' } }, type: 'object' } },
        type: 'object',
        'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'MyCRD', version: 'v1alpha1' }],
      },
      'io.k8s.api.core.v1.PodTemplateSpec': { properties: { spec: { $ref: '#/definitions/io.k8s.api.core.v1.PodSpec' } }, type: 'object' },
      'io.k8s.api.core.v1.PodSpec': {
        properties: {
          containers: { items: { type: 'object' }, type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
        },
        type: 'object',
      },
    },
  };
  const custom = SchemaSet.fromDocument(doc);
  const target = crd({ template: { spec: { containers: [{ name: 'server', image: 'server', command: 'example' }] } } });
  const patch = crd({ template: { spec: { containers: [{ name: 'server', image: 'nginx' }] } } });
  assert.deepEqual(strategicMerge(target, patch, custom), crd({ template: { spec: { containers: [{ name: 'server', image: 'nginx', command: 'example' }] } } }));
  assert.deepEqual(strategicMerge(target, patch, defaultSchemaSet()), patch);
  // ...and Deployments lose their built-in merge keys under it
  const dep = podSpec({ containers: [{ name: 'x', image: 'x' }] });
  assert.deepEqual(strategicMerge(dep, podSpec({ containers: [{ name: 'b', image: 'b' }] }), custom), podSpec({ containers: [{ name: 'b', image: 'b' }] }));
  // a root schema node may be given directly
  assert.deepEqual(
    strategicMerge(target, patch, custom.schemaFor('example.com/v1alpha1', 'MyCRD')),
    crd({ template: { spec: { containers: [{ name: 'server', image: 'nginx', command: 'example' }] } } }),
  );
});

test('errors: another node kind, unknown directive', () => {
  const target = deploy({ strategy: { type: 'RollingUpdate' }, replicas: 1, template: { spec: { containers: [] } } });
  assert.throws(
    () => strategicMerge(target, deploy({ strategy: 'Recreate' })),
    new PatchError('wrong node kind: expected MappingNode but got ScalarNode: node contents:\nRecreate'),
  );
  assert.throws(() => strategicMerge(target, deploy({ replicas: { a: 1 } })), /^PatchError: wrong node kind: expected ScalarNode but got MappingNode/);
  assert.throws(() => strategicMerge(target, podSpec({ containers: { a: 1 } })), /expected SequenceNode but got MappingNode/);
  assert.throws(() => strategicMerge(target, deploy({ template: { $patch: 'foo' } })), new PatchError("unknown patch strategy 'foo'"));
  // a type change to null is a deletion, not an error
  assert.deepEqual(strategicMerge(target, deploy({ strategy: null })), deploy({ replicas: 1, template: { spec: { containers: [] } } }));
});

test('append direction puts new elements last', () => {
  const target = podSpec({ containers: [{ name: 'a' }, { name: 'b' }] });
  const patch = podSpec({ containers: [{ name: 'c' }, { name: 'a', image: 'x' }] });
  assert.deepEqual(
    strategicMerge(target, patch, { listIncreaseDirection: 'append' }),
    podSpec({ containers: [{ name: 'a', image: 'x' }, { name: 'b' }, { name: 'c' }] }),
  );
});

test('inputs are not modified and the patch is not shared with the result', () => {
  const freeze = <T>(v: T): T => {
    if (v && typeof v === 'object') {
      Object.values(v).forEach(freeze);
      Object.freeze(v);
    }
    return v;
  };
  const target = freeze(podSpec({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }], volumes: [{ name: 'v' }] }));
  const patch = freeze(podSpec({ containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }], args: ['x'] }, { name: 'b', $patch: 'delete' }] }));
  const before = JSON.stringify([target, patch]);
  const out = strategicMerge(target, patch)!;
  assert.equal(JSON.stringify([target, patch]), before);
  const c = ((out.spec as ValueMap).template as ValueMap).spec as ValueMap;
  const p = ((patch.spec as ValueMap).template as ValueMap).spec as ValueMap;
  assert.notEqual((c.containers as ValueMap[])[0]!.args, (p.containers as ValueMap[])[0]!.args);
  // untouched parts are shared with the target
  assert.equal(c.volumes, (((target.spec as ValueMap).template as ValueMap).spec as ValueMap).volumes);
});
