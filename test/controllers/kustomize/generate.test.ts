import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyCommonMetadata,
  buildFluxKustomization,
  generateKustomization,
  isLocalRelativePath,
  prepareKustomization,
  resolveSourcePath,
  type BuildSpec,
} from '../../../src/controllers/kustomize/generate.js';
import { overlayFileSystem, rootedFileSystem, secureJoin } from '../../../src/controllers/kustomize/filesystem.js';
import { substituteObjects } from '../../../src/controllers/kustomize/substitute.js';
import { diskFileSystem, memoryFileSystem } from '../../../src/kustomize/filesystem.js';
import { parseAllDocuments } from '../../../src/yaml/parse.js';
import { isMap, type ValueMap } from '../../../src/yaml/types.js';

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

test('a plain directory gets a kustomization listing its YAML files, recursively', () => {
  const view = memoryFileSystem({
    '/src/apps/b.yaml': cm('b'),
    '/src/apps/a.yml': cm('a'),
    '/src/apps/.hidden.yaml': cm('h'),
    '/src/apps/notes.txt': 'not yaml',
    '/src/apps/sub/c.yaml': cm('c'),
    '/src/apps/sub/deeper/d.yaml': cm('d'),
    '/src/apps/kust/kustomization.yml': 'resources: [e.yaml]\n',
    '/src/apps/kust/e.yaml': cm('e'),
    '/src/apps/kust/broken.yaml': 'not: [closed',
  });
  assert.deepEqual(generateKustomization(view, '/src/apps'), {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['./.hidden.yaml', './a.yml', './b.yaml', './kust', './sub/c.yaml', './sub/deeper/d.yaml'],
  });
});

test('an empty directory gets a placeholder namespace and builds to nothing', () => {
  const view = memoryFileSystem({ '/src/empty/README.md': '# nothing' });
  assert.deepEqual(generateKustomization(view, '/src/empty'), {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: '_placeholder',
  });
  assert.deepEqual(buildFluxKustomization('/src', 'empty', {}, { fs: view }).objects, []);
});

test('a file that is not valid YAML fails the generation, naming the file', () => {
  const view = memoryFileSystem({ '/src/apps/ok.yaml': cm('ok'), '/src/apps/sub/bad.yaml': 'kind: [ConfigMap\n' });
  assert.throws(() => buildFluxKustomization('/src', 'apps', {}, { fs: view }), {
    name: 'GenerateError',
    message: /^failed to decode Kubernetes YAML from apps\/sub\/bad\.yaml: /,
  });
  const scalar = memoryFileSystem({ '/src/apps/list.yaml': '- a\n- b\n' });
  assert.throws(() => generateKustomization(scalar, '/src/apps', { root: '/src' }), {
    message: 'failed to decode Kubernetes YAML from apps/list.yaml: document 1 is a sequence, not a Kubernetes object',
  });
});

const appFiles = {
  '/src/app/kustomization.yaml': 'resources: [deploy.yaml]\nimages:\n- name: nginx\n  newTag: "1.0"\n',
  '/src/app/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n',
  '/src/components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  team: platform\n',
};
const appSpec: BuildSpec = {
  targetNamespace: 'prod',
  namePrefix: 'p-',
  patches: [{ patch: '- op: replace\n  path: /spec/replicas\n  value: 3\n', target: { kind: 'Deployment', name: 'web' } }],
  images: [{ name: 'nginx', newName: 'registry.example.com/nginx' }],
  components: ['../components/extra', 'missing'],
  ignoreMissingComponents: true,
};

test('the spec is written into the existing kustomization file', () => {
  const view = memoryFileSystem(appFiles);
  const prepared = prepareKustomization(view, '/src/app', appSpec);
  assert.equal(prepared.file, '/src/app/kustomization.yaml');
  assert.equal(prepared.generated, false);
  assert.deepEqual(prepared.kustomization, {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['deploy.yaml'],
    // merged by name: the file's newTag stays, the spec's newName is added
    images: [{ name: 'nginx', newTag: '1.0', newName: 'registry.example.com/nginx' }],
    namespace: 'prod',
    namePrefix: 'p-',
    patches: [{ patch: '- op: replace\n  path: /spec/replicas\n  value: 3\n', target: { kind: 'Deployment', name: 'web' } }],
    components: ['../components/extra'],
  });
  // The edited file is what the returned view shows; the original view is untouched.
  assert.deepEqual(parseAllDocuments(prepared.fs.readFile('/src/app/kustomization.yaml').toString())[0], prepared.kustomization);
  assert.equal(view.readFile('/src/app/kustomization.yaml').toString(), appFiles['/src/app/kustomization.yaml']);
});

test('the build acts inside the kustomization, as kustomize-controller builds it', () => {
  // Expected output checked against `kubectl.1.32 kustomize` on the edited file: the patch
  // targets the unprefixed name, because it runs in the same kustomization as namePrefix.
  const result = buildFluxKustomization('/src', './app', appSpec, { fs: memoryFileSystem(appFiles) });
  assert.deepEqual(result.objects, [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { annotations: { team: 'platform' }, name: 'p-web', namespace: 'prod' },
      spec: {
        replicas: 3,
        template: {
          metadata: { annotations: { team: 'platform' } },
          spec: { containers: [{ image: 'registry.example.com/nginx:1.0', name: 'web' }] },
        },
      },
    },
  ]);
});

test('Go round trip of the kustomization: unknown fields dropped, names matched without case, the file name kept', () => {
  const view = memoryFileSystem({
    '/src/k/kustomization.yml': 'Resources: [cm.yaml]\nunknownField: 1\nnamePrefix: keep-\n',
    '/src/k/cm.yaml': cm('c'),
  });
  const prepared = prepareKustomization(view, '/src/k', { nameSuffix: '-x' });
  assert.equal(prepared.file, '/src/k/kustomization.yml');
  assert.deepEqual(prepared.kustomization, {
    resources: ['cm.yaml'],
    namePrefix: 'keep-',
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    nameSuffix: '-x',
  });
});

test('an existing kustomization without resources gets originAnnotations, unless the spec sets buildMetadata', () => {
  const view = memoryFileSystem({ '/src/gen/kustomization.yaml': 'configMapGenerator:\n- name: cfg\n  literals: [a=b]\n' });
  assert.deepEqual(prepareKustomization(view, '/src/gen', {}).kustomization.buildMetadata, ['originAnnotations']);
  assert.deepEqual(prepareKustomization(view, '/src/gen', { buildMetadata: ['transformerAnnotations'] }).kustomization.buildMetadata, [
    'transformerAnnotations',
  ]);
  assert.deepEqual(buildFluxKustomization('/src', 'gen', {}, { fs: view }).objects, [
    {
      apiVersion: 'v1',
      data: { a: 'b' },
      kind: 'ConfigMap',
      metadata: {
        annotations: {
          'config.kubernetes.io/origin': 'configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n',
        },
        name: 'cfg-4h2mbtbbt6',
      },
    },
  ]);
});

test('a kustomization that needs no edit is built from the view as given', () => {
  const view = memoryFileSystem({ '/src/k/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n', '/src/k/cm.yaml': cm('c') });
  assert.equal(prepareKustomization(view, '/src/k', {}).fs, view);
});

test('an empty targetNamespace, prefix or suffix removes the kustomization’s own (Go omits empty fields)', () => {
  const view = memoryFileSystem({ '/src/k/kustomization.yaml': 'namespace: a\nnamePrefix: b-\nresources: [cm.yaml]\n', '/src/k/cm.yaml': cm('c') });
  const k = prepareKustomization(view, '/src/k', { targetNamespace: '', namePrefix: '' }).kustomization;
  assert.deepEqual(k, { resources: ['cm.yaml'], apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
});

test('v1beta2 patchesStrategicMerge and patchesJson6902 are appended inline', () => {
  const view = memoryFileSystem({ '/src/k/cm.yaml': cm('c') });
  const k = prepareKustomization(view, '/src/k', {
    patchesStrategicMerge: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }],
    patchesJson6902: [{ patch: [{ op: 'add', path: '/data/x', value: 'y' }], target: { version: 'v1', kind: 'ConfigMap', name: 'c' } }],
  }).kustomization;
  assert.deepEqual(k.patchesStrategicMerge, ['{"apiVersion":"v1","data":{"a":"b"},"kind":"ConfigMap","metadata":{"name":"c"}}']);
  assert.deepEqual(k.patchesJson6902, [{ patch: '[{"op":"add","path":"/data/x","value":"y"}]', target: { version: 'v1', kind: 'ConfigMap', name: 'c' } }]);
});

test('components must be local and relative', () => {
  const view = memoryFileSystem({ '/src/k/cm.yaml': cm('c') });
  assert.throws(() => prepareKustomization(view, '/src/k', { components: ['https://github.com/x/y'] }), {
    name: 'GenerateError',
    message: "component path 'https://github.com/x/y' must be local and relative",
  });
  assert.deepEqual(
    ['../c', 'c', '/abs', 'file:///abs', 'git@github.com:x/y', 'GitHub.com/x/y', 'gh:x'].map(isLocalRelativePath),
    [true, true, false, false, false, false, false],
  );
});

test('a missing component fails the build unless ignoreMissingComponents', () => {
  const view = memoryFileSystem({ '/src/k/cm.yaml': cm('c') });
  assert.throws(() => buildFluxKustomization('/src', 'k', { components: ['nope'] }, { fs: view }), { name: 'BuildError', message: /^kustomize build failed: / });
});

test('nothing outside the artifact root is read', () => {
  const view = memoryFileSystem({ '/src/k/kustomization.yaml': 'resources: [../../outside/cm.yaml]\n', '/outside/cm.yaml': cm('o') });
  assert.throws(() => buildFluxKustomization('/src', 'k', {}, { fs: view }), {
    name: 'BuildError',
    message: /fs-security-constraint read \/outside\/cm\.yaml: path '\/outside\/cm\.yaml' is not in or below '\/src'/,
  });
  const rooted = rootedFileSystem(view, '/src');
  assert.equal(rooted.exists('/outside/cm.yaml'), false);
  assert.equal(rooted.exists('/src/k/kustomization.yaml'), true);
});

test('spec.path cannot leave the root and must exist', () => {
  assert.equal(secureJoin('/src', '../../etc'), '/src/etc');
  assert.equal(secureJoin('/src', './a/../b/'), '/src/b');
  assert.equal(secureJoin('/src', ''), '/src');
  const view = memoryFileSystem({ '/src/a/cm.yaml': cm('c') });
  assert.equal(resolveSourcePath(view, '/src', './a'), '/src/a');
  assert.throws(() => resolveSourcePath(view, '/src', './missing'), {
    name: 'SourcePathError',
    message: 'kustomization path not found: stat /src/missing: no such file or directory',
  });
});

test('objects without apiVersion, kind or name are refused', () => {
  const view = memoryFileSystem({ '/src/k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n' });
  assert.throws(() => buildFluxKustomization('/src', 'k', {}, { fs: view }), {
    name: 'BuildError',
    message: 'failed to decode Kubernetes apiVersion, kind and name from: apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n',
  });
});

test('overlayFileSystem adds files and lists them beside the base ones', () => {
  const base = memoryFileSystem({ '/a/x.yaml': 'x' });
  const view = overlayFileSystem(base, { '/a/y.yaml': 'y', '/a/new/z.yaml': 'z', '/a/x.yaml': 'X' });
  assert.deepEqual(view.readDir('/a'), ['new', 'x.yaml', 'y.yaml']);
  assert.equal(view.readFile('/a/x.yaml').toString(), 'X');
  assert.equal(view.isDir('/a/new'), true);
  assert.equal(view.exists('/a/new/z.yaml'), true);
  assert.equal(view.isDir('/a/y.yaml'), false);
});

test('commonMetadata is stamped on every object, overriding existing keys', () => {
  const objects: ValueMap[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { team: 'old', keep: 'yes' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } },
  ];
  assert.deepEqual(applyCommonMetadata(objects, { labels: { team: 'new' }, annotations: { owner: 'ops' } }), [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { team: 'new', keep: 'yes' }, annotations: { owner: 'ops' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', labels: { team: 'new' }, annotations: { owner: 'ops' } } },
  ]);
  assert.deepEqual(objects[1], { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
});

// The seed tutorial: every path clusters/beta's Kustomizations point at, built and substituted
// as the controller will (capacitor's remote resources dropped, as the end-to-end test does).
const SEED_PATH = path.resolve(process.env.FLUXION_SHARED ?? path.resolve(import.meta.dirname, '../../../../shared'), 'fixtures/gitops-seed');
// The build follows symlinks, so the overlaid file must be named by its real path.
const SEED = fs.existsSync(SEED_PATH) ? fs.realpathSync(SEED_PATH) : SEED_PATH;

test('builds the gitops-seed beta cluster paths through generate and substitute', { skip: !fs.existsSync(SEED) && `${SEED} is absent` }, () => {
  const view = overlayFileSystem(diskFileSystem, {
    [`${SEED}/infrastructure/controllers/capacitor/kustomization.yaml`]: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
  });
  const kustomizations = fs
    .readdirSync(`${SEED}/clusters/beta`)
    .flatMap((f) => parseAllDocuments(fs.readFileSync(`${SEED}/clusters/beta/${f}`, 'utf8')))
    .filter((d): d is ValueMap => isMap(d) && d.kind === 'Kustomization');
  const built = new Map<string, ValueMap[]>();
  for (const ks of kustomizations) {
    const spec = ks.spec as ValueMap & BuildSpec & { path: string };
    const { objects } = buildFluxKustomization(SEED, spec.path, spec, { fs: view });
    // No variable is used there; a strict substitution must leave every object as built
    // (the kyverno CRDs' '$'-anchored patterns included).
    const substituted = substituteObjects(objects, { cluster: 'beta' });
    substituted.forEach((o, i) => assert.equal(o, objects[i]));
    built.set(String((ks.metadata as ValueMap).name), objects);
  }
  const names = (name: string): string[] =>
    built.get(name)!.map((o) => `${o.kind}/${(o.metadata as ValueMap).namespace ?? ''}/${(o.metadata as ValueMap).name}`);
  assert.deepEqual(names('applications'), [
    'ConfigMap/default/env-benjamintoll-2tth6fc6hf',
    'ConfigMap/default/env-debug-kt5867tbk6',
    'Service/default/benjamintoll',
    'Deployment/default/benjamintoll',
    'Deployment/default/debug',
    'Deployment/default/dnsutils',
  ]);
  assert.deepEqual(names('db'), ['Service/default/g00gle', 'Deployment/default/db-g00gle']);
  assert.equal(built.get('infrastructure-controllers')!.length, 65);
  const replicas = (name: string): unknown =>
    ((built.get('applications')!.find((o) => o.kind === 'Deployment' && (o.metadata as ValueMap).name === name)!.spec as ValueMap).replicas);
  assert.equal(replicas('debug'), 5);
  assert.equal(replicas('benjamintoll'), 6);
  const debugEnv = built.get('applications')!.find((o) => (o.metadata as ValueMap).name === 'env-debug-kt5867tbk6')!;
  assert.deepEqual(debugEnv.data, { BAR: 'beta-bar', BASE: 'base', DERP: 'beta-derp', FOO: 'beta-foo', PORT: '443' });
});
