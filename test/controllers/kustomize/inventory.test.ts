import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fmtObjRef,
  inventoryOf,
  objMetadataId,
  objRefOf,
  parseObjMetadataId,
  staleObjects,
} from '../../../src/controllers/kustomize/inventory.js';
import type { ValueMap } from '../../../src/yaml/types.js';

test('inventory ids: <namespace>_<name>_<group>_<Kind>, colons in RBAC names as "__"', () => {
  const cases: [ValueMap, string][] = [
    [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'podinfo', namespace: 'default' } }, 'default_podinfo__Service'],
    [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo', namespace: 'default' } }, 'default_podinfo_apps_Deployment'],
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } }, '_apps__Namespace'],
    [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'kyverno:admission-controller' } }, '_kyverno__admission-controller_rbac.authorization.k8s.io_ClusterRole'],
    [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a:b', namespace: 'ns' } }, 'ns_a:b_example.com_Widget'],
  ];
  for (const [o, want] of cases) assert.equal(objMetadataId(objRefOf(o)), want);
});

test('ids read back into objects', () => {
  assert.deepEqual(parseObjMetadataId('_kyverno__admission-controller_rbac.authorization.k8s.io_ClusterRole'), {
    group: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    namespace: '',
    name: 'kyverno:admission-controller',
  });
  assert.deepEqual(parseObjMetadataId('default_podinfo__Service'), { group: '', kind: 'Service', namespace: 'default', name: 'podinfo' });
  assert.throws(() => parseObjMetadataId('nounderscore'), { message: 'unable to parse stored object metadata: nounderscore' });
  assert.throws(() => parseObjMetadataId('ns_a_b_c_apps_Deployment'), { message: 'too many fields within: a_b_c_apps' });
});

test('inventoryOf lists the objects in staged apply order with their versions', () => {
  const objects: ValueMap[] = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'app' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'app' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' } },
  ];
  assert.deepEqual(inventoryOf(objects), [
    { id: '_app__Namespace', v: 'v1' },
    { id: '_nginx_networking.k8s.io_IngressClass', v: 'v1' },
    { id: 'app_web__Service', v: 'v1' },
    { id: 'app_web_apps_Deployment', v: 'v1' },
  ]);
});

test('stale objects: in the old inventory, not in the new one, not skipped this time', () => {
  const previous = [
    { id: '_app__Namespace', v: 'v1' },
    { id: 'app_dnsutils_apps_Deployment', v: 'v1' },
    { id: 'app_web_apps_Deployment', v: 'v1' },
    { id: 'app_ignored__ConfigMap', v: 'v1' },
    { id: 'app_old__Service', v: 'v1' },
    { id: 'app_hpa_autoscaling_HorizontalPodAutoscaler', v: 'v2beta2' },
  ];
  const next = [
    { id: '_app__Namespace', v: 'v1' },
    // a new version of the same object is the same object
    { id: 'app_web_apps_Deployment', v: 'v1beta1' },
  ];
  const skipped = [{ group: '', kind: 'ConfigMap', namespace: 'app', name: 'ignored' }];
  assert.deepEqual(staleObjects(previous, next, skipped), [
    { group: '', kind: 'Service', namespace: 'app', name: 'old', version: 'v1' },
    { group: 'apps', kind: 'Deployment', namespace: 'app', name: 'dnsutils', version: 'v1' },
    { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', namespace: 'app', name: 'hpa', version: 'v2beta2' },
  ]);
  assert.deepEqual(staleObjects(next, next), []);
});

test('fmtObjRef names objects as Flux events do', () => {
  assert.equal(fmtObjRef({ group: 'apps', kind: 'Deployment', namespace: 'app', name: 'web' }), 'Deployment/app/web');
  assert.equal(fmtObjRef({ group: '', kind: 'Namespace', namespace: '', name: 'app' }), 'Namespace/app');
});
