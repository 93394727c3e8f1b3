import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageMatches, splitImage, updateImage } from '../../src/kustomize/transformers/images.js';

test('splits image references, ignoring a registry port', () => {
  assert.deepEqual(splitImage('nginx'), { name: 'nginx', tag: '', digest: '' });
  assert.deepEqual(splitImage('nginx:1.25'), { name: 'nginx', tag: '1.25', digest: '' });
  assert.deepEqual(splitImage('localhost:5000/team/app:v2'), { name: 'localhost:5000/team/app', tag: 'v2', digest: '' });
  assert.deepEqual(splitImage('app@sha256:abc'), { name: 'app', tag: '', digest: 'sha256:abc' });
  assert.deepEqual(splitImage('reg.io/app:1@sha256:abc'), { name: 'reg.io/app', tag: '1', digest: 'sha256:abc' });
});

test('matches a rule name with an optional tag or digest only', () => {
  assert.equal(imageMatches('nginx', 'nginx'), true);
  assert.equal(imageMatches('nginx:1.25', 'nginx'), true);
  assert.equal(imageMatches('nginx@sha256:abc', 'nginx'), true);
  assert.equal(imageMatches('nginx-extra:1', 'nginx'), false);
  assert.equal(imageMatches('docker.io/nginx:1', 'nginx'), false);
});

test('a new tag replaces tag and digest; a digest replaces both; newName keeps the tag', () => {
  assert.equal(updateImage('nginx:1@sha256:x', { name: 'nginx', newTag: '2' }), 'nginx:2');
  assert.equal(updateImage('nginx:1', { name: 'nginx', digest: 'sha256:y' }), 'nginx@sha256:y');
  assert.equal(updateImage('nginx:1', { name: 'nginx', newName: 'my/nginx' }), 'my/nginx:1');
  assert.equal(updateImage('nginx', { name: 'nginx', newTag: '2', digest: 'sha256:z' }), 'nginx:2@sha256:z');
});
