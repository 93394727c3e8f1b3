/** The ConfigMap and Secret generators. */
import type { ValueMap } from '../../yaml/types.js';
import { KustomizeError } from '../errors.js';
import type { GeneratorArgs, GeneratorOptions } from '../kustomization.js';
import type { Loader } from '../loader.js';
import { Resource, type GeneratorBehavior } from '../resource.js';
import { loadKvPairs, validatedDataMap } from './kv.js';

/** kustomize's MergeGlobalOptionsIntoLocal: global labels and annotations fill in, flags turn on. */
export function mergeOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions {
  const out: GeneratorOptions = { ...(local ?? {}) };
  if (!global) return out;
  if (global.labels) out.labels = { ...global.labels, ...(out.labels ?? {}) };
  if (global.annotations) out.annotations = { ...global.annotations, ...(out.annotations ?? {}) };
  if (global.disableNameSuffixHash) out.disableNameSuffixHash = true;
  if (global.immutable) out.immutable = true;
  return out;
}

function behaviorOf(b: string | undefined): GeneratorBehavior {
  if (b === undefined || b === '' || b === 'create') return 'create';
  if (b === 'merge' || b === 'replace') return b;
  throw new KustomizeError(`unknown generator behavior '${b}'`);
}

function baseObject(kind: string, args: GeneratorArgs): ValueMap {
  const metadata: ValueMap = { name: args.name ?? '' };
  if (args.namespace) metadata.namespace = args.namespace;
  return { apiVersion: 'v1', kind, metadata };
}

function finish(obj: ValueMap, args: GeneratorArgs, options: GeneratorOptions): Resource {
  const meta = obj.metadata as ValueMap;
  if (options.labels && Object.keys(options.labels).length) meta.labels = { ...options.labels };
  if (options.annotations && Object.keys(options.annotations).length) meta.annotations = { ...options.annotations };
  if (options.immutable) obj.immutable = true;
  const r = new Resource(obj);
  r.needsHashSuffix = !options.disableNameSuffixHash;
  r.behavior = behaviorOf(args.behavior);
  return r;
}

/** Base64 as kustomize writes it into data: wrapped at 70 columns, each line ended, once it is long. */
export function wrappedBase64(b: Buffer): string {
  const enc = b.toString('base64');
  if (enc.length < 70) return enc;
  let out = '';
  for (let i = 0; i < enc.length; i += 70) out += `${enc.slice(i, i + 70)}\n`;
  return out;
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

export function generateConfigMap(args: GeneratorArgs, global: GeneratorOptions | undefined, loader: Loader): Resource {
  if (!args.name) throw new KustomizeError('a configmap must have a name');
  const options = mergeOptions(args.options, global);
  const obj = baseObject('ConfigMap', args);
  const pairs = validatedDataMap(loadKvPairs(args, loader), 'ConfigMap', args.name);
  const data: ValueMap = {};
  const binaryData: ValueMap = {};
  for (const key of [...pairs.keys()].sort()) {
    const v = pairs.get(key)!;
    if (typeof v === 'string') data[key] = v;
    else if (isUtf8(v)) data[key] = v.toString('utf8');
    else binaryData[key] = wrappedBase64(v);
  }
  if (Object.keys(data).length) obj.data = data;
  if (Object.keys(binaryData).length) obj.binaryData = binaryData;
  return finish(obj, args, options);
}

export function generateSecret(args: GeneratorArgs, global: GeneratorOptions | undefined, loader: Loader): Resource {
  if (!args.name) throw new KustomizeError('a secret must have a name');
  const options = mergeOptions(args.options, global);
  const obj = baseObject('Secret', args);
  obj.type = args.type || 'Opaque';
  const pairs = validatedDataMap(loadKvPairs(args, loader), 'Secret', args.name);
  const data: ValueMap = {};
  for (const key of [...pairs.keys()].sort()) {
    const v = pairs.get(key)!;
    data[key] = wrappedBase64(typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
  }
  if (Object.keys(data).length) obj.data = data;
  return finish(obj, args, options);
}
