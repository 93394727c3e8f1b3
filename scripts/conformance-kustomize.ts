/**
 * Runs the kustomize parity corpus (../shared/kustomize-corpus) against `fluxion kustomize build`:
 * a case passes when the output is byte-identical to kustomize v5.5's, or, for an error case,
 * when the build fails. Prints pass rates per feature, the misses, and `N passed, N failed`.
 *
 *   npm run conformance:kustomize [-- --filter REGEX] [-- -v]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

const corpus = resolve(process.env.FLUXION_SHARED ?? resolve(import.meta.dirname, '../../shared'), 'kustomize-corpus');
const cli = resolve(import.meta.dirname, '../dist/fluxion.js');
const args = process.argv.slice(2);
const filter = args.includes('--filter') ? new RegExp(args[args.indexOf('--filter') + 1]!) : undefined;
const verbose = args.includes('-v');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

interface Case {
  id: string;
  buildPath: string;
  features: string[];
  outcome: 'ok' | 'error';
  flags: string[];
  notes: string;
}

function loadManifest(): Case[] {
  const [header, ...lines] = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n');
  const cols = header!.split('\t');
  return lines.map((line) => {
    const row = Object.fromEntries(line.split('\t').map((v, i) => [cols[i], v]));
    return {
      id: row.case!.replace(/^cases\//, ''),
      buildPath: row.build_path!,
      features: row.features === '-' ? ['(none)'] : row.features!.split(','),
      outcome: row.outcome as 'ok' | 'error',
      flags: row.flags === '-' ? [] : row.flags!.split(' '),
      notes: row.notes ?? '',
    };
  });
}

function run(c: Case): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, 'kustomize', 'build', c.buildPath, ...c.flags], { cwd: corpus });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

async function main(): Promise<void> {
  if (!existsSync(join(corpus, 'MANIFEST.tsv'))) {
    console.log(`skipped: the kustomize corpus is not at ${corpus} (it lives in ../shared beside the project)`);
    return;
  }
  if (!existsSync(cli)) {
    console.error('dist/fluxion.js is missing: run `npm run build` first');
    process.exit(2);
  }
  const cases = loadManifest().filter((c) => !filter || filter.test(c.id));
  const results = new Map<string, { pass: boolean; why: string }>();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const r = await run(c);
      let pass: boolean;
      let why = '';
      if (c.outcome === 'error') {
        pass = r.code !== 0;
        if (!pass) why = 'expected an error, the build succeeded';
      } else {
        const expected = readFileSync(join(corpus, 'cases', c.id, 'expected.yaml'));
        pass = r.code === 0 && expected.equals(r.stdout);
        if (!pass) why = r.code !== 0 ? `failed: ${r.stderr.trim().split('\n').pop()}` : 'output differs';
      }
      results.set(c.id, { pass, why });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(4, cpus().length)) }, worker));

  const byFeature = new Map<string, { pass: number; total: number }>();
  for (const c of cases) {
    for (const f of c.features) {
      const e = byFeature.get(f) ?? { pass: 0, total: 0 };
      e.total++;
      if (results.get(c.id)!.pass) e.pass++;
      byFeature.set(f, e);
    }
  }
  console.log('feature                          passed/total');
  for (const [f, e] of [...byFeature].sort((a, b) => b[1].total - a[1].total)) {
    console.log(`${f.padEnd(32)} ${String(e.pass).padStart(4)}/${String(e.total).padEnd(4)} ${((100 * e.pass) / e.total).toFixed(0)}%`);
  }
  const failed = cases.filter((c) => !results.get(c.id)!.pass);
  if (failed.length) {
    console.log('\nmisses:');
    for (const c of failed) console.log(`  ${c.id}: ${results.get(c.id)!.why}${verbose ? ` [${c.features.join(',')}]` : ''}`);
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(Object.fromEntries(results), null, 1));
  const passed = cases.length - failed.length;
  console.log(`\n${((100 * passed) / Math.max(1, cases.length)).toFixed(1)}% byte-identical or failing as the reference does`);
  console.log(`${passed} passed, ${failed.length} failed`);
}

await main();
