// More features, each a small tree with the whole output kustomize v5.5 printed for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, memoryFileSystem } from '../../src/kustomize/index.js';

function buildTree(files: Record<string, string>, dir = '.'): string {
  const fs = memoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, c]) => ['/work/' + p, c])));
  return buildYaml('/work/' + dir, { fs }).yaml;
}

test("buildMetadata records origins and transformers", () => {
  const files = {
    "kustomization.yaml": `resources:
- ../base
namePrefix: p-
configMapGenerator:
- name: extra
  literals:
  - a=b
buildMetadata: [originAnnotations, transformerAnnotations, managedByLabel]
`,
    "../base/kustomization.yaml": `resources:
- svc.yaml
commonLabels:
  team: a
`,
    "../base/svc.yaml": `apiVersion: v1
kind: Service
metadata:
  name: web
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
data:
  a: b
kind: ConfigMap
metadata:
  annotations:
    alpha.config.kubernetes.io/transformations: |
      - configuredIn: kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: PrefixTransformer
    config.kubernetes.io/origin: |
      configuredIn: kustomization.yaml
      configuredBy:
        apiVersion: builtin
        kind: ConfigMapGenerator
  labels:
    app.kubernetes.io/managed-by: kustomize-(devel)
  name: p-extra-4h2mbtbbt6
---
apiVersion: v1
kind: Service
metadata:
  annotations:
    alpha.config.kubernetes.io/transformations: |
      - configuredIn: ../base/kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: LabelTransformer
      - configuredIn: kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: PrefixTransformer
    config.kubernetes.io/origin: |
      path: ../base/svc.yaml
  labels:
    app.kubernetes.io/managed-by: kustomize-(devel)
    team: a
  name: p-web
spec:
  selector:
    team: a
`);
});

test("built-in plugin configurations in transformers and generators", () => {
  const files = {
    "kustomization.yaml": `resources:
- deploy.yaml
transformers:
- labels.yaml
- |-
  apiVersion: builtin
  kind: PrefixSuffixTransformer
  metadata:
    name: affix
  prefix: a-
  suffix: -z
  fieldSpecs:
  - path: metadata/name
generators:
- secret.yaml
`,
    "labels.yaml": `apiVersion: builtin
kind: LabelTransformer
metadata:
  name: only-metadata
labels:
  owner: me
fieldSpecs:
- path: metadata/labels
  create: true
`,
    "secret.yaml": `apiVersion: builtin
kind: SecretGenerator
metadata:
  name: creds
literals:
- token=abc
`,
    "deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
data:
  token: YWJj
kind: Secret
metadata:
  labels:
    owner: me
  name: a-creds-z-dbdgd77ct8
type: Opaque
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    owner: me
  name: a-web-z
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
`);
});

test("labels with includeSelectors reach selectors", () => {
  const files = {
    "kustomization.yaml": `resources:
- r.yaml
labels:
- pairs:
    app: shop
  includeSelectors: true
`,
    "r.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      tier: web
  template:
    metadata:
      labels:
        tier: web
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    tier: web
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
kind: Service
metadata:
  labels:
    app: shop
  name: web
spec:
  selector:
    app: shop
    tier: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: shop
  name: web
spec:
  selector:
    matchLabels:
      app: shop
      tier: web
  template:
    metadata:
      labels:
        app: shop
        tier: web
`);
});

test("configurations add field specs for custom kinds", () => {
  const files = {
    "kustomization.yaml": `resources:
- r.yaml
namePrefix: x-
commonLabels:
  app: a
configurations:
- config.yaml
`,
    "config.yaml": `nameReference:
- kind: ConfigMap
  fieldSpecs:
  - kind: Widget
    path: spec/configName
commonLabels:
- kind: Widget
  path: spec/selector
  create: true
`,
    "r.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  configName: settings
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    app: a
  name: x-settings
---
apiVersion: example.com/v1
kind: Widget
metadata:
  labels:
    app: a
  name: x-w
spec:
  configName: x-settings
  selector:
    app: a
`);
});

test("openapi gives merge keys to a custom kind", () => {
  const files = {
    "kustomization.yaml": `resources:
- r.yaml
openapi:
  path: schema.json
patches:
- patch: |-
    apiVersion: example.com/v1
    kind: Pipeline
    metadata:
      name: p
    spec:
      steps:
      - name: build
        image: builder:2
`,
    "schema.json": `{
 "definitions": {
  "com.example.v1.Pipeline": {
   "type": "object",
   "x-kubernetes-group-version-kind": [
    {
     "group": "example.com",
     "version": "v1",
     "kind": "Pipeline"
    }
   ],
   "properties": {
    "spec": {
     "type": "object",
     "properties": {
      "steps": {
       "type": "array",
       "x-kubernetes-patch-merge-key": "name",
       "x-kubernetes-patch-strategy": "merge",
       "items": {
        "type": "object"
       }
      }
     }
    }
   }
  }
 }
}`,
    "r.yaml": `apiVersion: example.com/v1
kind: Pipeline
metadata:
  name: p
spec:
  steps:
  - name: build
    image: builder:1
  - name: test
    image: tester:1
`,
  };
  assert.equal(buildTree(files), `apiVersion: example.com/v1
kind: Pipeline
metadata:
  name: p
spec:
  steps:
  - image: builder:2
    name: build
  - image: tester:1
    name: test
`);
});

test("patchesStrategicMerge and patchesJson6902 (legacy fields)", () => {
  const files = {
    "kustomization.yaml": `resources:
- r.yaml
patchesStrategicMerge:
- smp.yaml
patchesJson6902:
- target:
    group: apps
    version: v1
    kind: Deployment
    name: web
  path: ops.yaml
`,
    "smp.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        resources:
          limits:
            memory: 256Mi
`,
    "ops.yaml": `- op: replace
  path: /spec/replicas
  value: 2
- op: remove
  path: /metadata/labels/temp
`,
    "r.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    temp: x
    keep: y
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx
`,
  };
  assert.equal(buildTree(files), `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    keep: "y"
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
      - image: nginx
        name: web
        resources:
          limits:
            memory: 256Mi
`);
});

test("secret generator from env file and binary file", () => {
  const files = {
    "kustomization.yaml": `secretGenerator:
- name: tls
  envs:
  - vars.env
  files:
  - blob.bin
  options:
    labels:
      kind: tls
    annotations:
      note: generated
`,
    "vars.env": `USER=admin
PASSWORD=a very long password that makes the base64 encoding wrap past seventy characters
`,
    "blob.bin": `\u0000\u0001\u0002binary`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
data:
  PASSWORD: |
    YSB2ZXJ5IGxvbmcgcGFzc3dvcmQgdGhhdCBtYWtlcyB0aGUgYmFzZTY0IGVuY29kaW5nIH
    dyYXAgcGFzdCBzZXZlbnR5IGNoYXJhY3RlcnM=
  USER: YWRtaW4=
  blob.bin: AAECYmluYXJ5
kind: Secret
metadata:
  annotations:
    note: generated
  labels:
    kind: tls
  name: tls-62k899k8bd
type: Opaque
`);
});
