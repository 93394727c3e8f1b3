import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resource } from '../../src/kustomize/resource.js';
import { ResMap } from '../../src/kustomize/resmap.js';
import type { FieldSpec } from '../../src/kustomize/fieldspec.js';
import { type Var, checkVarsResolvable, expandVars, mergeVarSets, mergeVars, parseVars, resolveVars } from '../../src/kustomize/transformers/vars.js';
import type { Value, ValueMap } from '../../src/yaml/types.js';

const VAR_REFERENCE: FieldSpec[] = [
  { path: 'spec/containers/args', kind: 'Pod' },
  { path: 'spec/containers/command', kind: 'Pod' },
  { path: 'spec/containers/env/value', kind: 'Pod' },
  { path: 'metadata/labels' },
  { path: 'metadata/annotations' },
];

function configMap(name: string, data: ValueMap, namespace?: string): ValueMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: namespace ? { name, namespace } : { name }, data };
}

function pod(container: ValueMap, metadata: ValueMap = {}): ValueMap {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec: { containers: [{ name: 'c', image: 'i', ...container }] } };
}

function cmVar(name: string, fieldPath?: string, objref: ValueMap = {}): Var {
  return { name, objref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', ...objref }, ...(fieldPath ? { fieldref: { fieldPath } } : {}) };
}

test('parses vars as kustomize reads the kustomization: keys match case-insensitively, unknown keys fail', () => {
  assert.deepEqual(parseVars([{ name: 'A', objRef: { kind: 'Service', name: 's', apiversion: 'v1' }, fieldref: { fieldpath: 'spec.x' } }], 'kustomization.yaml'), [
    { name: 'A', objref: { kind: 'Service', name: 's', apiVersion: 'v1' }, fieldref: { fieldPath: 'spec.x' } },
  ]);
  assert.throws(() => parseVars([{ name: 'A', objref: { kind: 'S', x: 1 } }], 'k'), { message: 'invalid Kustomization: json: unknown field "x"' });
  assert.throws(() => parseVars([{ name: true, objref: {} }], 'k'), {
    message: 'invalid Kustomization: json: cannot unmarshal bool into Go struct field Var.vars.name of type string',
  });
  assert.throws(() => parseVars([{ name: 'A', objref: 5 }], 'k'), {
    message: 'invalid Kustomization: json: cannot unmarshal number into Go struct field Var.vars.objref of type types.Target',
  });
});

test('replaces $(VAR) in the varReference fields: typed when whole, printed with Go %v inside text', () => {
  const rm = new ResMap([
    new Resource(configMap('cm', { s: 'str', i: 42, f: 1234567.5, t: true, e: '', n: null })),
    new Resource(
      pod(
        {
          command: ['$(S)', 'x$(I)y', '$$(S)', '$$$(S)', '$(UNKNOWN)', '$(S', '$', 'a$'],
          args: ['$(I)', '$(F)', '<$(F)>', '$(T)<$(T)>', '$(E)', '$(NUL)'],
          env: [{ name: 'X', value: '$(S)-$(I)' }, { name: 'Y', value: 7 }],
        },
        { labels: { l: '$(T)' }, annotations: { a: '$(S)', b: 5 } },
      ),
    ),
  ]);
  const vars = mergeVars(rm, [], [cmVar('S', 'data.s'), cmVar('I', 'data.i'), cmVar('F', 'data.f'), cmVar('T', 'data.t'), cmVar('E', 'data.e'), cmVar('NUL', 'data.n')]);
  const result = resolveVars(rm, vars, VAR_REFERENCE);
  assert.deepEqual(result, { unused: [], logs: [] });
  assert.deepEqual(
    rm.list()[1]!.obj,
    pod(
      {
        command: ['str', 'x42y', '$(S)', '$str', '$(UNKNOWN)', '$(S', '$', 'a$'],
        args: [42, 1234567.5, '<1.2345675e+06>', 'true<true>', '', 'null'],
        env: [{ name: 'X', value: 'str-42' }, { name: 'Y', value: 7 }],
      },
      { labels: { l: true }, annotations: { a: 'str', b: 5 } },
    ),
  );
});

test('a var reads the final value of its field: the name after a prefix', () => {
  const cm = new Resource(configMap('cm', {}));
  const rm = new ResMap([cm, new Resource(pod({ args: ['$(CM)'] }))]);
  const vars = mergeVars(rm, [], [cmVar('CM')]);
  // A later rename (namePrefix) keeps the var's mark; the value is the new name.
  cm.rememberId();
  cm.setName('p-cm');
  resolveVars(rm, vars, VAR_REFERENCE);
  assert.deepEqual(rm.list()[1]!.obj, pod({ args: ['p-cm'] }));
});

test('a var is matched against the ids a resource had before renames', () => {
  const cm = new Resource(configMap('p-cm', { k: 'v' }));
  cm.previousIds = [{ gvk: { group: '', version: 'v1', kind: 'ConfigMap' }, name: 'cm', namespace: '' }];
  const rm = new ResMap([cm, new Resource(pod({ args: ['$(K)'] }))]);
  resolveVars(rm, mergeVars(rm, [], [cmVar('K', 'data.k')]), VAR_REFERENCE);
  assert.deepEqual(rm.list()[1]!.obj, pod({ args: ['v'] }));
});

test('values are read before replacing: a value holding $(OTHER) stays as it is', () => {
  const rm = new ResMap([new Resource(configMap('cm', { a: '$(B)', b: 'bee' })), new Resource(pod({ args: ['$(A)', '$(B)'] }))]);
  resolveVars(rm, mergeVars(rm, [], [cmVar('A', 'data.a'), cmVar('B', 'data.b')]), VAR_REFERENCE);
  assert.deepEqual(rm.list()[1]!.obj, pod({ args: ['$(B)', 'bee'] }));
});

test('unused vars are reported sorted; map and list values are left in place and logged', () => {
  const rm = new ResMap([new Resource(configMap('cm', { m: { b: 2, a: 'x' }, l: [1, 'two'] })), new Resource(pod({ args: ['$(M)', '$(L)'] }))]);
  const vars = mergeVars(rm, [], [cmVar('ZED'), cmVar('M', 'data.m'), cmVar('L', 'data.l'), cmVar('ALPHA')]);
  assert.deepEqual(resolveVars(rm, vars, VAR_REFERENCE), {
    unused: ['ALPHA', 'L', 'M', 'ZED'],
    logs: [
      'MakePrimitiveReplacer: bad replacement type=map[string]interface {} val=map[a:x b:2]',
      'MakePrimitiveReplacer: bad replacement type=[]interface {} val=[1 two]',
    ],
  });
  assert.deepEqual(rm.list()[1]!.obj, pod({ args: ['$(M)', '$(L)'] }));
});

test('field paths: dots, [n] indexes and list selectors', () => {
  const svc: ValueMap = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] } };
  const rm = new ResMap([new Resource(svc), new Resource(pod({ args: ['$(P0)', '$(P1)'] }))]);
  const ref = { apiVersion: 'v1', kind: 'Service', name: 's' };
  const vars: Var[] = [
    { name: 'P0', objref: ref, fieldref: { fieldPath: 'spec.ports[0].port' } },
    { name: 'P1', objref: ref, fieldref: { fieldPath: 'spec.ports.[name=https].port' } },
  ];
  resolveVars(rm, mergeVars(rm, [], vars), VAR_REFERENCE);
  assert.deepEqual(rm.list()[1]!.obj, pod({ args: [80, 443] }));
});

test('merging: an ambiguous reference and a repeated name are errors', () => {
  const rm = () => new ResMap([new Resource(configMap('cm', {}, 'a')), new Resource(configMap('cm', {}, 'b'))]);
  assert.throws(() => mergeVars(rm(), [], [cmVar('V')]), {
    message: 'merging vars [{V ConfigMap.[noVer].[noGrp] {}}]: found 2 resId matches for var {V ConfigMap.v1.[noGrp] {}} (unable to disambiguate)',
  });
  // A namespace narrows the match.
  const ok = rm();
  assert.deepEqual(mergeVars(ok, [], [cmVar('V', undefined, { namespace: 'b' })]), [cmVar('V', undefined, { namespace: 'b' })]);
  assert.deepEqual(
    ok.list().map((r) => r.refVarNames),
    [[], ['V']],
  );
  assert.throws(() => mergeVars(rm(), [cmVar('V', undefined, { namespace: 'a' })], [cmVar('V', 'data.x', { namespace: 'b' })]), {
    message: "merging vars [{V ConfigMap.[noVer].[noGrp] {data.x}}]: var 'V' already encountered",
  });
  assert.throws(() => checkVarsResolvable(rm(), [cmVar('V', undefined, { namespace: 'a' }), cmVar('V', undefined, { namespace: 'a' })]), /var 'V' already encountered/);
  assert.throws(() => mergeVarSets([cmVar('A')], [cmVar('A')]), { message: "var 'A' already encountered" });
});

test('resolving: a var without a resource, or whose field is missing, is an error', () => {
  const rm = new ResMap([new Resource(configMap('cm', {})), new Resource(pod({}))]);
  const noVersion: Var = { name: 'V', objref: { kind: 'ConfigMap', name: 'cm' } };
  assert.throws(() => resolveVars(rm, mergeVars(rm, [], [noVersion]), VAR_REFERENCE), {
    message: "var '{V ConfigMap.[noVer].[noGrp] {metadata.name}}' cannot be mapped to a field in the set of known resources",
  });
  assert.throws(() => resolveVars(rm, mergeVars(rm, [], [cmVar('W', 'data.nope')]), VAR_REFERENCE), {
    message: "field specified in var '{W ConfigMap.v1.[noGrp] {data.nope}}' not found in corresponding resource",
  });
});

test('a list field with a non-string entry is an error naming the field and object', () => {
  const rm = new ResMap([new Resource(configMap('cm', {})), new Resource(pod({ args: [5, '$(V)'] }))]);
  assert.throws(() => resolveVars(rm, mergeVars(rm, [], [cmVar('V')]), VAR_REFERENCE), {
    message: "considering field 'spec/containers/args' of object Pod.v1.[noGrp]/p.[noNs]: visit traversal on path: [args]: invalid value type expect a string",
  });
});

test('expansion rules', () => {
  const m = (name: string): Value => ({ A: 'a', N: 3, B: false } as Record<string, Value>)[name] ?? `$(${name})`;
  const cases: [string, Value][] = [
    ['$(A)', 'a'],
    ['$(N)', 3],
    ['$(B)', false],
    ['$(A)$(N)', 'a3'],
    ['$$', '$'],
    ['$$(A)', '$(A)'],
    ['$(', '$('],
    ['$()', '$()'],
    ['$x$(A)', '$xa'],
    ['no vars', 'no vars'],
  ];
  for (const [input, want] of cases) assert.deepEqual(expandVars(input, m), want, input);
});
