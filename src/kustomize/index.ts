/** Fluxion's kustomize engine: `build` returns objects in-process; `buildYaml` prints like kustomize v5.5. */
export { build, buildYaml, type BuildOptions, type BuildResult } from './build.js';
export { KustomizeError } from './errors.js';
export { diskFileSystem, memoryFileSystem, type FileSystem } from './filesystem.js';
export type { LoadRestrictor } from './loader.js';
export type { RemoteFetcher } from './remote.js';
export { Resource } from './resource.js';
