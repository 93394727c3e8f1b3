import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyStageOf,
  parseGroupKinds,
  sortForApply,
  sortForDeletion,
  stageObjects,
} from '../../../src/controllers/kustomize/stages.js';
import type { ValueMap } from '../../../src/yaml/types.js';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): ValueMap => ({
  apiVersion,
  kind,
  metadata: namespace ? { name, namespace } : { name },
});
const id = (o: ValueMap): string => {
  const m = o.metadata as ValueMap;
  return m.namespace ? `${o.kind}/${m.namespace}/${m.name}` : `${o.kind}/${m.name}`;
};

test('stage of each kind: definitions, classes, custom kinds, the rest', () => {
  const role = [{ group: 'rbac.authorization.k8s.io', kind: 'Role' }];
  const cases: [ValueMap, string][] = [
    [obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'x'), 'definitions'],
    [obj('apiextensions.k8s.io/v1beta1', 'customresourcedefinition', 'x'), 'definitions'],
    [obj('v1', 'Namespace', 'x'), 'definitions'],
    [obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'x'), 'definitions'],
    // ssa's rules look at the apiVersion too
    [obj('example.com/v1', 'Namespace', 'x'), 'resources'],
    [obj('example.com/v1', 'ClusterRole', 'x'), 'resources'],
    [obj('storage.k8s.io/v1', 'StorageClass', 'x'), 'classes'],
    [obj('gateway.networking.k8s.io/v1', 'GatewayClass', 'x'), 'classes'],
    [obj('example.com/v1', 'WidgetClass', 'x'), 'classes'],
    [obj('rbac.authorization.k8s.io/v1', 'Role', 'x', 'ns'), 'custom'],
    [obj('example.com/v1', 'Role', 'x', 'ns'), 'resources'],
    [obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'x'), 'resources'],
  ];
  for (const [o, stage] of cases) assert.equal(applyStageOf(o, role), stage, `${o.apiVersion} ${o.kind}`);
});

test('stageObjects: non-empty stages in order, each sorted in ssa kind order', () => {
  const objects = [
    obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'hook'),
    obj('example.com/v1', 'Widget', 'w', 'app'),
    obj('apps/v1', 'Deployment', 'web', 'app'),
    obj('v1', 'Service', 'web', 'app'),
    obj('v1', 'ConfigMap', 'b', 'app'),
    obj('v1', 'ConfigMap', 'a', 'app'),
    obj('v1', 'ConfigMap', 'a', 'other'),
    obj('storage.k8s.io/v1', 'StorageClass', 'fast'),
    obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'crb'),
    obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cr'),
    obj('v1', 'Namespace', 'app'),
    obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
    obj('batch/v1', 'Job', 'migrate', 'app'),
    obj('v1', 'ServiceAccount', 'sa', 'app'),
  ];
  const stages = stageObjects(objects);
  assert.deepEqual(
    stages.map((s) => ({ stage: s.stage, wait: s.wait, objects: s.objects.map(id) })),
    [
      { stage: 'definitions', wait: true, objects: ['CustomResourceDefinition/widgets.example.com', 'Namespace/app', 'ClusterRole/cr'] },
      { stage: 'classes', wait: true, objects: ['StorageClass/fast'] },
      {
        stage: 'resources',
        wait: false,
        objects: [
          'ClusterRoleBinding/crb',
          'ServiceAccount/app/sa',
          'ConfigMap/app/a',
          'ConfigMap/app/b',
          'ConfigMap/other/a',
          'Service/app/web',
          'Deployment/app/web',
          // kinds ssa does not list: by group, then kind
          'Job/app/migrate',
          'Widget/app/w',
          'ValidatingWebhookConfiguration/hook',
        ],
      },
    ],
  );
});

test('custom stage kinds get a stage of their own before the rest', () => {
  const objects = [obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', 'ns'), obj('rbac.authorization.k8s.io/v1', 'Role', 'r', 'ns')];
  const stages = stageObjects(objects, parseGroupKinds('rbac.authorization.k8s.io/Role'));
  assert.deepEqual(
    stages.map((s) => [s.stage, s.objects.map(id)]),
    [
      ['custom', ['Role/ns/r']],
      ['resources', ['RoleBinding/ns/rb']],
    ],
  );
});

test('parseGroupKinds reads the --custom-apply-stage-kinds flag', () => {
  assert.deepEqual(parseGroupKinds('rbac.authorization.k8s.io/Role, ConfigMap'), [
    { group: 'rbac.authorization.k8s.io', kind: 'Role' },
    { group: '', kind: 'ConfigMap' },
  ]);
  assert.deepEqual(parseGroupKinds(''), []);
});

test('deletion goes in the reverse of the apply order', () => {
  const refs = [
    { group: '', kind: 'Namespace', namespace: '', name: 'app' },
    { group: 'apps', kind: 'Deployment', namespace: 'app', name: 'web' },
    { group: '', kind: 'ConfigMap', namespace: 'app', name: 'cfg' },
  ];
  assert.deepEqual(
    sortForDeletion(refs).map((r) => r.kind),
    ['Deployment', 'ConfigMap', 'Namespace'],
  );
  assert.deepEqual(
    sortForApply([obj('apps/v1', 'Deployment', 'web', 'app'), obj('v1', 'Namespace', 'app')]).map(id),
    ['Namespace/app', 'Deployment/app/web'],
  );
});
