/**
 * The kustomize controller end to end on `fluxion cluster` in process: a git server
 * (git http-backend), the source and kustomize controllers in process, and Kustomizations
 * that build, apply, prune, wait, substitute and order themselves by dependencies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../src/kube/index.js';
import { poll } from '../../apiserver/helpers.js';
import { basicAuthSecret, gitRepository, ready, startSourceEnv, type SourceEnv } from '../source/env.js';
import type { TestRepo } from '../../git/servers.js';

type Obj = KubeObject & { status?: Record<string, any>; spec?: Record<string, any>; data?: Record<string, string> };

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

function kustomization(name: string, spec: Record<string, unknown>): KubeObject {
  return { ...KS, metadata: { name, namespace: 'default' }, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'apps' }, ...spec } };
}

const deployment = (name: string, extra: { replicas?: number; annotations?: Record<string, string>; podAnnotations?: Record<string, string> } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${extra.annotations ? `  annotations:\n${Object.entries(extra.annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n` : ''}spec:
  replicas: ${extra.replicas ?? 1}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
${extra.podAnnotations ? `      annotations:\n${Object.entries(extra.podAnnotations).map(([k, v]) => `        ${k}: "${v}"`).join('\n')}\n` : ''}      labels:
        app: ${name}
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;

const configMap = (name: string, data: Record<string, string>, annotations?: Record<string, string>) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
${annotations ? `  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: ${v}`).join('\n')}\n` : ''}data:
${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}
`;

describe('kustomize controller', { timeout: 240_000 }, () => {
  let env: SourceEnv;
  let repo: TestRepo;

  const ks = (name: string) => env.client.get<Obj>(KS, name, {});
  const waitKs = async (name: string, what: string, pred: (o: Obj) => boolean, timeoutMs = 30_000) => {
    let last: Obj | undefined;
    try {
      return await poll(`${name}: ${what}`, async () => {
        last = await env.client.get<Obj>({ ...KS, namespace: 'default' }, name);
        return pred(last) ? last : undefined;
      }, timeoutMs, 50);
    } catch (e) {
      const src = await env.get('apps').catch(() => undefined);
      throw new Error(`${(e as Error).message}; last status: ${JSON.stringify(last?.status)}; source: ${JSON.stringify(src?.status)} spec: ${JSON.stringify(src?.spec)}`);
    }
  };
  const get = async (apiVersion: string, kind: string, name: string, namespace = 'default'): Promise<Obj | undefined> => {
    try {
      return await env.client.get<Obj>({ apiVersion, kind, namespace }, name);
    } catch {
      return undefined;
    }
  };
  const readyFor = (rev: string) => (o: Obj) => ready(o)?.status === 'True' && o.status?.lastAppliedRevision === rev && o.status?.observedGeneration === o.metadata.generation;
  const requestReconcile = (name: string) =>
    env.client.patch({ ...KS, namespace: 'default' }, name, 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': String(Date.now()) } } });

  before(async () => {
    env = await startSourceEnv({ controllers: ['source', 'kustomize'] });
    repo = env.repo('apps');
    repo.commit(
      {
        'apps/web/deployment.yaml': deployment('web'),
        'apps/web/config.yaml': configMap('web-config', { greeting: 'hello' }),
        'apps/web/kept.yaml': configMap('kept', { a: 'b' }, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
      },
      'first',
    );
    await env.apply(basicAuthSecret('git-auth'));
    await env.apply(gitRepository('apps', { interval: '2s', url: `${env.git.url}/apps.git`, ref: { branch: 'main' }, secretRef: { name: 'git-auth' } }));
    await env.waitFor('apps', 'Ready', (o) => ready(o)?.status === 'True');
  });
  after(async () => {
    await env?.stop();
  });
  ks; // (kept for ad-hoc debugging)

  it('applies a plain directory, labels what it owns, records the inventory and waits for health', async () => {
    const rev = (await env.get('apps')).status!.artifact.revision as string;
    await env.client.create(kustomization('web', { path: './apps/web', targetNamespace: 'default', wait: true, timeout: '30s' }));
    const o = await waitKs('web', 'Ready', readyFor(rev));
    assert.equal(ready(o).reason, 'ReconciliationSucceeded');
    assert.equal(ready(o).message, `Applied revision: ${rev}`);
    assert.equal(o.status!.lastAttemptedRevision, rev);
    assert.equal(o.status!.conditions.find((c: any) => c.type === 'Healthy')?.status, 'True');
    assert.deepEqual(
      o.status!.inventory.entries.map((e: any) => e.id).sort(),
      ['default_kept__ConfigMap', 'default_web-config__ConfigMap', 'default_web_apps_Deployment'],
    );
    const dep = await get('apps/v1', 'Deployment', 'web');
    assert.equal(dep?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'web');
    assert.equal(dep?.metadata.labels?.['kustomize.toolkit.fluxcd.io/namespace'], 'default');
    assert.ok((dep?.metadata.managedFields as any[]).some((m) => m.manager === 'kustomize-controller' && m.operation === 'Apply'));
    assert.ok((dep?.metadata.finalizers ?? []).length === 0);
    assert.ok((o.metadata.finalizers ?? []).includes('finalizers.fluxcd.io'));
    const events = await env.events('web');
    assert.ok(events.some((e) => e.reason === 'Progressing' && e.message.includes('Deployment/default/web created')), JSON.stringify(events.map((e) => e.message)));
  });

  it('prunes what left git, except objects marked prune: disabled', async () => {
    const hash = repo.commit({ 'apps/web/config.yaml': null, 'apps/web/kept.yaml': null }, 'drop the configs');
    const o = await waitKs('web', 'new revision applied', (k) => String(k.status?.lastAppliedRevision).endsWith(hash) && ready(k)?.status === 'True');
    assert.deepEqual(o.status!.inventory.entries.map((e: any) => e.id), ['default_web_apps_Deployment']);
    assert.equal(await get('v1', 'ConfigMap', 'web-config'), undefined, 'web-config pruned');
    assert.ok(await get('v1', 'ConfigMap', 'kept'), 'kept survives: prune disabled');
  });

  it('a commit with invalid YAML fails the build naming the file; nothing is applied or pruned', async () => {
    const hash = repo.commit({ 'apps/web/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n', 'apps/web/extra.yaml': configMap('extra', { x: 'y' }) }, 'broken yaml');
    const o = await waitKs('web', 'BuildFailed', (k) => ready(k)?.reason === 'BuildFailed' && String(k.status?.lastAttemptedRevision).endsWith(hash));
    assert.equal(ready(o).status, 'False');
    assert.match(ready(o).message, /broken\.yaml/);
    assert.doesNotMatch(ready(o).message, /fluxion-artifact-/, 'the temporary directory is not shown');
    assert.equal(await get('v1', 'ConfigMap', 'extra'), undefined, 'nothing applied');
    assert.ok(await get('apps/v1', 'Deployment', 'web'), 'nothing pruned');
    assert.deepEqual(o.status!.inventory.entries.map((e: any) => e.id), ['default_web_apps_Deployment']);
    assert.notEqual(o.status!.lastAppliedRevision, o.status!.lastAttemptedRevision);
  });

  it('an invalid object stops the whole set before anything is written', async () => {
    const bad = deployment('web').replace('replicas: 1', 'replicas: many');
    const hash = repo.commit({ 'apps/web/broken.yaml': null, 'apps/web/deployment.yaml': bad }, 'invalid object');
    const o = await waitKs('web', 'ReconciliationFailed', (k) => ready(k)?.reason === 'ReconciliationFailed' && String(k.status?.lastAttemptedRevision).endsWith(hash));
    assert.match(ready(o).message, /Deployment\/default\/web dry-run failed/);
    assert.equal(await get('v1', 'ConfigMap', 'extra'), undefined, 'the valid ConfigMap of the same commit was not applied');
  });

  it('a failing workload gives HealthCheckFailed naming it', async () => {
    const hash = repo.commit({ 'apps/web/deployment.yaml': deployment('web', { podAnnotations: { 'fluxion.dev/simulate': 'fail' } }), 'apps/web/note.yaml': configMap('note', { n: '1' }) }, 'failing rollout');
    const o = await waitKs('web', 'HealthCheckFailed', (k) => ready(k)?.reason === 'HealthCheckFailed' && String(k.status?.lastAttemptedRevision).endsWith(hash), 60_000);
    assert.match(ready(o).message, /health check failed after .*Deployment\/default\/web status: '(Failed|InProgress)'/);
    assert.equal(o.status!.conditions.find((c: any) => c.type === 'Healthy')?.status, 'False');
    assert.ok(await get('v1', 'ConfigMap', 'note'), 'the rest of the set was applied');
    // (A new pod template whose pods never become ready, as a bad image would.) Back to health.
    const fixed = repo.commit({ 'apps/web/deployment.yaml': deployment('web', { replicas: 2 }) }, 'fixed');
    await waitKs('web', 'Ready again', (k) => ready(k)?.status === 'True' && String(k.status?.lastAppliedRevision).endsWith(fixed), 60_000);
    assert.equal((await get('apps/v1', 'Deployment', 'web'))?.spec?.replicas, 2);
  });

  it('recreates an object on an immutable-field change when forced', async () => {
    const before = await get('apps/v1', 'Deployment', 'web');
    const changed = deployment('web', { replicas: 2 }).replaceAll('app: web', 'app: web2');
    const hash = repo.commit({ 'apps/web/deployment.yaml': changed }, 'new selector');
    let o = await waitKs('web', 'immutable error', (k) => ready(k)?.reason === 'ReconciliationFailed' && String(k.status?.lastAttemptedRevision).endsWith(hash));
    assert.match(ready(o).message, /immutable/);
    await env.client.patch({ ...KS, namespace: 'default' }, 'web', 'merge', { spec: { force: true } });
    o = await waitKs('web', 'Ready after force', (k) => ready(k)?.status === 'True' && String(k.status?.lastAppliedRevision).endsWith(hash), 60_000);
    const after = await get('apps/v1', 'Deployment', 'web');
    assert.notEqual(after?.metadata.uid, before?.metadata.uid, 'recreated');
    assert.equal((after?.spec as any).selector.matchLabels.app, 'web2');
  });

  it('substitutes variables from postBuild and substituteFrom, and fails on undefined ones', async () => {
    repo.commit(
      {
        'subst/cm.yaml': configMap('subst', { region: '${region}', tier: '${tier:=gold}', literal: '$${region}' }),
        'subst/skip.yaml': configMap('subst-skip', { raw: '${untouched}' }, { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' }),
      },
      'subst',
    );
    await env.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: 'default' }, data: { region: 'eu-west-1', zone: 'a' } } as KubeObject);
    await env.client.create(kustomization('subst', { path: './subst', postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }, { kind: 'Secret', name: 'absent', optional: true }] } }));
    await waitKs('subst', 'Ready', (k) => ready(k)?.status === 'True');
    const cm = await get('v1', 'ConfigMap', 'subst');
    assert.deepEqual(cm?.data, { region: 'eu-west-1', tier: 'gold', literal: '${region}' });
    assert.deepEqual((await get('v1', 'ConfigMap', 'subst-skip'))?.data, { raw: '${untouched}' });
    await env.client.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, 'vars', 'merge', { data: { region: null } });
    await requestReconcile('subst');
    // (With no variables at all Flux substitutes nothing; `zone` keeps the set non-empty.)
    const o = await waitKs('subst', 'BuildFailed', (k) => ready(k)?.reason === 'BuildFailed');
    assert.match(ready(o).message, /ConfigMap\/default\/subst|subst/);
    assert.match(ready(o).message, /region/);
  });

  it('waits for dependencies, names missing ones, and reports a cycle on each member', async () => {
    await env.client.create(kustomization('needs-missing', { path: './subst', dependsOn: [{ name: 'nowhere' }] }));
    let o = await waitKs('needs-missing', 'DependencyNotReady', (k) => ready(k)?.reason === 'DependencyNotReady');
    assert.match(ready(o).message, /dependency 'default\/nowhere' not found/);

    await env.client.create(kustomization('cycle-a', { path: './subst', dependsOn: [{ name: 'cycle-b' }] }));
    await env.client.create(kustomization('cycle-b', { path: './subst', dependsOn: [{ name: 'cycle-a' }] }));
    o = await waitKs('cycle-a', 'cycle', (k) => /cycle/.test(ready(k)?.message ?? ''));
    assert.equal(ready(o).message, 'dependency cycle detected: default/cycle-a -> default/cycle-b -> default/cycle-a');
    o = await waitKs('cycle-b', 'cycle', (k) => /cycle/.test(ready(k)?.message ?? ''));
    assert.equal(ready(o).message, 'dependency cycle detected: default/cycle-b -> default/cycle-a -> default/cycle-b');

    // A dependent goes on as soon as its dependency is Ready (no 30 s wait: requeue is 1 s here anyway).
    repo.commit({ 'dep/cm.yaml': configMap('dep-cm', { a: '1' }) }, 'dep');
    await env.client.create(kustomization('second', { path: './dep', dependsOn: [{ name: 'first' }] }));
    o = await waitKs('second', 'DependencyNotReady', (k) => ready(k)?.reason === 'DependencyNotReady');
    assert.equal(await get('v1', 'ConfigMap', 'dep-cm'), undefined);
    await env.client.create(kustomization('first', { path: './dep', prune: false }));
    await waitKs('second', 'Ready', (k) => ready(k)?.status === 'True');
  });

  it('skips objects with reconcile: disabled and keeps IfNotPresent objects as the cluster has them', async () => {
    repo.commit(
      {
        'flags/off.yaml': configMap('flag-off', { v: '1' }, { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }),
        'flags/once.yaml': configMap('flag-once', { v: '1' }, { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }),
      },
      'flags',
    );
    await env.client.create(kustomization('flags', { path: './flags' }));
    await waitKs('flags', 'Ready', (k) => ready(k)?.status === 'True');
    assert.equal(await get('v1', 'ConfigMap', 'flag-off'), undefined, 'reconcile: disabled is never applied');
    assert.equal((await get('v1', 'ConfigMap', 'flag-once'))?.data?.v, '1');
    await env.client.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, 'flag-once', 'merge', { data: { v: 'edited' } });
    const hash = repo.commit({ 'flags/once.yaml': configMap('flag-once', { v: '2' }, { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }) }, 'flags 2');
    await waitKs('flags', 'applied', (k) => String(k.status?.lastAppliedRevision).endsWith(hash));
    assert.equal((await get('v1', 'ConfigMap', 'flag-once'))?.data?.v, 'edited', 'IfNotPresent leaves an existing object alone');
  });

  it('deleting a pruning Kustomization deletes its objects; Orphan keeps them', async () => {
    repo.commit({ 'gc/a.yaml': configMap('gc-a', { a: '1' }), 'orphan/b.yaml': configMap('gc-b', { b: '1' }) }, 'gc');
    await env.client.create(kustomization('gc', { path: './gc' }));
    await env.client.create(kustomization('orphan', { path: './orphan', deletionPolicy: 'Orphan' }));
    await waitKs('gc', 'Ready', (k) => ready(k)?.status === 'True');
    await waitKs('orphan', 'Ready', (k) => ready(k)?.status === 'True');
    assert.ok(await get('v1', 'ConfigMap', 'gc-a'));
    await env.client.delete({ ...KS, namespace: 'default' }, 'gc');
    await env.client.delete({ ...KS, namespace: 'default' }, 'orphan');
    await poll('gc-a deleted', async () => ((await get('v1', 'ConfigMap', 'gc-a')) ? undefined : true));
    await poll('orphan gone', async () => ((await get(KS.apiVersion, KS.kind, 'orphan')) ? undefined : true));
    assert.ok(await get('v1', 'ConfigMap', 'gc-b'), 'Orphan keeps the objects');
  });
});
