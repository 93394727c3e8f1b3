/** The build entry point: a directory in, resources out, as `kustomize build` makes them. */
import { emitYamlStream } from '../yaml/emit.js';
import type { ValueMap } from '../yaml/types.js';
import { BuildContext } from './context.js';
import { type FileSystem, diskFileSystem } from './filesystem.js';
import { contentHash } from './generators/hash.js';
import { type LoadRestrictor, Loader } from './loader.js';
import type { RemoteFetcher } from './remote.js';
import type { Resource } from './resource.js';
import { sortResources } from './sort.js';
import { Target, emptyAccumulator } from './target.js';
import { fixNameReferences } from './transformers/namereference.js';
import { resolveVars } from './transformers/vars.js';
import { applyBuildMetadata } from './build-metadata.js';

export interface BuildOptions {
  loadRestrictor?: LoadRestrictor;
  fs?: FileSystem;
  /** Fetches remote resources; without one, remote resources are refused. */
  remote?: RemoteFetcher;
  /** Bounds YAML alias expansion per document (billion-laughs protection). */
  maxAliasExpansion?: number;
}

export interface BuildResult {
  resources: Resource[];
  /** The objects, in output order. */
  objects: ValueMap[];
  /** Deprecation and other warnings, as kustomize prints them on stderr. */
  warnings: string[];
}

const LOCAL_CONFIG = 'config.kubernetes.io/local-config';

export function build(dir: string, options: BuildOptions = {}): BuildResult {
  const ctx = new BuildContext();
  if (options.maxAliasExpansion) ctx.maxAliasExpansion = options.maxAliasExpansion;
  const loader = Loader.atRoot(dir, { fs: options.fs ?? diskFileSystem, restrictor: options.loadRestrictor ?? 'LoadRestrictionsRootOnly', remote: options.remote });
  const target = new Target(loader, ctx);
  ctx.trackTransformers = target.kustomization.buildMetadata.includes('transformerAnnotations');
  const acc = target.accumulate(emptyAccumulator());
  const rm = acc.resources;
  // Hash suffixes come last, on the final content, then references follow the new names.
  for (const r of rm.list()) {
    if (!r.needsHashSuffix) continue;
    r.rememberId();
    r.setName(`${r.name}-${contentHash(r.obj)}`);
  }
  fixNameReferences(rm, acc.config.nameReference);
  const { unused } = resolveVars(rm, acc.vars, acc.config.varReference);
  if (unused.length) ctx.warnings.push(`well-defined vars that were never replaced: ${unused.join(',')}`);
  const kept = rm.list().filter((r) => r.annotations()[LOCAL_CONFIG] !== 'true');
  const sorted = sortResources(kept, target.kustomization.sortOptions);
  applyBuildMetadata(sorted, target.kustomization.buildMetadata);
  return { resources: sorted, objects: sorted.map((r) => r.obj), warnings: ctx.warnings };
}

/** The build printed as kustomize prints it. */
export function buildYaml(dir: string, options: BuildOptions = {}): { yaml: string; warnings: string[]; objects: ValueMap[] } {
  const result = build(dir, options);
  return { yaml: emitYamlStream(result.objects), warnings: result.warnings, objects: result.objects };
}
