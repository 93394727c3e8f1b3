import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { type NameBackReference, defaultTransformerConfig } from '../../src/kustomize/config/index.js';
import { Resource } from '../../src/kustomize/resource.js';
import { ResMap } from '../../src/kustomize/resmap.js';
import { fixNameReferences } from '../../src/kustomize/transformers/namereference.js';
import type { ValueMap } from '../../src/yaml/types.js';

const defaults = defaultTransformerConfig().nameReference;

/**
 * A resource as the renaming transformers leave it: `obj` holds the current name and namespace,
 * `from` the earlier [name, namespace] pairs (oldest first), plus the prefixes and suffixes added.
 */
function res(obj: ValueMap, from: [string, string][] = [], affixes: { prefixes?: string[]; suffixes?: string[] } = {}): Resource {
  const r = new Resource(obj);
  r.previousIds = from.map(([name, namespace]) => ({ gvk: r.gvk, name, namespace }));
  r.namePrefixes = affixes.prefixes ?? [];
  r.nameSuffixes = affixes.suffixes ?? [];
  return r;
}

const meta = (name: string, namespace?: string): ValueMap => (namespace ? { name, namespace } : { name });
const ids = (r: Resource) => r.refBy.map((id) => `${id.gvk.kind}/${id.name}`);

// Expected objects are what kubectl 1.32 (kustomize v5.5) prints for the equivalent trees.
test('a name prefix reaches pod template references, HPA targets and pull secrets', () => {
  const p = { prefixes: ['p-'] };
  const cm = res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('p-cm') }, [['cm', '']], p);
  const secret = res({ apiVersion: 'v1', kind: 'Secret', metadata: meta('p-s') }, [['s', '']], p);
  const sa = res({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('p-sa') }, [['sa', '']], p);
  const pvc = res({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('p-data') }, [['data', '']], p);
  const pc = res({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: meta('p-high') }, [['high', '']], p);
  const deploy = res(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('p-web'),
      spec: {
        template: {
          spec: {
            serviceAccountName: 'sa',
            priorityClassName: 'high',
            imagePullSecrets: [{ name: 's' }, { name: 'external' }],
            containers: [
              {
                name: 'app',
                env: [
                  { name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a' } } },
                  { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'b' } } },
                  { name: 'C', value: 'cm' },
                ],
                envFrom: [{ configMapRef: { name: 'cm' } }, { secretRef: { name: 'other' } }],
              },
            ],
            volumes: [
              { name: 'v1', configMap: { name: 'cm' } },
              { name: 'v2', projected: { sources: [{ configMap: { name: 'cm' } }, { secret: { name: 's' } }] } },
              { name: 'v3', persistentVolumeClaim: { claimName: 'data' } },
              { name: 'v4', secret: { secretName: 's' } },
            ],
          },
        },
      },
    },
    [['web', '']],
    p,
  );
  const hpa = res(
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('p-web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } },
    [['web', '']],
    p,
  );
  fixNameReferences(new ResMap([cm, secret, sa, pvc, pc, deploy, hpa]), defaults);
  assert.deepEqual(deploy.obj, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'p-web' },
    spec: {
      template: {
        spec: {
          serviceAccountName: 'p-sa',
          priorityClassName: 'p-high',
          imagePullSecrets: [{ name: 'p-s' }, { name: 'external' }],
          containers: [
            {
              name: 'app',
              env: [
                { name: 'A', valueFrom: { configMapKeyRef: { name: 'p-cm', key: 'a' } } },
                { name: 'B', valueFrom: { secretKeyRef: { name: 'p-s', key: 'b' } } },
                { name: 'C', value: 'cm' },
              ],
              envFrom: [{ configMapRef: { name: 'p-cm' } }, { secretRef: { name: 'other' } }],
            },
          ],
          volumes: [
            { name: 'v1', configMap: { name: 'p-cm' } },
            { name: 'v2', projected: { sources: [{ configMap: { name: 'p-cm' } }, { secret: { name: 'p-s' } }] } },
            { name: 'v3', persistentVolumeClaim: { claimName: 'p-data' } },
            { name: 'v4', secret: { secretName: 'p-s' } },
          ],
        },
      },
    },
  });
  assert.deepEqual(hpa.obj.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'p-web' } });
  // Every reference found is recorded on its target, once per field that named it.
  assert.deepEqual(ids(cm), ['Deployment/p-web', 'Deployment/p-web', 'Deployment/p-web', 'Deployment/p-web']);
  assert.deepEqual(ids(deploy), ['HorizontalPodAutoscaler/p-web']);
  assert.deepEqual(ids(pvc), ['Deployment/p-web']);
});

test('RBAC: roleRef by kind, subjects as name/namespace pairs, webhook services gain the namespace', () => {
  const p = { prefixes: ['p-'] };
  const rbac = 'rbac.authorization.k8s.io/v1';
  // After `namespace: team` and `namePrefix: p-`.
  const sa = res({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('p-sa', 'team') }, [['sa', ''], ['sa', 'team']], p);
  const role = res({ apiVersion: rbac, kind: 'Role', metadata: meta('p-reader', 'team') }, [['reader', ''], ['reader', 'team']], p);
  const clusterRole = res({ apiVersion: rbac, kind: 'ClusterRole', metadata: meta('p-reader') }, [['reader', '']], p);
  const rb = res(
    {
      apiVersion: rbac,
      kind: 'RoleBinding',
      metadata: meta('p-rb', 'team'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
      subjects: [
        { kind: 'ServiceAccount', name: 'sa' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'other' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'default' },
        { kind: 'User', name: 'sa' },
      ],
    },
    [['rb', ''], ['rb', 'team']],
    p,
  );
  const crb = res(
    {
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: meta('p-crb'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'default' }],
    },
    [['crb', '']],
    p,
  );
  const svc = res({ apiVersion: 'v1', kind: 'Service', metadata: meta('p-svc', 'team') }, [['svc', ''], ['svc', 'team']], p);
  const vwc = res(
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: meta('p-vwc'),
      webhooks: [
        { name: 'a', clientConfig: { service: { name: 'svc', path: '/x' } } },
        { name: 'b', clientConfig: { service: { name: 'svc', namespace: 'default' } } },
        { name: 'c', clientConfig: { service: { name: 'svc', namespace: 'elsewhere' } } },
        { name: 'd', clientConfig: { url: 'https://x' } },
      ],
    },
    [['vwc', '']],
    p,
  );
  fixNameReferences(new ResMap([sa, role, clusterRole, rb, crb, svc, vwc]), defaults);
  assert.deepEqual(rb.obj, {
    apiVersion: rbac,
    kind: 'RoleBinding',
    metadata: meta('p-rb', 'team'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'p-reader' },
    subjects: [
      { kind: 'ServiceAccount', name: 'p-sa', namespace: 'team' },
      { kind: 'ServiceAccount', name: 'sa', namespace: 'other' },
      { kind: 'ServiceAccount', name: 'p-sa', namespace: 'team' },
      // The subjects field names ServiceAccounts whatever the subject's kind says.
      { kind: 'User', name: 'p-sa', namespace: 'team' },
    ],
  });
  assert.deepEqual(crb.obj, {
    apiVersion: rbac,
    kind: 'ClusterRoleBinding',
    metadata: meta('p-crb'),
    // Only RoleBindings may name a Role: no back reference covers this field.
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'p-sa', namespace: 'team' }],
  });
  assert.deepEqual(vwc.obj.webhooks, [
    { name: 'a', clientConfig: { service: { name: 'p-svc', path: '/x', namespace: 'team' } } },
    { name: 'b', clientConfig: { service: { name: 'p-svc', namespace: 'team' } } },
    { name: 'c', clientConfig: { service: { name: 'svc', namespace: 'elsewhere' } } },
    { name: 'd', clientConfig: { url: 'https://x' } },
  ]);
  assert.deepEqual(ids(clusterRole), ['RoleBinding/p-rb']);
  assert.deepEqual(ids(role), []);
});

test('a roleRef without apiGroup and kind takes the first back reference that matches', () => {
  const rbac = 'rbac.authorization.k8s.io/v1';
  const role = res({ apiVersion: rbac, kind: 'Role', metadata: meta('a-reader') }, [['reader', '']], { prefixes: ['a-'] });
  const clusterRole = res({ apiVersion: rbac, kind: 'ClusterRole', metadata: meta('b-reader') }, [['reader', '']], { prefixes: ['b-'] });
  const binding = (name: string, roleRef: ValueMap) => res({ apiVersion: rbac, kind: 'RoleBinding', metadata: meta(name), roleRef });
  const toRole = binding('to-role', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
  const toClusterRole = binding('to-clusterrole', { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' });
  const noKind = binding('no-kind', { name: 'reader' });
  fixNameReferences(new ResMap([role, clusterRole, toRole, toClusterRole, noKind]), defaults);
  assert.deepEqual(toRole.obj.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a-reader' });
  assert.deepEqual(toClusterRole.obj.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'b-reader' });
  assert.deepEqual(noKind.obj.roleRef, { name: 'a-reader' });
});

test('prefixes and suffixes break ties: empty lists match first, then exact tails', () => {
  const deploy = () =>
    res(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('a-d'), spec: { template: { spec: { volumes: [{ name: 'v', configMap: { name: 'cm' } }] } } } },
      [['d', '']],
      { prefixes: ['a-'] },
    );
  const volumeName = (r: Resource) => (r.obj as { spec: { template: { spec: { volumes: { configMap: { name: string } }[] } } } }).spec.template.spec.volumes[0]!.configMap.name;
  // One candidate with no prefix, one with another prefix: the empty one matches a-.
  const d1 = deploy();
  fixNameReferences(
    new ResMap([
      d1,
      res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('b-cm') }, [['cm', '']], { prefixes: ['b-'] }),
      res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm-s') }, [['cm', '']], { suffixes: ['-s'] }),
    ]),
    defaults,
  );
  assert.equal(volumeName(d1), 'cm-s');
  // Two candidates pass the loose test, none the exact one: the reference is left alone.
  const d2 = deploy();
  fixNameReferences(
    new ResMap([
      d2,
      res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm-89g4tffbfk') }, [['cm', ''], ['cm', 'default']]),
      res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm-s-tf28tfk457') }, [['cm', ''], ['cm-s', 'default']], { suffixes: ['-s'] }),
    ]),
    defaults,
  );
  assert.equal(volumeName(d2), 'cm');
  // Outer prefixes shared with the referrer win over a candidate without prefixes.
  const d3 = res(
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('o-a-d'), spec: { template: { spec: { volumes: [{ name: 'v', configMap: { name: 'cm' } }] } } } },
    [['d', ''], ['a-d', '']],
    { prefixes: ['a-', 'o-'] },
  );
  fixNameReferences(
    new ResMap([
      d3,
      res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('o-cm') }, [['cm', '']], { prefixes: ['o-'] }),
      res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm-x') }, [['cm', '']], { suffixes: ['-x'] }),
    ]),
    defaults,
  );
  assert.equal(volumeName(d3), 'o-cm');
});

test('several different targets are an error naming them; same-named ones are one target', () => {
  const cr = () =>
    res({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta('cr'), rules: [{ resourceNames: ['cm', 'other'] }] });
  const cm = (name: string, ns: string) => res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, ns) }, [['cm', ''], ['cm', ns]]);
  assert.throws(() => fixNameReferences(new ResMap([cr(), cm('cm-89g4tffbfk', 'ns1'), cm('cm-tf28tfk457', 'ns2')]), defaults), {
    message:
      "updating name reference in 'rules/resourceNames' field of 'ClusterRole.v1.rbac.authorization.k8s.io/cr.[noNs]': " +
      "considering field 'rules/resourceNames' of object ClusterRole.v1.rbac.authorization.k8s.io/cr.[noNs]: " +
      'visit traversal on path: [resourceNames]: found multiple possible referrals: ' +
      'ConfigMap.v1.[noGrp]/cm-89g4tffbfk.ns1, ConfigMap.v1.[noGrp]/cm-tf28tfk457.ns2',
  });
  const same = cr();
  const first = cm('cm-h', 'ns1');
  fixNameReferences(new ResMap([same, first, cm('cm-h', 'ns2')]), defaults);
  assert.deepEqual(same.obj.rules, [{ resourceNames: ['cm-h', 'other'] }]);
  assert.deepEqual(ids(first), ['ClusterRole/cr']);
});

test('only renamed resources are targets, and only those the referrer can see', () => {
  const pod = res({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('pod', 'a'),
    spec: { volumes: [{ name: 'x', configMap: { name: 'plain' } }, { name: 'y', configMap: { name: 'moved' } }, { name: 'z', secret: { secretName: 'tls' } }] },
  });
  const plain = res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('plain', 'a') });
  // Renamed, but in another namespace than the pod.
  const moved = res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('x-moved', 'b') }, [['moved', 'b']], { prefixes: ['x-'] });
  // Renamed from "tls" but its kind is not a Secret.
  const notSecret = res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('x-tls', 'a') }, [['tls', 'a']], { prefixes: ['x-'] });
  fixNameReferences(new ResMap([pod, plain, moved, notSecret]), defaults);
  assert.deepEqual(pod.obj.spec, {
    volumes: [{ name: 'x', configMap: { name: 'plain' } }, { name: 'y', configMap: { name: 'moved' } }, { name: 'z', secret: { secretName: 'tls' } }],
  });
  assert.deepEqual([plain, moved, notSecret].map(ids), [[], [], []]);
});

test('cluster-scoped referrers see every namespace; PVCs name PersistentVolumes and StorageClasses', () => {
  const sc = res({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: meta('p-fast') }, [['fast', '']], { prefixes: ['p-'] });
  const pv = res({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta('p-vol'), spec: { storageClassName: 'fast' } }, [['vol', '']], { prefixes: ['p-'] });
  const pvc = res(
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('p-claim', 'apps'), spec: { volumeName: 'vol', storageClassName: 'fast' } },
    [['claim', ''], ['claim', 'apps']],
    { prefixes: ['p-'] },
  );
  fixNameReferences(new ResMap([sc, pv, pvc]), defaults);
  assert.deepEqual(pv.obj.spec, { storageClassName: 'p-fast' });
  assert.deepEqual(pvc.obj.spec, { volumeName: 'p-vol', storageClassName: 'p-fast' });
});

test('referrers are chosen by their original kind; custom fields may hold maps and lists', () => {
  const backRefs: NameBackReference[] = [
    { kind: 'ConfigMap', fieldSpecs: [{ kind: 'Widget', path: 'spec/ref' }, { kind: 'Widget', path: 'spec/list' }] },
  ];
  const cm = res({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('p-cm') }, [['cm', '']], { prefixes: ['p-'] });
  // Once a Widget, now a Gadget (a patch changed its kind): the Widget specs still apply.
  const gadget = res(
    { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: meta('p-w'), spec: { ref: { name: 'cm' }, list: ['cm', null, { name: 'cm' }, 7] } },
    [['w', '']],
    { prefixes: ['p-'] },
  );
  gadget.previousIds = [{ gvk: { group: 'example.com', version: 'v1', kind: 'Widget' }, name: 'w', namespace: '' }];
  fixNameReferences(new ResMap([cm, gadget]), backRefs);
  // A map gets its name (and a namespace only from a target that has one); nulls stay.
  assert.deepEqual(gadget.obj.spec, { ref: { name: 'p-cm' }, list: ['p-cm', null, { name: 'p-cm' }, 7] });

  const widget = (spec: ValueMap) => res({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('b'), spec });
  assert.throws(() => fixNameReferences(new ResMap([cm, widget({ ref: { nom: 'cm' } })]), backRefs), {
    message:
      "updating name reference in 'spec/ref' field of 'Widget.v1.example.com/b.[noNs]': " +
      "considering field 'spec/ref' of object Widget.v1.example.com/b.[noNs]: path config error; no 'name' field in node",
  });
  // A list inside the list is an error in v5.5 (its message prints a Go pointer, here a placeholder).
  assert.throws(() => fixNameReferences(new ResMap([cm, widget({ list: ['cm', ['cm']] })]), backRefs), {
    message:
      "updating name reference in 'spec/list' field of 'Widget.v1.example.com/b.[noNs]': " +
      "considering field 'spec/list' of object Widget.v1.example.com/b.[noNs]: " +
      '&yaml.RNode{fieldPath:[]string(nil), value:(*yaml.Node)(0xPTR), ShouldKeep:false, Match:[]string(nil)} is expected to be either a string or a map of string',
  });
});

test('a RoleBinding subject naming a ServiceAccount needs a namespace string', () => {
  const rb = res({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta('rb', 'team'),
    subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: null }],
  });
  assert.throws(() => fixNameReferences(new ResMap([rb]), defaults), {
    message: 'Invalid Input: namespace is blank for resource "RoleBinding.v1.rbac.authorization.k8s.io/rb.team"\n',
  });
});

// A corpus case whose only transformation is a name suffix: rename as the suffix transformer
// does, fix references, and compare with the reference output. Skips without ../shared.
test('corpus: krusty-TestRoleBindingAcrossNamespace', async (t) => {
  const dir = '/work/shared/kustomize-corpus/cases/krusty-TestRoleBindingAcrossNamespace';
  if (!existsSync(dir)) {
    t.skip(`${dir} is absent`);
    return;
  }
  const docs = (file: string) =>
    parseAllDocuments(readFileSync(`${dir}/${file}`, 'utf8'))
      .map((d) => d.toJSON() as ValueMap | null)
      .filter((d): d is ValueMap => d !== null);
  const resources = docs('fs/resource.yaml').map((obj) => new Resource(obj));
  for (const r of resources) {
    r.rememberId();
    r.nameSuffixes.push('-ns2');
    r.setName(`${r.name}-ns2`);
  }
  fixNameReferences(new ResMap(resources), defaults);
  const key = (o: ValueMap) => `${o.kind}/${(o.metadata as ValueMap).name}`;
  const byKey = (list: ValueMap[]) => Object.fromEntries(list.map((o) => [key(o), o]));
  assert.deepEqual(byKey(resources.map((r) => r.obj)), byKey(docs('expected.yaml')));
});
