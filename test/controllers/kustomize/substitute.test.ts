import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mergeSubstituteVars,
  objectId,
  substituteObjects,
} from '../../../src/controllers/kustomize/substitute.js';
import type { ValueMap } from '../../../src/yaml/types.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('mergeSubstituteVars: later sources win, inline wins over all, newlines removed, Secrets decoded', () => {
  const vars = mergeSubstituteVars({ region: 'eu\nwest', inline: 'i' }, [
    { kind: 'ConfigMap', name: 'cluster', data: { region: 'us', size: 'small', cm: 'c' } },
    { kind: 'Secret', name: 'creds', data: { size: b64('large\n'), token: b64('s3cr3t') } },
    { kind: 'ConfigMap', name: 'missing', optional: true, data: undefined },
  ]);
  assert.deepEqual(vars, { region: 'euwest', size: 'large', cm: 'c', token: 's3cr3t', inline: 'i' });
});

test('mergeSubstituteVars: a missing required source fails, naming it', () => {
  assert.throws(() => mergeSubstituteVars(undefined, [{ kind: 'ConfigMap', name: 'vars', data: undefined }]), {
    name: 'SubstituteSourceError',
    message: `substitute from 'ConfigMap/vars' error: configmaps "vars" not found`,
  });
  assert.throws(() => mergeSubstituteVars(undefined, [{ kind: 'Secret', name: 'vars', optional: false, data: undefined }]), {
    message: `substitute from 'Secret/vars' error: secrets "vars" not found`,
  });
});

const deployment = (): ValueMap => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app-${env}', namespace: 'default' },
  spec: {
    replicas: '${count}',
    template: {
      spec: {
        containers: [{ name: 'app', image: 'app:${tag:=latest}', args: ['--literal=$${HOME}', '--cost=5$'] }],
      },
    },
  },
});

test('substitutes on the YAML text: values change type, $${x} becomes ${x}, defaults apply', () => {
  const [out] = substituteObjects([deployment()], { env: 'beta', count: '5' });
  assert.deepEqual(out, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app-beta', namespace: 'default' },
    spec: {
      replicas: 5,
      template: { spec: { containers: [{ name: 'app', image: 'app:latest', args: ['--literal=${HOME}', '--cost=5$'] }] } },
    },
  });
});

test('a value can carry YAML structure and YAML 1.1 booleans, as sigs.k8s.io/yaml reads them', () => {
  const cm: ValueMap = { apiVersion: 'v1', kind: 'Test', metadata: { name: 't' }, spec: { list: '${list}', flag: '${flag}', quoted: 'x ${flag}' } };
  const [out] = substituteObjects([cm], { list: '[a, b]', flag: 'yes' });
  assert.deepEqual(out, { apiVersion: 'v1', kind: 'Test', metadata: { name: 't' }, spec: { list: ['a', 'b'], flag: true, quoted: 'x yes' } });
});

test('objects that need no change are returned as they are', () => {
  const plain: ValueMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' }, data: { regex: '^[a-z]+$' } };
  const objects = [plain];
  const out = substituteObjects(objects, { env: 'beta' });
  assert.notEqual(out, objects);
  assert.equal(out[0], plain);
});

test('objects labelled or annotated substitute: disabled are skipped', () => {
  const annotated: ValueMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'dash', annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } },
    data: { json: '{"ds": "${datasource}"}' },
  };
  const labelled: ValueMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'dash2', labels: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } },
    data: { json: '${datasource}' },
  };
  const out = substituteObjects([annotated, labelled], { env: 'beta' });
  assert.equal(out[0], annotated);
  assert.equal(out[1], labelled);
});

test('strict mode (the default) fails on an undefined variable, naming it and the object', () => {
  const cm: ValueMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboard', namespace: 'mon' }, data: { q: '${ds_prometheus}' } };
  assert.throws(() => substituteObjects([cm], { env: 'beta' }), {
    name: 'PostBuildError',
    message: `post build failed for 'ConfigMap.v1.[noGrp]/dashboard': envsubst error: variable substitution failed: variable not set (strict mode): "ds_prometheus"`,
  });
});

test('non-strict mode (Flux ≤2.8) leaves undefined variables empty', () => {
  const cm: ValueMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { q: 'a${undefined_var}b' } };
  assert.deepEqual(substituteObjects([cm], { env: 'beta' }, { strict: false }), [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { q: 'ab' } },
  ]);
});

test('without any variable nothing is substituted, unless the strategy is Always', () => {
  const cm: ValueMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '${x:=d}', b: '$${y}' } };
  assert.deepEqual(substituteObjects([cm], {}), [cm]);
  assert.deepEqual(substituteObjects([cm], {}, { always: true }), [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'd', b: '${y}' } },
  ]);
});

test('an invalid variable name fails at the first object substituted', () => {
  const cm: ValueMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} };
  assert.throws(() => substituteObjects([cm], { 'my-var': 'x', ok: 'y' }), {
    message: `post build failed for 'ConfigMap.v1.[noGrp]/c': envsubst error: 'my-var' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`,
  });
});

test('a substituted value that breaks the YAML fails the object', () => {
  const cm: ValueMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '${v}' } };
  assert.throws(() => substituteObjects([cm], { v: '[' }), (e: Error) => e.message.startsWith(`post build failed for 'ConfigMap.v1.[noGrp]/c': envsubst error: YAMLToJSON: `));
});

test('a malformed reference fails with the parser message', () => {
  const cm: ValueMap = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { a: '${v' } };
  assert.throws(() => substituteObjects([cm], { v: 'x' }), {
    message: `post build failed for 'Widget.v1.example.com/w': envsubst error: variable substitution failed: missing closing brace`,
  });
});

test('objectId names objects as kustomize does', () => {
  assert.equal(objectId({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nfs' } }), 'StorageClass.v1.storage.k8s.io/nfs');
  assert.equal(objectId({ kind: 'Thing', metadata: { name: 'x' } }), 'Thing.[noVer].[noGrp]/x');
});

test('substitution of a thousand objects stays fast', () => {
  const objects: ValueMap[] = [];
  for (let i = 0; i < 1000; i++) {
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: { a: i % 2 ? '${cluster}' : 'plain', b: 'x'.repeat(200) } });
  }
  const start = performance.now();
  const out = substituteObjects(objects, { cluster: 'beta' });
  const ms = performance.now() - start;
  assert.deepEqual(out[1], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' }, data: { a: 'beta', b: 'x'.repeat(200) } });
  assert.equal(out[0], objects[0]);
  assert.ok(ms < 2000, `took ${ms} ms`);
});
