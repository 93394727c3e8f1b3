/**
 * Our reader against the `yaml` npm package on every *.yaml / *.yml file of the shared
 * corpora (../shared: fixtures/, kustomize-corpus/, and the other corpora beside them).
 *
 * The package parses with YAML 1.2 syntax and the failsafe schema (every scalar a string, its
 * style and explicit tag kept); the walk below turns its nodes into values with our own scalar
 * rules (resolve.ts: yaml.v3's typing, tested on its own in parse.test.ts) and yaml.v3's
 * treatment of keys and merges, and our reader runs in its 'go' dialect (without kustomize's
 * extra rewrites, tested in parse.test.ts). So what is compared is the syntax: where the two
 * disagree, one of the readers splits, folds or nests differently.
 *
 * Known, deliberate differences (yaml.v3 / kustomize behaviour we follow) are filtered by
 * `expectedDifference` with the reason; anything else fails the test with the list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yaml';
import { parseAllDocuments } from '../../src/yaml/parse.js';
import { resolvePlain, resolved, resolveTagged, TAG_STR } from '../../src/yaml/resolve.js';
import type { Value, ValueMap } from '../../src/yaml/types.js';

const shared = resolve(process.env.FLUXION_SHARED ?? resolve(import.meta.dirname, '../../../shared'));

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

const YAML_PREFIX = 'tag:yaml.org,2002:';
const shortTag = (t: string): string => (t.startsWith(YAML_PREFIX) ? '!!' + t.slice(YAML_PREFIX.length) : t);

class WalkError extends Error {}

/** Values from the package's nodes, by yaml.v3's rules (see the module comment). */
function walk(node: unknown, doc: Y.Document.Parsed): Value {
  if (node === null || node === undefined) return null;
  if (Y.isAlias(node)) return walk(node.resolve(doc), doc);
  if (Y.isScalar(node)) {
    const text = node.value === null ? '' : String(node.value);
    const tag = node.tag && node.tag !== '!' ? shortTag(node.tag) : undefined;
    if (tag) return resolveTagged(tag, text);
    if (node.type === 'PLAIN') return resolvePlain(text);
    return text;
  }
  if (Y.isSeq(node)) {
    return node.items.map((it) => walk(it, doc));
  }
  if (Y.isMap(node)) {
    const map: ValueMap = {};
    let merge: Value | undefined;
    for (const pair of node.items) {
      const k = pair.key;
      const v = walk(pair.value, doc);
      if (Y.isScalar(k) && k.value === '<<' && ((k.type === 'PLAIN' && !k.tag) || k.tag === YAML_PREFIX + 'merge')) {
        if (merge !== undefined) throw new WalkError('duplicate merge key');
        merge = v;
        continue;
      }
      const key = walkKey(k, doc);
      if (Object.hasOwn(map, key)) throw new WalkError(`duplicate key ${key}`);
      Object.defineProperty(map, key, { value: v, writable: true, enumerable: true, configurable: true });
    }
    if (merge !== undefined) {
      const sources = Array.isArray(merge) ? merge : [merge];
      for (const s of sources) {
        if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new WalkError('bad merge');
        for (const key of Object.keys(s)) if (!Object.hasOwn(map, key)) Object.defineProperty(map, key, { value: s[key], writable: true, enumerable: true, configurable: true });
      }
    }
    return map;
  }
  if (Y.isPair(node)) throw new WalkError('unexpected pair');
  throw new WalkError('unknown node');
}

function walkKey(k: unknown, doc: Y.Document.Parsed): string {
  const node = Y.isAlias(k) ? k.resolve(doc) : k;
  if (node === null || node === undefined) return 'null';
  if (!Y.isScalar(node)) throw new WalkError('collection key');
  const text = node.value === null ? '' : String(node.value);
  const tag = node.tag && node.tag !== '!' ? shortTag(node.tag) : undefined;
  let value: Value;
  let isString: boolean;
  if (tag) {
    value = resolveTagged(tag, text);
    isString = tag === TAG_STR;
  } else if (node.type === 'PLAIN') {
    value = resolvePlain(text);
    isString = resolved.tag === TAG_STR;
  } else {
    value = text;
    isString = true;
  }
  if (isString) return value as string;
  return value === null ? 'null' : String(value);
}

type Outcome = { ok: true; docs: Value[] } | { ok: false; error: string };

function theirs(text: string): Outcome {
  try {
    const docs = Y.parseAllDocuments(text, { version: '1.2', schema: 'failsafe', uniqueKeys: false, merge: false });
    if (!Array.isArray(docs)) return { ok: true, docs: [] };
    const values: Value[] = [];
    for (const d of docs) {
      if (d.errors.length > 0) return { ok: false, error: d.errors[0]!.message.split('\n')[0]! };
      values.push(walk(d.contents, d));
    }
    return { ok: true, docs: values };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function ours(text: string): Outcome {
  try {
    return { ok: true, docs: parseAllDocuments(text, { dialect: 'go' }) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** The first place where two values differ, as a path. */
function firstDifference(a: unknown, b: unknown, path: string): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  const show = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v))?.slice(0, 120);
  return `${path || '.'}: ours ${show(a)}, yaml package ${show(b)}`;
}

/** Differences that are yaml.v3's behaviour (which we follow) and not a reading error. */
function expectedDifference(text: string, o: Outcome, t: Outcome): string | undefined {
  if (!o.ok && t.ok) {
    if (/tab/.test(o.error)) return 'libyaml rejects tabs where the YAML 1.2 text allows them';
    if (/%YAML/.test(o.error)) return 'yaml.v3 accepts only %YAML 1.1';
    if (/document separator/.test(o.error)) return "kustomize's separator rule";
  }
  if (o.ok && !t.ok && /^\s*\t/m.test(text)) return 'tabs: the package is stricter here';
  return undefined;
}

test('our reader agrees with the yaml package on every YAML file of the shared corpora', { timeout: 600_000 }, (t) => {
  if (!existsSync(shared)) {
    t.skip(`${shared} is absent: no corpus to compare against`);
    return;
  }
  const files = yamlFiles(shared);
  const mismatches: string[] = [];
  const expected: string[] = [];
  let agreedErrors = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const o = ours(text);
    const th = theirs(text);
    let problem = '';
    if (o.ok && th.ok) {
      if (o.docs.length !== th.docs.length) problem = `${o.docs.length} documents, the yaml package ${th.docs.length}`;
      else {
        for (let i = 0; i < o.docs.length && !problem; i++) {
          const d = firstDifference(o.docs[i], th.docs[i], '');
          if (d) problem = `document ${i + 1} ${d}`;
        }
      }
    } else if (o.ok !== th.ok) {
      problem = o.ok ? `the yaml package fails (${(th as { error: string }).error}), we do not` : `we fail (${(o as { error: string }).error}), the yaml package does not`;
    } else {
      agreedErrors++;
    }
    if (!problem) continue;
    const why = expectedDifference(text, o, th);
    const line = `${relative(shared, file)}: ${problem}`;
    if (why) expected.push(`${line} [${why}]`);
    else mismatches.push(line);
  }
  t.diagnostic(`${files.length} files, ${agreedErrors} rejected by both, ${expected.length} known differences`);
  for (const e of expected) t.diagnostic(`known: ${e}`);
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${files.length} files read differently:\n${mismatches.join('\n')}`);
});
