/**
 * Writes a kustomization tree of about 4,000 resources with a fixed mix: Deployments, Services
 * and ConfigMaps in a base, and an overlay with a name prefix, labels, patches, generators and
 * an image override. Deterministic: the same tree every time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeLargeOverlay(root: string, apps = 1320): string {
  const base = join(root, 'base');
  const overlay = join(root, 'overlay');
  mkdirSync(base, { recursive: true });
  mkdirSync(overlay, { recursive: true });
  const files: string[] = [];
  const perFile = 60;
  for (let f = 0; f * perFile < apps; f++) {
    const docs: string[] = [];
    for (let i = f * perFile; i < Math.min(apps, (f + 1) * perFile); i++) {
      const name = `app-${String(i).padStart(4, '0')}`;
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: main
        image: registry.example.com/team/${name}:1.${i % 10}.0
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: APP_NAME
          value: ${name}
        - name: LOG_LEVEL
          value: info
        envFrom:
        - configMapRef:
            name: ${name}-config
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
      volumes:
      - name: config
        configMap:
          name: ${name}-config
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - name: http
    port: 80
    targetPort: http
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
data:
  greeting: "hello from ${name}"
  description: This configuration belongs to ${name} and is long enough that the printer has to fold it across lines.
`);
    }
    const file = `apps-${String(f).padStart(3, '0')}.yaml`;
    writeFileSync(join(base, file), docs.join('---\n'));
    files.push(file);
  }
  writeFileSync(join(base, 'kustomization.yaml'), `resources:\n${files.map((f) => `- ${f}`).join('\n')}\n`);
  writeFileSync(
    join(overlay, 'kustomization.yaml'),
    `resources:
- ../base
namePrefix: prod-
namespace: production
labels:
- pairs:
    environment: production
  includeSelectors: false
  includeTemplates: true
commonAnnotations:
  owner: platform-team
images:
- name: registry.example.com/team/app-0001
  newTag: 2.0.0
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: main
            env:
            - name: LOG_LEVEL
              value: warn
- target:
    kind: Service
    name: app-00[0-4].*
  patch: |-
    - op: add
      path: /metadata/annotations
      value:
        tier: frontend
configMapGenerator:
${Array.from({ length: 20 }, (_, i) => `- name: generated-${i}
  literals:
  - index=${i}
  - mode=production`).join('\n')}
`,
  );
  return overlay;
}
