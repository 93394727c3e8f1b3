import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addToList, parseImageSpec, removeFromList, setImages } from '../../src/kustomize/edit.js';

test('reads every set-image argument form', () => {
  assert.deepEqual(parseImageSpec('app=registry.local:5000/team/app:v2'), { name: 'app', newName: 'registry.local:5000/team/app', newTag: 'v2' });
  assert.deepEqual(parseImageSpec('app=team/app@sha256:abc'), { name: 'app', newName: 'team/app', digest: 'sha256:abc' });
  assert.deepEqual(parseImageSpec('app=team/app'), { name: 'app', newName: 'team/app' });
  assert.deepEqual(parseImageSpec('nginx:1.27'), { name: 'nginx', newTag: '1.27' });
  assert.deepEqual(parseImageSpec('localhost:5000/nginx'), { name: 'localhost:5000/nginx' });
  assert.deepEqual(parseImageSpec('nginx@sha256:def'), { name: 'nginx', digest: 'sha256:def' });
  assert.throws(() => parseImageSpec('=x:1'), /invalid image "=x:1"/);
  assert.throws(() => parseImageSpec('nginx:'), /invalid image/);
});

test('set image updates an entry in place and keeps comments and order', () => {
  const before = `# the web app
resources:
  - deployment.yaml # the workload
images:
  # pinned by CI
  - name: web
    newName: registry.local/web
    digest: sha256:old
namespace: web
`;
  const after = setImages(before, [parseImageSpec('web=registry.local/web:1.2.3'), parseImageSpec('redis:7')]);
  assert.equal(
    after,
    `# the web app
resources:
  - deployment.yaml # the workload
images:
  # pinned by CI
  - name: web
    newName: registry.local/web
    newTag: 1.2.3
  - name: redis
    newTag: "7"
namespace: web
`,
  );
});

test('adds and removes resources, refusing to remove one that is not there', () => {
  const text = 'resources:\n- a.yaml # first\n- b.yaml\n';
  assert.equal(addToList(text, 'resources', ['c.yaml', 'a.yaml']), 'resources:\n- a.yaml # first\n- b.yaml\n- c.yaml\n');
  assert.equal(removeFromList(text, 'resources', ['b.yaml']), 'resources:\n- a.yaml # first\n');
  assert.throws(() => removeFromList(text, 'resources', ['z.yaml']), /'z.yaml' is not in resources/);
});
