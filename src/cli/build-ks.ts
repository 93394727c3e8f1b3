/**
 * `fluxion build kustomization NAME --path DIR`: what kustomize-controller would apply for
 * the Kustomization NAME if its source held DIR, printed as flux prints it (each object's YAML
 * followed by `---`). The Kustomization comes from the cluster, or from --kustomization-file
 * (with --dry-run the cluster is never asked). The build is Flux's: kustomization.yaml
 * generated when missing, the spec's targetNamespace, namePrefix/Suffix, patches, images and
 * components written into it, postBuild substitution (substituteFrom objects read from the
 * cluster, skipped with --dry-run), the owner labels, spec.commonMetadata, and the data of
 * SOPS-encrypted Secrets masked. Nothing is written to DIR.
 */
import * as path from 'node:path';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { KubeClient } from '../kube/client.js';
import type { Kustomization } from '../api/kustomize.js';
import type { ValueMap } from '../yaml/types.js';
import { CliError, kubeClient, withKubeFlags, type KubeFlags } from './common.js';

const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
const SOPS_MASK = '**SOPS**';
const DOCKERCONFIGJSON = 'kubernetes.io/dockerconfigjson';

export interface BuildOptions {
  name: string;
  namespace: string;
  path: string;
  kustomizationFile?: string;
  dryRun?: boolean;
  strictSubstitute?: boolean;
  /** gitignore patterns (relative to --path) hidden from the generated kustomization.yaml. */
  ignorePaths?: string[];
  /** Needed unless dryRun. */
  client?: KubeClient;
}

export interface BuiltKustomization {
  kustomization: Kustomization;
  objects: ValueMap[];
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** flux's checks of --path and --kustomization-file, with its messages. */
export function checkBuildPaths(opts: Pick<BuildOptions, 'path' | 'kustomizationFile' | 'dryRun'>): string {
  if (!opts.path) throw new CliError(`invalid resource path "${opts.path}"`);
  const dir = path.resolve(opts.path);
  if (!isDir(dir)) throw new CliError(`invalid resource path "${dir}"`);
  if (opts.dryRun && !opts.kustomizationFile) throw new CliError('dry-run mode requires a kustomization file');
  if (opts.kustomizationFile) {
    let file = false;
    try {
      file = statSync(opts.kustomizationFile).isFile();
    } catch {
      file = false;
    }
    if (!file) throw new CliError(`invalid kustomization file "${opts.kustomizationFile}"`);
  }
  return dir;
}

/** The first Kustomization in the file with this name, in this namespace or in none. */
async function kustomizationFromFile(file: string, name: string, namespace: string): Promise<Kustomization> {
  const { readFileSync } = await import('node:fs');
  const { parseAllDocuments } = await import('../yaml/parse.js');
  let docs: unknown[];
  try {
    docs = parseAllDocuments(readFileSync(file, 'utf8'), { filename: file });
  } catch (e) {
    throw new CliError(`failed to get kustomization object: failed to unmarshall kustomization file ${file}: ${(e as Error).message}`);
  }
  for (const d of docs) {
    const k = d as Partial<Kustomization> | null;
    if (!k || typeof k !== 'object') continue;
    if (typeof k.apiVersion === 'string' && k.apiVersion.startsWith(`${KUSTOMIZE_GROUP}/`) && k.kind === 'Kustomization' && k.metadata?.name === name && (!k.metadata.namespace || k.metadata.namespace === namespace)) {
      return k as Kustomization;
    }
  }
  throw new CliError(`failed to get kustomization object: failed find kustomization with name '${name}' and namespace '${namespace}' in file '${file}'`);
}

/** The Kustomization to build with: the file's spec wins; the live status (inventory) is kept. */
async function resolveKustomization(opts: BuildOptions): Promise<Kustomization> {
  let live: Kustomization | undefined;
  if (!opts.dryRun) {
    if (!opts.client) throw new CliError('a cluster client is required unless --dry-run is given');
    try {
      live = await opts.client.get<Kustomization>({ apiVersion: `${KUSTOMIZE_GROUP}/v1`, kind: 'Kustomization', namespace: opts.namespace }, opts.name);
    } catch (e) {
      throw new CliError(`failed to get kustomization object: ${(e as Error).message}`);
    }
  }
  if (!opts.kustomizationFile) return live!;
  const k = await kustomizationFromFile(opts.kustomizationFile, opts.name, opts.namespace);
  if (live?.status?.inventory) k.status = structuredClone(live.status);
  return k;
}

/** The disk, with --ignore-paths matches left out of directory listings (so out of the generated kustomization). */
async function ignoringFileSystem(dir: string, patterns: string[]) {
  const { diskFileSystem } = await import('../kustomize/filesystem.js');
  if (patterns.length === 0) return diskFileSystem;
  const { IgnoreMatcher, readPatterns } = await import('../controllers/source/sourceignore.js');
  const matcher = new IgnoreMatcher(readPatterns(patterns.join('\n')));
  return {
    ...diskFileSystem,
    readDir: (p: string) => {
      const names = diskFileSystem.readDir(p);
      const rel = path.relative(dir, p);
      if (rel.startsWith('..') || path.isAbsolute(rel)) return names;
      const segs = rel === '' ? [] : rel.split(path.sep);
      return names.filter((n) => !matcher.excludes([...segs, n], diskFileSystem.isDir(path.join(p, n))));
    },
  };
}

/** The variables of spec.postBuild: substituteFrom objects from the cluster (none in dry-run), then the inline map. */
async function substituteVars(k: Kustomization, opts: BuildOptions): Promise<Record<string, string>> {
  const { mergeSubstituteVars } = await import('../controllers/kustomize/substitute.js');
  const { isNotFound } = await import('../kube/errors.js');
  const post = k.spec.postBuild ?? {};
  const sources = [];
  if (!opts.dryRun) {
    for (const ref of post.substituteFrom ?? []) {
      let data: Record<string, string> | undefined;
      try {
        const obj = await opts.client!.get<{ apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string> }>(
          { apiVersion: 'v1', kind: ref.kind, namespace: k.metadata.namespace || opts.namespace },
          ref.name,
        );
        data = obj.data ?? {};
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      sources.push({ kind: ref.kind, name: ref.name, optional: ref.optional, data });
    }
  }
  try {
    return mergeSubstituteVars(post.substitute, sources);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** flux's masking of SOPS-encrypted Secrets (the values only; the keys stay readable). */
export function maskSopsSecret(obj: ValueMap, emitYaml: (v: ValueMap) => string): ValueMap {
  if (obj.kind !== 'Secret') return obj;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const sopsMess = b64(SOPS_MASK);
  const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
  const stringData = { ...((obj.stringData as Record<string, string> | undefined) ?? {}) };
  const out: ValueMap = { ...obj };
  const text = emitYaml(obj);
  if (text.includes('sops:') && text.includes('mac: ENC[')) {
    delete out.sops;
    if ((obj.type ?? 'Opaque') === DOCKERCONFIGJSON) {
      const json = JSON.stringify({ mask: SOPS_MASK });
      for (const k of Object.keys(data)) data[k] = b64(json);
      for (const k of Object.keys(stringData)) stringData[k] = json;
    } else {
      for (const k of Object.keys(data)) data[k] = sopsMess;
      for (const k of Object.keys(stringData)) stringData[k] = SOPS_MASK;
    }
  } else {
    const encrypted = (s: string) => s.includes('sops') && s.includes('ENC[');
    for (const [k, v] of Object.entries(data)) if (encrypted(Buffer.from(String(v), 'base64').toString('latin1'))) data[k] = sopsMess;
    // flux writes the base64 mask into stringData too.
    for (const [k, v] of Object.entries(stringData)) if (encrypted(String(v))) stringData[k] = sopsMess;
  }
  if (obj.data !== undefined) out.data = data;
  if (Object.keys(stringData).length > 0) out.stringData = stringData;
  return out;
}

/** Builds DIR as kustomize-controller would for the Kustomization. Throws CliError with flux's messages. */
export async function buildKustomization(opts: BuildOptions): Promise<BuiltKustomization> {
  const dir = checkBuildPaths(opts);
  const k = await resolveKustomization(opts);
  const { buildFluxKustomization, applyCommonMetadata } = await import('../controllers/kustomize/generate.js');
  const { substituteObjects, PostBuildError } = await import('../controllers/kustomize/substitute.js');
  const { setOwnerLabels } = await import('../controllers/kustomize/annotations.js');
  const { remoteFetcher } = await import('../kustomize/remote-fetch.js');
  const { emitYaml } = await import('../yaml/emit.js');
  const spec = k.spec ?? ({} as Kustomization['spec']);
  const root = path.parse(dir).root;
  const remote = remoteFetcher();
  let objects: ValueMap[];
  try {
    const built = buildFluxKustomization(
      root,
      path.relative(root, dir),
      {
        targetNamespace: spec.targetNamespace,
        namePrefix: spec.namePrefix,
        nameSuffix: spec.nameSuffix,
        patches: spec.patches,
        images: spec.images,
        components: spec.components,
        ignoreMissingComponents: spec.ignoreMissingComponents,
        patchesStrategicMerge: (spec as { patchesStrategicMerge?: never }).patchesStrategicMerge,
        patchesJson6902: (spec as { patchesJson6902?: never }).patchesJson6902,
      },
      { fs: await ignoringFileSystem(dir, opts.ignorePaths ?? []), remote },
    );
    objects = built.objects;
  } catch (e) {
    const name = (e as Error).name;
    throw new CliError(name === 'GenerateError' ? `failed to generate kustomization.yaml: ${(e as Error).message}` : (e as Error).message);
  } finally {
    remote.cleanup();
  }
  if (spec.postBuild) {
    const vars = await substituteVars(k, opts);
    try {
      objects = substituteObjects(objects, vars, { strict: Boolean(opts.strictSubstitute) });
    } catch (e) {
      if (!(e instanceof PostBuildError)) throw e;
      const objName = e.object.slice(e.object.indexOf('/') + 1);
      throw new CliError(`var substitution failed for '${objName}': ${e.message.replace(/^post build failed for '[^']*': /, '')}`);
    }
  }
  objects = setOwnerLabels(objects, { name: k.metadata.name, namespace: k.metadata.namespace || opts.namespace });
  objects = objects.map((o) => maskSopsSecret(o, emitYaml));
  objects = applyCommonMetadata(objects, spec.commonMetadata);
  return { kustomization: k, objects };
}

/** flux's multi-document output: every object followed by `---`. */
export async function objectsToYaml(objects: ValueMap[]): Promise<string> {
  const { emitYaml } = await import('../yaml/emit.js');
  return objects.map((o) => `${emitYaml(o)}---\n`).join('');
}

export interface BuildFlags extends KubeFlags {
  path?: string;
  kustomizationFile?: string;
  ignorePaths?: string;
  dryRun?: boolean;
  strictSubstitute?: boolean;
}

export const splitList = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

export function registerBuild(program: Command): void {
  const build = program.command('build').description('build a flux object locally');
  withKubeFlags(
    build
      .command('kustomization <name>')
      .alias('ks')
      .description('build a Kustomization from a local directory as the cluster would, and print the YAML')
      .option('--path <dir>', 'path to the manifests location')
      .option('--kustomization-file <file>', 'path to the Flux Kustomization YAML file')
      .option('--ignore-paths <patterns>', 'comma-separated paths to ignore, in .gitignore format')
      .option('--dry-run', 'dry run mode: the cluster is not contacted (needs --kustomization-file)')
      .option('--strict-substitute', 'fail when a variable without a default value is not defined'),
  ).action(async (name: string, flags: BuildFlags) => {
    checkBuildPaths({ path: flags.path ?? '', kustomizationFile: flags.kustomizationFile, dryRun: flags.dryRun });
    const client = flags.dryRun ? undefined : await kubeClient(flags);
    try {
      const { objects } = await buildKustomization({
        name,
        namespace: flags.namespace,
        path: flags.path ?? '',
        kustomizationFile: flags.kustomizationFile,
        dryRun: flags.dryRun,
        strictSubstitute: flags.strictSubstitute,
        ignorePaths: splitList(flags.ignorePaths),
        client,
      });
      process.stdout.write(await objectsToYaml(objects));
    } finally {
      client?.close();
    }
  });
}
