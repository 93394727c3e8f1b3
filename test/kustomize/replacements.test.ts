import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resource } from '../../src/kustomize/resource.js';
import { ResMap } from '../../src/kustomize/resmap.js';
import {
  type Replacement,
  applyReplacements,
  loadReplacements,
  parseReplacementFields,
  parseReplacements,
} from '../../src/kustomize/transformers/replacements.js';
import { smarterPathSplit } from '../../src/kustomize/transformers/kyaml-path.js';
import type { ValueMap } from '../../src/yaml/types.js';

function run(objs: ValueMap[], replacements: Replacement[]): ValueMap[] {
  const rm = new ResMap(objs.map((o) => new Resource(o)));
  applyReplacements(rm, replacements);
  return rm.list().map((r) => r.obj);
}

function configMap(data: ValueMap, name = 'src'): ValueMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

function deployment(name: string, spec: ValueMap, metadata: ValueMap = {}): ValueMap {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, ...metadata }, spec };
}

test('copies the default field (metadata.name) into the default target field', () => {
  const out = run(
    [configMap({}, 'cfg'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'old' } }],
    [{ source: { kind: 'ConfigMap' }, targets: [{ select: { kind: 'Secret' } }] }],
  );
  assert.deepEqual(out, [configMap({}, 'cfg'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cfg' } }]);
});

test('a scalar target keeps its type: the source text is read as that type', () => {
  const out = run(
    [configMap({ five: '5', num: 7 }), deployment('d', { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } })],
    [
      { source: { kind: 'ConfigMap', fieldPath: 'data.five' }, targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.replicas', 'spec.created'], options: { create: true } }] },
      { source: { kind: 'ConfigMap', fieldPath: 'data.num' }, targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.template.spec.containers.0.image'] }] },
    ],
  );
  assert.deepEqual(out[1], deployment('d', { replicas: 5, created: 5, template: { spec: { containers: [{ name: 'a', image: '7' }] } } }));
});

test('a text the target type cannot take fails once the replacements are done', () => {
  const objs = () => [configMap({ word: 'hello', num: 3 }), deployment('d', { replicas: 1 })];
  const toReplicas = (fieldPath: string): Replacement => ({ source: { kind: 'ConfigMap', fieldPath }, targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.replicas'] }] });
  assert.throws(() => run(objs(), [toReplicas('data.word')]), {
    message: 'map[string]interface {}(nil): yaml: cannot decode !!str `hello` as a !!int',
  });
  // A later replacement in the same run may still fix it.
  assert.deepEqual(run(objs(), [toReplicas('data.word'), toReplicas('data.num')])[1], deployment('d', { replicas: 3 }));
});

test('maps and lists replace the target whole; a map copied onto a scalar leaves an empty text', () => {
  const out = run(
    [configMap({ labels: { a: '1' }, args: ['x', 'y'] }), deployment('d', { selector: { matchLabels: { old: 'v' } }, args: 'flat', note: 'text' })],
    [
      { source: { kind: 'ConfigMap', fieldPath: 'data.labels' }, targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.selector.matchLabels', 'spec.note'] }] },
      { source: { kind: 'ConfigMap', fieldPath: 'data.args' }, targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.args', 'spec.template.args'], options: { create: true } }] },
    ],
  );
  assert.deepEqual(out[1], deployment('d', { selector: { matchLabels: { a: '1' } }, args: '', note: '', template: { args: ['x', 'y'] } }));
});

test('list selectors: [k=v] is an unanchored regular expression, [=v] matches scalar entries, * every entry', () => {
  const spec = (): ValueMap => ({
    template: {
      spec: {
        containers: [
          { name: 'app', image: 'nginx:1.0', args: ['--a', '--b', '7'] },
          { name: 'application', image: 'foo' },
          { name: 'side', image: 'bar:2' },
        ],
      },
    },
  });
  const out = run(
    [configMap({ word: 'hello' }), deployment('d', spec())],
    [
      {
        source: { kind: 'ConfigMap', fieldPath: 'data.word' },
        targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.template.spec.containers.[name=app].image', 'spec.template.spec.containers.0.args.[=b]', 'spec.template.spec.containers.*.name'] }],
      },
    ],
  );
  assert.deepEqual(
    out[1],
    deployment('d', {
      template: {
        spec: {
          containers: [
            { name: 'hello', image: 'hello', args: ['--a', 'hello', '7'] },
            { name: 'hello', image: 'hello' },
            { name: 'hello', image: 'bar:2' },
          ],
        },
      },
    }),
  );
});

test('create makes missing fields, list entries and the entry one past the end', () => {
  const out = run(
    [configMap({ five: '5' }), deployment('d', { list: [{ name: 'a' }], prim: ['a'] })],
    [
      {
        source: { kind: 'ConfigMap', fieldPath: 'data.five' },
        targets: [
          {
            select: { kind: 'Deployment' },
            fieldPaths: ['spec.new.[name=x].v', 'spec.list.1.name', 'spec.prim.[=z]', 'spec.deep.0.0', 'spec.keys.[a.b/c]'],
            options: { create: true },
          },
        ],
      },
    ],
  );
  assert.deepEqual(
    out[1],
    deployment('d', { list: [{ name: 'a' }, { name: 5 }], prim: ['a', 5], new: [{ name: 'x', v: 5 }], deep: [[5]], keys: { 'a.b/c': 5 } }),
  );
});

test('delimiter and index: a part of the source; in the target, replace, prefix or append', () => {
  const out = run(
    [
      configMap({ csv: 'a,b,c' }),
      deployment('d', { template: { spec: { containers: [{ name: 'x', image: 'nginx:1.0' }, { name: 'y', image: 'foo' }, { name: 'z', image: 'bar:2' }] } } }),
    ],
    [
      {
        source: { kind: 'ConfigMap', fieldPath: 'data.csv', options: { delimiter: ',', index: 1 } },
        targets: [
          { select: { kind: 'Deployment' }, fieldPaths: ['spec.template.spec.containers.0.image'], options: { delimiter: ':', index: 0 } },
          { select: { kind: 'Deployment' }, fieldPaths: ['spec.template.spec.containers.1.image'], options: { delimiter: ':', index: -1 } },
          { select: { kind: 'Deployment' }, fieldPaths: ['spec.template.spec.containers.2.image'], options: { delimiter: ':', index: 5 } },
        ],
      },
    ],
  );
  assert.deepEqual(out[1], deployment('d', { template: { spec: { containers: [{ name: 'x', image: 'b:1.0' }, { name: 'y', image: 'b:foo' }, { name: 'z', image: 'bar:2:b' }] } } }));
  assert.throws(
    () => run([configMap({ csv: 'a,b,c' }), deployment('d', {})], [{ source: { kind: 'ConfigMap', fieldPath: 'data.csv', options: { delimiter: ',', index: 3 } }, targets: [{ select: { kind: 'Deployment' } }] }]),
    { message: 'options.index 3 is out of bounds for value a,b,c' },
  );
  assert.throws(
    () => run([configMap({ csv: 'a' }), deployment('d', { m: {} })], [{ source: { kind: 'ConfigMap', fieldPath: 'data.csv' }, targets: [{ select: { kind: 'Deployment' }, fieldPaths: ['spec.m'], options: { delimiter: ':' } }] }]),
    { message: 'delimiter option can only be used with scalar nodes' },
  );
});

test('select and reject: by id (any id the resource has had), labels and annotations', () => {
  const renamed = new Resource(deployment('p-web', {}, { labels: { tier: 'web' } }));
  renamed.previousIds = [{ gvk: { group: 'apps', version: 'v1', kind: 'Deployment' }, name: 'web', namespace: '' }];
  const rm = new ResMap([
    new Resource(configMap({ v: 'x' })),
    renamed,
    new Resource(deployment('api', {}, { labels: { tier: 'api' } })),
    new Resource(deployment('db', {}, { namespace: 'data' })),
  ]);
  applyReplacements(rm, [
    // Selected by its name before the prefix.
    { source: { kind: 'ConfigMap', fieldPath: 'data.v' }, targets: [{ select: { name: 'web' }, fieldPaths: ['spec.byName'], options: { create: true } }] },
    // A reject with a kind and a label selector rejects by either.
    {
      source: { kind: 'ConfigMap', fieldPath: 'data.v' },
      targets: [{ select: { kind: 'Deployment' }, reject: [{ kind: 'Deployment', name: 'db' }, { labelSelector: 'tier=api' }], fieldPaths: ['spec.kept'], options: { create: true } }],
    },
    { source: { kind: 'ConfigMap', fieldPath: 'data.v' }, targets: [{ select: { namespace: 'default', labelSelector: 'tier' }, fieldPaths: ['spec.inDefault'], options: { create: true } }] },
  ]);
  assert.deepEqual(
    rm.list().map((r) => r.obj),
    [
      configMap({ v: 'x' }),
      deployment('p-web', { byName: 'x', kept: 'x', inDefault: 'x' }, { labels: { tier: 'web' } }),
      deployment('api', { inDefault: 'x' }, { labels: { tier: 'api' } }),
      deployment('db', {}, { namespace: 'data' }),
    ],
  );
});

test('source errors: several matches, none, a missing field', () => {
  const objs = () => [configMap({ a: 'x' }, 'one'), configMap({ a: 'y' }, 'two'), deployment('d', {})];
  const target = [{ select: { kind: 'Deployment' } }];
  assert.throws(() => run(objs(), [{ source: { kind: 'ConfigMap', fieldPath: 'data.a', options: { create: true } }, targets: target }]), {
    message: 'multiple matches for selector ConfigMap.[noVer].[noGrp]/[noName].[noNs]:data.a:(0), create=true',
  });
  assert.throws(() => run(objs(), [{ source: { kind: 'ConfigMap', version: 'v1', name: 'three' }, targets: target }]), {
    message: 'nothing selected by ConfigMap.v1.[noGrp]/three.[noNs]',
  });
  assert.throws(() => run(objs(), [{ source: { kind: 'ConfigMap', name: 'one', fieldPath: 'data.b' }, targets: target }]), {
    message: 'fieldPath `data.b` is missing for replacement source ConfigMap.[noVer].[noGrp]/one.[noNs]',
  });
  assert.throws(() => run(objs(), [{ source: { kind: 'ConfigMap', name: 'one', fieldPath: 'data.*' }, targets: target }]), {
    message: 'error looking up replacement source: wildcard is not supported in PathGetter',
  });
  assert.throws(() => run(objs(), [{ source: { kind: 'ConfigMap', name: 'one' } }]), { message: 'replacements must specify a source and at least one target' });
  assert.throws(() => run(objs(), [{ source: { kind: 'ConfigMap', name: 'one' }, targets: [{ fieldPaths: ['x'] }] }]), { message: 'target must specify resources to select' });
});

test('source paths: [k=v] is an exact match, "-" the last entry, a number an index', () => {
  const svc: ValueMap = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] } };
  const out = run(
    [svc, configMap({})],
    [
      { source: { kind: 'Service', fieldPath: 'spec.ports.[name=https].port' }, targets: [{ select: { kind: 'ConfigMap' }, fieldPaths: ['data.exact'], options: { create: true } }] },
      { source: { kind: 'Service', fieldPath: 'spec.ports.-.name' }, targets: [{ select: { kind: 'ConfigMap' }, fieldPaths: ['data.last'], options: { create: true } }] },
      { source: { kind: 'Service', fieldPath: 'spec.ports.0.port' }, targets: [{ select: { kind: 'ConfigMap' }, fieldPaths: ['data.first'], options: { create: true } }] },
    ],
  );
  assert.deepEqual(out[1], configMap({ exact: 443, last: 'https', first: 80 }));
  assert.throws(() => run([svc, configMap({})], [{ source: { kind: 'Service', fieldPath: 'spec.ports.[name=http.*].port' }, targets: [{ select: { kind: 'ConfigMap' } }] }]), {
    message: 'fieldPath `spec.ports.[name=http.*].port` is missing for replacement source Service.[noVer].[noGrp]/[noName].[noNs]',
  });
});

test('target paths that find nothing, or the wrong kind of node, are errors', () => {
  const objs = () => [configMap({ w: 'x' }), deployment('d', { list: [{ name: 'a' }], map: { k: 'v' } })];
  const to = (fp: string, create = false): Replacement[] => [{ source: { kind: 'ConfigMap', fieldPath: 'data.w' }, targets: [{ select: { kind: 'Deployment' }, fieldPaths: [fp], options: { create } }] }];
  assert.throws(() => run(objs(), to('spec.nope')), { message: 'unable to find field "spec.nope" in replacement target' });
  assert.throws(() => run(objs(), to('spec.list.3.name')), { message: 'unable to find field "spec.list.3.name" in replacement target: index 3 specified but only 1 elements found' });
  assert.throws(() => run(objs(), to('spec.list.3.name', true)), {
    message: 'unable to find or create field "spec.list.3.name" in replacement target: index 3 specified but only 1 elements found',
  });
  assert.throws(() => run(objs(), to('spec.map.*')), {
    message: 'unable to find field "spec.map.*" in replacement target: wrong node kind: expected SequenceNode but got MappingNode: node contents:\nk: v',
  });
  assert.throws(() => run(objs(), to('spec.list.name')), {
    message: 'unable to find field "spec.list.name" in replacement target: wrong node kind: expected MappingNode but got SequenceNode: node contents:\n- name: a',
  });
  assert.throws(() => run(objs(), to('spec.list.[name]')), {
    message: 'unable to find field "spec.list.[name]" in replacement target: list path element must contain fieldName=fieldValue for element to match',
  });
});

test('paths split on dots, keeping bracketed parts whole', () => {
  assert.deepEqual(smarterPathSplit('spec.containers.[name=com.foo].image'), ['spec', 'containers', '[name=com.foo]', 'image']);
  assert.deepEqual(smarterPathSplit('metadata.annotations.[config.kubernetes.io/x]'), ['metadata', 'annotations', 'config.kubernetes.io/x']);
  assert.deepEqual(smarterPathSplit('a\\.b.c'), ['a.b', 'c']);
  assert.deepEqual(smarterPathSplit('a.[f].b'), ['a', '[f]', 'b']);
});

test('kustomization entries are read strictly, with Go json messages in sorted key order', () => {
  assert.deepEqual(
    parseReplacementFields([{ SOURCE: { kind: 'ConfigMap', fieldpath: 'data.a' }, targets: [{ select: { name: 'x' }, fieldPaths: [], reject: [] }] }, { path: 'r.yaml' }]),
    [{ source: { kind: 'ConfigMap', fieldPath: 'data.a' }, targets: [{ select: { name: 'x' } }] }, { path: 'r.yaml' }],
  );
  assert.throws(() => parseReplacementFields([{ source: { kind: 'ConfigMap', bogus: 1, options: { index: 'x' } } }]), {
    message: 'invalid Kustomization: json: unknown field "bogus"',
  });
  assert.throws(() => parseReplacementFields([{ source: { kind: 'ConfigMap', zz: 1, options: { index: 'x' } } }]), {
    message: 'invalid Kustomization: json: cannot unmarshal string into Go struct field FieldOptions.replacements.source.options.index of type int',
  });
  assert.throws(() => parseReplacementFields([{ targets: [{ select: { kind: 'X' }, fieldPaths: 'spec.a' }] }]), {
    message: 'invalid Kustomization: json: cannot unmarshal string into Go struct field TargetSelector.replacements.targets.fieldPaths of type []string',
  });
  assert.throws(() => parseReplacementFields([{ source: { kind: 'X', options: { index: 1.5 } } }]), {
    message: 'invalid Kustomization: json: cannot unmarshal number 1.5 into Go struct field FieldOptions.replacements.source.options.index of type int',
  });
  assert.throws(() => parseReplacementFields([5]), {
    message: 'invalid Kustomization: json: cannot unmarshal number into Go struct field Kustomization.replacements of type types.ReplacementField',
  });
});

test('replacement files hold one replacement or a list; unknown fields are ignored', () => {
  const one = { source: { kind: 'ConfigMap', bogus: 1 }, targets: [{ select: { kind: 'Secret' }, fieldPaths: ['data.a', 5] }] };
  assert.deepEqual(parseReplacements(one), [{ source: { kind: 'ConfigMap' }, targets: [{ select: { kind: 'Secret' }, fieldPaths: ['data.a', '5'] }] }]);
  assert.deepEqual(parseReplacements([one, one]).length, 2);
  assert.throws(() => parseReplacements('text'), { message: 'unsupported replacement type encountered within replacement path: string' });
  assert.throws(() => parseReplacements({ source: { name: 5 } }), {
    message: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go struct field SourceSelector.source.name of type string',
  });
});

test('loading entries: files through the loader; errors show the config kustomize was given', () => {
  const fields = parseReplacementFields([{ path: 'r.yaml' }, { source: { kind: 'ConfigMap' }, targets: [{ select: { kind: 'Secret' } }] }]);
  const loaded = loadReplacements(fields, (p) => (p === 'r.yaml' ? [{ source: { kind: 'A' }, targets: [{ select: { kind: 'B' } }] }] : undefined));
  assert.deepEqual(loaded, [
    { source: { kind: 'A' }, targets: [{ select: { kind: 'B' } }] },
    { source: { kind: 'ConfigMap' }, targets: [{ select: { kind: 'Secret' } }] },
  ]);
  const both = parseReplacementFields([{ path: 'r.yaml', source: { kind: 'ConfigMap', fieldPath: 'data.a' }, targets: [{ select: { kind: 'Secret' }, fieldPaths: ['data.b'] }] }]);
  assert.throws(() => loadReplacements(both, () => undefined), {
    message:
      'trouble configuring builtin ReplacementTransformer with config: `\n' +
      'Replacements:\n' +
      '- path: r.yaml\n' +
      '  source:\n' +
      '    fieldPath: data.a\n' +
      '    kind: ConfigMap\n' +
      '  targets:\n' +
      '  - fieldPaths:\n' +
      '    - data.b\n' +
      '    select:\n' +
      '      kind: Secret\n' +
      '`: cannot specify both path and inline replacement',
  });
  assert.throws(() => loadReplacements(parseReplacementFields([{ path: 'empty.yaml' }]), () => undefined), {
    message: 'trouble configuring builtin ReplacementTransformer with config: `\nReplacements:\n- path: empty.yaml\n`: unsupported replacement type encountered within replacement path: invalid',
  });
});
