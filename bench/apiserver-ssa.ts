/**
 * Server-side apply throughput of the local cluster: the seed's kyverno manifest (CRDs of
 * hundreds of kilobytes, RBAC, Deployments) and N small ConfigMaps, each object one
 * `PATCH application/apply-patch+yaml` over HTTPS with keep-alive, sequentially, as a
 * controller applies. Prints objects per second, first apply (creates) and second apply
 * (no-ops) apart, plus the cluster's start-up time. There is no reference API server on
 * these machines (kube-apiserver cannot run here), so the figures stand alone.
 *
 *   node --import tsx bench/apiserver-ssa.ts [N]
 */
import { Agent, request } from 'node:https';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePki, LocalCluster } from '../src/apiserver/index.js';
import { parseAllDocuments } from '../src/yaml/parse.js';
import { isMap, type ValueMap } from '../src/yaml/types.js';

const N = Number(process.argv[2] ?? 1000);
const seed = resolve(process.env.FLUXION_SHARED ?? resolve(import.meta.dirname, '../../shared'), 'fixtures/gitops-seed');
const kyverno = join(seed, 'infrastructure/controllers/kyverno/kyverno.yaml');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-apiserver-'));
  const pki = await ensurePki(join(dir, 'pki'), 'bench');
  const token = 'bench-token';
  const t0 = process.hrtime.bigint();
  const cluster = await LocalCluster.start({ name: 'bench', token, caCert: pki.caCert, cert: pki.cert, key: pki.key, port: 0, simulate: false });
  console.log(`start-up (in process, certificates made beforehand): ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`);
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: pki.caCert });

  const patch = (path: string, body: string): Promise<number> =>
    new Promise((done, fail) => {
      const r = request(
        { host: '127.0.0.1', port: cluster.port, path, method: 'PATCH', agent, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/apply-patch+yaml', Accept: 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
        },
      );
      r.on('error', fail);
      r.end(body);
    });

  const pathOf = (obj: ValueMap): string => {
    const [group, version] = String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/') : ['', String(obj.apiVersion)];
    const t = cluster.registry.byKind(group!, version!, String(obj.kind));
    if (!t) throw new Error(`no resource for ${String(obj.apiVersion)} ${String(obj.kind)}`);
    const meta = obj.metadata as ValueMap;
    const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const ns = t.namespaced ? `/namespaces/${String(meta.namespace ?? 'default')}` : '';
    return `${base}${ns}/${t.plural}/${String(meta.name)}?fieldManager=bench&force=true`;
  };

  const run = async (label: string, objects: ValueMap[]) => {
    for (const round of ['first apply', 'second apply']) {
      const t = process.hrtime.bigint();
      for (const o of objects) {
        const status = await patch(pathOf(o), JSON.stringify(o));
        if (status >= 300) throw new Error(`${label}: ${String(o.kind)} ${String((o.metadata as ValueMap).name)} answered ${status}`);
      }
      const s = Number(process.hrtime.bigint() - t) / 1e9;
      console.log(`${label}, ${round}: ${objects.length} objects in ${(s * 1000).toFixed(0)} ms = ${(objects.length / s).toFixed(0)} objects/s`);
    }
  };

  try {
    if (existsSync(kyverno)) {
      const docs = parseAllDocuments(readFileSync(kyverno, 'utf8')).filter(isMap);
      // CRDs first, as kubectl and Flux order them, so that later kinds are served.
      docs.sort((a, b) => Number(b.kind === 'CustomResourceDefinition') - Number(a.kind === 'CustomResourceDefinition') || Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
      await run(`kyverno.yaml (${(readFileSync(kyverno).length / 1e6).toFixed(1)} MB)`, docs);
    } else {
      console.log(`note: ${kyverno} is absent; only the small objects are measured`);
    }
    const small: ValueMap[] = [];
    for (let i = 0; i < N; i++) small.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'default', labels: { app: 'bench' } }, data: { index: String(i), text: 'x'.repeat(64) } });
    await run(`${N} small ConfigMaps`, small);
  } finally {
    agent.destroy();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
