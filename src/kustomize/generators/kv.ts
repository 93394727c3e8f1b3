/** Key/value sources of ConfigMap and Secret generators: literals, env files, files. */
import * as path from 'node:path';
import { KustomizeError } from '../errors.js';
import type { Loader } from '../loader.js';
import type { GeneratorArgs } from '../kustomization.js';

export interface KvPair {
  key: string;
  value: Buffer | string;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** Pairs in kustomize's order: env files, then literals, then files. */
export function loadKvPairs(args: GeneratorArgs, loader: Loader, env: NodeJS.ProcessEnv = process.env): KvPair[] {
  const out: KvPair[] = [];
  for (const file of args.envs) out.push(...envFilePairs(loader.load(file), file, env));
  for (const literal of args.literals) out.push(literalPair(literal));
  for (const source of args.files) out.push(filePair(source, loader));
  return out;
}

export function literalPair(source: string): KvPair {
  const eq = source.indexOf('=');
  if (eq < 0) throw new KustomizeError(`invalid literal source ${source}, expected key=value`);
  const key = source.slice(0, eq);
  let value = source.slice(eq + 1);
  // kustomize strips one pair of matching surrounding quotes from a literal's value.
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
    value = value.slice(1, -1);
  }
  return { key, value };
}

function filePair(source: string, loader: Loader): KvPair {
  let key: string;
  let file: string;
  const eq = source.indexOf('=');
  if (eq < 0) {
    file = source;
    key = path.basename(source);
  } else {
    key = source.slice(0, eq);
    file = source.slice(eq + 1);
    if (key === '') throw new KustomizeError(`key name for file path ${file} missing`);
    if (file === '') throw new KustomizeError(`file path for key name ${key} missing`);
  }
  return { key, value: loader.load(file) };
}

export function envFilePairs(content: Buffer, file: string, env: NodeJS.ProcessEnv): KvPair[] {
  const out: KvPair[] = [];
  const lines = content.toString('utf8').split('\n');
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    line = line.replace(/^\s+/u, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (!ENV_NAME.test(key)) {
      throw new KustomizeError(`"${key}" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (in ${file}, line ${i + 1})`);
    }
    out.push({ key, value: eq < 0 ? env[key] ?? '' : line.slice(eq + 1) });
  });
  return out;
}

/** Checks keys and rejects repeats, as kustomize's makeValidatedDataMap. */
export function validatedDataMap(pairs: KvPair[], kind: string, name: string): Map<string, Buffer | string> {
  const out = new Map<string, Buffer | string>();
  for (const { key, value } of pairs) {
    if (!DATA_KEY.test(key) || key === '.' || key === '..') {
      throw new KustomizeError(`${kind.toLowerCase()} ${name}: invalid key "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`);
    }
    if (out.has(key)) throw new KustomizeError(`${kind.toLowerCase()} ${name} illegally repeats the key \`${key}\``);
    out.set(key, value);
  }
  return out;
}
