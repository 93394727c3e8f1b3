// Each case: a small kustomization tree and the whole output kustomize v5.5 printed for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, memoryFileSystem } from '../../src/kustomize/index.js';

function buildTree(files: Record<string, string>, dir = '.'): string {
  const fs = memoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, c]) => ['/work/' + p, c])));
  return buildYaml('/work/' + dir, { fs }).yaml;
}

test("namespace sets namespaced kinds and default subjects only", () => {
  const files = {
    "kustomization.yaml": `namespace: team-a
resources:
- r.yaml
`,
    "r.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: read
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- kind: ServiceAccount
  name: default
  namespace: elsewhere
- kind: ServiceAccount
  name: robot
  namespace: elsewhere
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: view
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: team-a
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: view
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: read
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- kind: ServiceAccount
  name: default
  namespace: team-a
- kind: ServiceAccount
  name: robot
  namespace: elsewhere
`);
});

test("namePrefix and nameSuffix rename and references follow", () => {
  const files = {
    "kustomization.yaml": `namePrefix: pre-
nameSuffix: -suf
resources:
- r.yaml
configMapGenerator:
- name: cfg
  literals:
  - a=b
`,
    "r.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccountName: robot
      containers:
      - name: web
        image: nginx
        envFrom:
        - configMapRef:
            name: cfg
      volumes:
      - name: v
        configMap:
          name: cfg
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: robot
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
`,
  };
  assert.equal(buildTree(files), `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: pre-robot-suf
---
apiVersion: v1
data:
  a: b
kind: ConfigMap
metadata:
  name: pre-cfg-suf-4h2mbtbbt6
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: pre-web-suf
spec:
  template:
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: pre-cfg-suf-4h2mbtbbt6
        image: nginx
        name: web
      serviceAccountName: pre-robot-suf
      volumes:
      - configMap:
          name: pre-cfg-suf-4h2mbtbbt6
        name: v
`);
});

test("commonLabels reach selectors and templates; labels without selectors do not", () => {
  const files = {
    "kustomization.yaml": `commonLabels:
  app: web
labels:
- pairs:
    team: a
- pairs:
    tier: front
  includeTemplates: true
resources:
- r.yaml
`,
    "r.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
kind: Service
metadata:
  labels:
    app: web
    team: a
    tier: front
  name: web
spec:
  ports:
  - port: 80
  selector:
    app: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: web
    team: a
    tier: front
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      containers:
      - image: nginx
        name: web
`);
});

test("commonAnnotations reach pod templates", () => {
  const files = {
    "kustomization.yaml": `commonAnnotations:
  owner: team-a
  note: "yes"
resources:
- r.yaml
`,
    "r.yaml": `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    metadata:
      labels:
        app: db
`,
  };
  assert.equal(buildTree(files), `apiVersion: apps/v1
kind: StatefulSet
metadata:
  annotations:
    note: "yes"
    owner: team-a
  name: db
spec:
  template:
    metadata:
      annotations:
        note: "yes"
        owner: team-a
      labels:
        app: db
`);
});

test("images change name, tag and digest", () => {
  const files = {
    "kustomization.yaml": `images:
- name: nginx
  newTag: "1.27"
- name: busybox
  newName: registry.local/busybox
  digest: sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3
resources:
- r.yaml
`,
    "r.yaml": `apiVersion: batch/v1
kind: CronJob
metadata:
  name: job
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - name: init
            image: busybox:1.36
          containers:
          - name: main
            image: nginx:1.25@sha256:abc
`,
  };
  assert.equal(buildTree(files), `apiVersion: batch/v1
kind: CronJob
metadata:
  name: job
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - image: nginx:1.27
            name: main
          initContainers:
          - image: registry.local/busybox@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3
            name: init
`);
});

test("replicas set the count of named workloads", () => {
  const files = {
    "kustomization.yaml": `replicas:
- name: web
  count: 4
resources:
- r.yaml
`,
    "r.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
`,
  };
  assert.equal(buildTree(files), `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
`);
});

test("configMapGenerator and secretGenerator with files, envs, options and hashes", () => {
  const files = {
    "kustomization.yaml": `generatorOptions:
  labels:
    generated: "true"
configMapGenerator:
- name: app
  files:
  - config.properties
  - renamed.txt=notes.txt
  envs:
  - app.env
  literals:
  - MODE=production
- name: plain
  options:
    disableNameSuffixHash: true
  literals:
  - x=1
secretGenerator:
- name: creds
  literals:
  - username=admin
  - password=s3cr3t
  type: kubernetes.io/basic-auth
`,
    "config.properties": `color=blue
size=large
`,
    "notes.txt": `line one
line two
`,
    "app.env": `# comment
LOG_LEVEL=debug
PORT=8080
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
data:
  LOG_LEVEL: debug
  MODE: production
  PORT: "8080"
  config.properties: |
    color=blue
    size=large
  renamed.txt: |
    line one
    line two
kind: ConfigMap
metadata:
  labels:
    generated: "true"
  name: app-bdgk97htk9
---
apiVersion: v1
data:
  x: "1"
kind: ConfigMap
metadata:
  labels:
    generated: "true"
  name: plain
---
apiVersion: v1
data:
  password: czNjcjN0
  username: YWRtaW4=
kind: Secret
metadata:
  labels:
    generated: "true"
  name: creds-44t89c8h7g
type: kubernetes.io/basic-auth
`);
});

test("generator behaviors merge and replace in an overlay", () => {
  const files = {
    "base/kustomization.yaml": `configMapGenerator:
- name: cfg
  literals:
  - a=1
  - b=2
secretGenerator:
- name: sec
  literals:
  - k=v
`,
    "overlay/kustomization.yaml": `resources:
- ../base
configMapGenerator:
- name: cfg
  behavior: merge
  literals:
  - b=3
  - c=4
secretGenerator:
- name: sec
  behavior: replace
  literals:
  - only=this
`,
  };
  assert.equal(buildTree(files, "overlay"), `apiVersion: v1
data:
  a: "1"
  b: "3"
  c: "4"
kind: ConfigMap
metadata:
  name: cfg-fbcmkbc66h
---
apiVersion: v1
data:
  only: dGhpcw==
kind: Secret
metadata:
  name: sec-5524bhckgk
type: Opaque
`);
});

test("patches: strategic merge by id, JSON 6902 by target, delete", () => {
  const files = {
    "kustomization.yaml": `resources:
- r.yaml
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
          - name: web
            env:
            - name: MODE
              value: prod
          - name: sidecar
            image: envoy
- target:
    kind: Deployment
    labelSelector: tier=front
  patch: |-
    - op: add
      path: /spec/replicas
      value: 3
- patch: |-
    $patch: delete
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: unwanted
`,
    "r.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    tier: front
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
        env:
        - name: A
          value: "1"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unwanted
`,
  };
  assert.equal(buildTree(files), `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    tier: front
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - env:
        - name: MODE
          value: prod
        - name: A
          value: "1"
        image: nginx
        name: web
      - image: envoy
        name: sidecar
`);
});

test("components add to the parent after its generators", () => {
  const files = {
    "kustomization.yaml": `resources:
- r.yaml
components:
- comp
`,
    "r.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: base
data:
  a: "1"
`,
    "comp/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
configMapGenerator:
- name: extra
  literals:
  - feature=on
patches:
- patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: base
    data:
      b: "2"
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
data:
  a: "1"
  b: "2"
kind: ConfigMap
metadata:
  name: base
---
apiVersion: v1
data:
  feature: "on"
kind: ConfigMap
metadata:
  name: extra-2bm66558g5
`);
});

test("replacements copy a field into targets", () => {
  const files = {
    "kustomization.yaml": `resources:
- r.yaml
replacements:
- source:
    kind: Service
    name: db
    fieldPath: metadata.name
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.spec.containers.[name=app].env.[name=DB_HOST].value
`,
    "r.yaml": `apiVersion: v1
kind: Service
metadata:
  name: db
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: app
        env:
        - name: DB_HOST
          value: placeholder
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
kind: Service
metadata:
  name: db
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - env:
        - name: DB_HOST
          value: db
        name: app
`);
});

test("vars substitute into command arguments", () => {
  const files = {
    "kustomization.yaml": `resources:
- r.yaml
namePrefix: p-
vars:
- name: SVC
  objref:
    kind: Service
    name: db
    apiVersion: v1
`,
    "r.yaml": `apiVersion: v1
kind: Service
metadata:
  name: db
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: c
    command: ["sh", "-c", "ping $(SVC)"]
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
kind: Service
metadata:
  name: p-db
---
apiVersion: v1
kind: Pod
metadata:
  name: p-client
spec:
  containers:
  - command:
    - sh
    - -c
    - ping p-db
    name: c
`);
});

test("sortOptions fifo keeps input order", () => {
  const files = {
    "kustomization.yaml": `sortOptions:
  order: fifo
resources:
- r.yaml
`,
    "r.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: z
---
apiVersion: v1
kind: Namespace
metadata:
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: m
`,
  };
  assert.equal(buildTree(files), `apiVersion: apps/v1
kind: Deployment
metadata:
  name: z
---
apiVersion: v1
kind: Namespace
metadata:
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: m
`);
});

test("List kinds are expanded and multi-document files read", () => {
  const files = {
    "kustomization.yaml": `resources:
- list.yaml
`,
    "list.yaml": `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: one
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: two
---
---
apiVersion: v1
kind: Secret
metadata:
  name: three
`,
  };
  assert.equal(buildTree(files), `apiVersion: v1
kind: ConfigMap
metadata:
  name: one
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: two
---
apiVersion: v1
kind: Secret
metadata:
  name: three
`);
});
