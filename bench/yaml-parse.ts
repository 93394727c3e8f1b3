/**
 * Times our YAML reader (src/yaml/parse.ts) against the `yaml` npm package on the seed
 * repository's kyverno.yaml (2.9 MB, 62 documents).
 *
 * cold: the first parse in a fresh process (includes the JIT warming up), median of 5 processes;
 * warm: median of 5 parses after 3 warm-up parses in one process. Both parsers build plain
 * values (ours directly, the package through Document.toJS()). Prints milliseconds and ratios.
 *
 *   node --import tsx bench/yaml-parse.ts [file.yaml]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments as ours } from '../src/yaml/parse.js';
import * as Y from 'yaml';

const shared = resolve(process.env.FLUXION_SHARED ?? resolve(import.meta.dirname, '../../shared'));
const defaultFile = resolve(shared, 'fixtures/gitops-seed/infrastructure/controllers/kyverno/kyverno.yaml');
const RUNS = 5;

type Parser = 'ours' | 'yaml';

function parseWith(parser: Parser, text: string): number {
  if (parser === 'ours') return ours(text).length;
  return Y.parseAllDocuments(text, { version: '1.2' }).map((d) => d.toJS()).length;
}

function timeOnce(parser: Parser, text: string): number {
  const t = process.hrtime.bigint();
  parseWith(parser, text);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** In a child process: the first (cold) parse, then warm-up and RUNS warm parses. Prints JSON. */
function child(parser: Parser, file: string): void {
  const text = readFileSync(file, 'utf8');
  const cold = timeOnce(parser, text);
  for (let i = 0; i < 3; i++) timeOnce(parser, text);
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) warm.push(timeOnce(parser, text));
  process.stdout.write(JSON.stringify({ cold, warm: median(warm) }));
}

function main(): void {
  const file = process.argv[2] ?? defaultFile;
  if (!existsSync(file)) {
    console.log(`skipped: ${file} is absent (set FLUXION_SHARED or pass a file)`);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const docs = ours(text).length;
  console.log(`${file}: ${(text.length / 1e6).toFixed(2)} MB, ${docs} documents`);
  const results: Record<Parser, { cold: number[]; warm: number[] }> = { ours: { cold: [], warm: [] }, yaml: { cold: [], warm: [] } };
  for (let i = 0; i < RUNS; i++) {
    for (const parser of ['ours', 'yaml'] as Parser[]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', parser, file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`child ${parser} failed: ${r.stderr}`);
      const { cold, warm } = JSON.parse(r.stdout) as { cold: number; warm: number };
      results[parser].cold.push(cold);
      results[parser].warm.push(warm);
    }
  }
  const row = (name: string, p: Parser) => `${name.padEnd(14)} cold ${median(results[p].cold).toFixed(1).padStart(7)} ms   warm ${median(results[p].warm).toFixed(1).padStart(7)} ms`;
  console.log(row('ours', 'ours'));
  console.log(row('yaml package', 'yaml'));
  const ratio = (k: 'cold' | 'warm') => (median(results.yaml[k]) / median(results.ours[k])).toFixed(1);
  console.log(`ours is ${ratio('cold')}x faster cold, ${ratio('warm')}x faster warm (median of ${RUNS})`);
}

if (process.argv[2] === '--child') child(process.argv[3] as Parser, process.argv[4]!);
else main();
