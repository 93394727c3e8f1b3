/**
 * Times `fluxion kustomize build` against the pinned reference `kubectl.1.32 kustomize`
 * (kustomize v5.5.0) in the same run: whole processes, interleaved, median of N runs, on
 * the seed repository's kyverno and config/beta trees and a generated 4,000-resource overlay.
 * Prints each ratio and whether the outputs are byte-identical.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeLargeOverlay } from './large-overlay.js';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const cli = resolve(import.meta.dirname, '../dist/fluxion.js');
const seed = resolve(process.env.FLUXION_SHARED ?? resolve(import.meta.dirname, '../../shared'), 'fixtures/gitops-seed');

function referenceKubectl(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
  if (!which) return undefined;
  const pinned = join(dirname(realpathSync(which)), 'kubectl.1.32');
  return existsSync(pinned) ? pinned : undefined;
}

function time(cmd: string, args: string[]): { ms: number; out: Buffer; ok: boolean } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30 });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out: r.stdout, ok: r.status === 0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  const ref = referenceKubectl();
  if (!existsSync(cli)) throw new Error('dist/fluxion.js is missing: run `npm run build` first');
  const tmp = mkdtempSync(join(tmpdir(), 'fluxion-bench-'));
  const cases: [string, string][] = [['generated 4,000-resource overlay', writeLargeOverlay(tmp)]];
  if (existsSync(seed)) {
    cases.unshift(['gitops-seed config/beta', join(seed, 'config/beta')]);
    cases.unshift(['gitops-seed infrastructure/controllers/kyverno', join(seed, 'infrastructure/controllers/kyverno')]);
  } else {
    console.log(`note: ../shared is absent, so only the generated overlay is measured`);
  }
  // `-- --only kyverno` measures just the cases whose label contains the word.
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  try {
    for (const [label, dir] of cases.filter(([l]) => !only || l.includes(only))) {
      const ours: number[] = [];
      const theirs: number[] = [];
      let same = true;
      for (let i = 0; i < runs; i++) {
        // kubectl's kustomize is quadratic in places; the large overlay takes minutes per run there.
        process.stderr.write(`  ${label}: run ${i + 1}/${runs}\r`);
        const a = time(process.execPath, [cli, 'kustomize', 'build', dir]);
        ours.push(a.ms);
        if (ref) {
          const b = time(ref, ['kustomize', dir]);
          theirs.push(b.ms);
          same &&= a.ok && b.ok && a.out.equals(b.out);
        }
      }
      const o = median(ours);
      if (ref) {
        const t = median(theirs);
        console.log(`${label}: fluxion ${o.toFixed(0)} ms, kubectl.1.32 kustomize ${t.toFixed(0)} ms, ratio ${(t / o).toFixed(2)}x faster, output ${same ? 'identical' : 'DIFFERS'}`);
      } else {
        console.log(`${label}: fluxion ${o.toFixed(0)} ms (no kubectl.1.32 here to compare with)`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
