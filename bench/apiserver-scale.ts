/**
 * The local cluster at scale: N objects (default 10,000 ConfigMaps) applied server-side
 * while W watchers (default 100) follow the namespace. The server runs in this process; the
 * writers and watchers run in a child process, so that the memory figures are the server's
 * and both sides have a core. Prints
 *   - apply rate (objects/s, 16 requests in flight over keep-alive HTTPS),
 *   - watch fan-out latency: from the moment a write is sent until each watcher has read
 *     its event (p50/p90/p99/max over N×W deliveries), and events missed (must be 0),
 *   - list times for the N objects (whole, paged by 500, as a Table),
 *   - the server's memory: RSS and heap before, at peak and after.
 * There is no reference API server on these machines (kube-apiserver cannot run here), so
 * the figures stand alone.
 *
 *   node --import tsx bench/apiserver-scale.ts [N] [W]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensurePki, LocalCluster } from '../src/apiserver/index.js';

const NS = 'bench';
const now = () => performance.timeOrigin + performance.now();

interface ClientArgs {
  port: number;
  caFile: string;
  token: string;
  n: number;
  w: number;
}

interface ClientResult {
  applySeconds: number;
  applyP50: number;
  applyP99: number;
  deliveries: number;
  missed: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  watchersReadyMs: number;
  lists: { whole: number; paged: number; pages: number; table: number };
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

// ---- the client (child process) -----------------------------------------------------------

async function client(args: ClientArgs): Promise<ClientResult> {
  const ca = readFileSync(args.caFile, 'utf8');
  const headers = { Authorization: `Bearer ${args.token}`, Accept: 'application/json' };
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ca });
  const call = (method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: args.port, path, method, agent, headers: { ...headers, ...extra, ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      });
      r.on('error', reject);
      r.end(body);
    });

  const created = await call('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }), { 'Content-Type': 'application/json' });
  const startRv = JSON.parse(created.text).metadata.resourceVersion as string;

  // W watchers, each recording when it read the event of object i.
  const received: Float64Array[] = [];
  const counts = new Int32Array(args.w);
  const tw = now();
  await Promise.all(
    Array.from({ length: args.w }, (_, w) => {
      const times = new Float64Array(args.n);
      received.push(times);
      return new Promise<void>((ready, fail) => {
        const r = request({ host: '127.0.0.1', port: args.port, path: `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${startRv}`, method: 'GET', agent: false, ca, headers }, (res) => {
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const t = now();
            buf += chunk;
            let i: number;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              // The name is all we need; the line is not parsed further (the client's cost stays low).
              const m = /"metadata":\{"name":"cm-(\d+)"/.exec(line);
              if (m && line.startsWith('{"type":"ADDED"')) {
                const idx = Number(m[1]);
                if (times[idx] === 0) {
                  times[idx] = t;
                  counts[w]!++;
                }
              }
            }
          });
          ready();
        });
        r.on('error', fail);
        r.end();
      });
    }),
  );
  const watchersReadyMs = now() - tw;

  // Apply N objects, 16 in flight.
  const sent = new Float64Array(args.n);
  const acked = new Float64Array(args.n);
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < args.n) {
        const i = next++;
        const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: NS, labels: { app: 'bench', shard: String(i % 10) } }, data: { index: String(i), text: 'x'.repeat(64) } });
        sent[i] = now();
        const r = await call('PATCH', `/api/v1/namespaces/${NS}/configmaps/cm-${i}?fieldManager=bench`, body, { 'Content-Type': 'application/apply-patch+yaml' });
        acked[i] = now();
        if (r.status !== 201) throw new Error(`cm-${i}: ${r.status} ${r.text}`);
      }
    }),
  );
  const applySeconds = (now() - t0) / 1000;

  // Every watcher must see every object.
  const deadline = now() + 120_000;
  while (now() < deadline && counts.some((c) => c < args.n)) await new Promise((r) => setTimeout(r, 50));
  let missed = 0;
  const lat = new Float64Array(args.n * args.w);
  let k = 0;
  for (const times of received) {
    for (let i = 0; i < args.n; i++) {
      if (times[i] === 0) missed++;
      else lat[k++] = times[i]! - sent[i]!;
    }
  }
  const sortedLat = lat.subarray(0, k).sort();
  const rtt = new Float64Array(args.n);
  for (let i = 0; i < args.n; i++) rtt[i] = acked[i]! - sent[i]!;
  rtt.sort();

  // Lists of the N objects: whole, paged as kubectl --chunk-size=500 does, and as a Table.
  let t = now();
  const whole = await call('GET', `/api/v1/namespaces/${NS}/configmaps`);
  const wholeMs = now() - t;
  if (JSON.parse(whole.text).items.length !== args.n + 1) throw new Error('whole list is short');
  t = now();
  let token = '';
  let pages = 0;
  let items = 0;
  do {
    const page = JSON.parse((await call('GET', `/api/v1/namespaces/${NS}/configmaps?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`)).text);
    pages++;
    items += page.items.length;
    token = page.metadata.continue ?? '';
  } while (token);
  const pagedMs = now() - t;
  if (items !== args.n + 1) throw new Error(`paged list has ${items} items`);
  t = now();
  await call('GET', `/api/v1/namespaces/${NS}/configmaps?limit=500`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
  const tableMs = now() - t;
  agent.destroy();
  return {
    applySeconds,
    applyP50: pct(rtt, 50),
    applyP99: pct(rtt, 99),
    deliveries: k,
    missed,
    latency: { p50: pct(sortedLat, 50), p90: pct(sortedLat, 90), p99: pct(sortedLat, 99), max: sortedLat[sortedLat.length - 1] ?? NaN },
    watchersReadyMs,
    lists: { whole: wholeMs, paged: pagedMs, pages, table: tableMs },
  };
}

// ---- the server (this process) ---------------------------------------------------------------

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function server(n: number, w: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-scale-'));
  const pki = await ensurePki(join(dir, 'pki'), 'bench');
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, pki.caCert);
  const token = 'bench-token';
  // History long enough that every watcher can replay the whole run.
  const cluster = await LocalCluster.start({ name: 'bench', token, caCert: pki.caCert, cert: pki.cert, key: pki.key, port: 0, simulate: false, watchHistory: n * 2 + 1000 });
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  try {
    const child = fork(import.meta.filename, ['--client', JSON.stringify({ port: cluster.port, caFile, token, n, w } satisfies ClientArgs)], { execArgv: process.execArgv, stdio: 'inherit' });
    const result = await new Promise<ClientResult>((resolve, reject) => {
      child.on('message', (m) => resolve(m as ClientResult));
      child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`client exited with ${code}`))));
    });
    clearInterval(sampler);
    global.gc?.();
    const after = process.memoryUsage();
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`${n} ConfigMaps applied server-side, ${w} watchers on their namespace`);
    console.log(`apply: ${(n / result.applySeconds).toFixed(0)} objects/s (${result.applySeconds.toFixed(2)} s; request p50 ${ms(result.applyP50)}, p99 ${ms(result.applyP99)})`);
    console.log(`watch fan-out: ${result.deliveries} deliveries, ${result.missed} missed; latency from send to read p50 ${ms(result.latency.p50)}, p90 ${ms(result.latency.p90)}, p99 ${ms(result.latency.p99)}, max ${ms(result.latency.max)}`);
    console.log(`watchers opened in ${ms(result.watchersReadyMs)}`);
    console.log(`list of ${n + 1}: whole ${ms(result.lists.whole)}, ${result.lists.pages} pages of 500 ${ms(result.lists.paged)}, first page as a Table ${ms(result.lists.table)}`);
    console.log(`server memory: RSS ${mb(before.rss)} before, ${mb(peakRss)} peak, ${mb(after.rss)} after; heap ${mb(before.heapUsed)} before, ${mb(peakHeap)} peak, ${mb(after.heapUsed)} after${global.gc ? '' : ' (run with --expose-gc for settled figures)'}`);
    if (result.missed > 0) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--client') {
  const result = await client(JSON.parse(process.argv[3]!) as ClientArgs);
  process.send!(result, () => process.exit(0));
} else {
  await server(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 100));
}
