/**
 * Every expected.yaml of the kustomize parity corpus was printed by the printer emitYaml
 * imitates. Read each back (quoted scalars stay strings, plain ones are typed as yaml.v2
 * types them) and print it again: the bytes must come out the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, isMap as isYamlMap, isSeq, isScalar, Scalar, type Node } from 'yaml';
import { emitYamlStream } from '../../src/yaml/emit.js';
import { resolvePlainV2 } from '../../src/yaml/emit-resolve.js';
import type { Value, ValueMap } from '../../src/yaml/types.js';

const CASES = '/work/shared/kustomize-corpus/cases';

function toValue(node: unknown): Value {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) {
    const text = String(node.value ?? '');
    return node.type === Scalar.PLAIN ? resolvePlainV2(text) : text;
  }
  if (isYamlMap(node)) {
    const out: ValueMap = {};
    for (const pair of node.items) {
      const k = pair.key;
      const key = isScalar(k) ? String(k.value ?? '') : String(k);
      out[key] = toValue(pair.value);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((x) => toValue(x));
  throw new Error(`unexpected node ${String(node)}`);
}

function readKustomizeOutput(text: string): Value[] {
  return parseAllDocuments(text, { schema: 'failsafe' }).flatMap((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return [toValue(doc.contents as Node | null)];
  });
}

test('emitYamlStream reprints every expected.yaml of the kustomize corpus byte for byte', (t) => {
  if (!fs.existsSync(CASES)) {
    t.skip(`${CASES} is absent`);
    return;
  }
  const failures: string[] = [];
  let passed = 0;
  for (const name of fs.readdirSync(CASES).sort()) {
    const file = path.join(CASES, name, 'expected.yaml');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (text === '') continue;
    const ours = emitYamlStream(readKustomizeOutput(text));
    if (ours === text) passed++;
    else failures.push(name);
  }
  t.diagnostic(`${passed} of ${passed + failures.length} expected outputs reprinted exactly`);
  assert.deepEqual(failures, []);
});
