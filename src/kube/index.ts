/**
 * Talking to a Kubernetes API server: kubeconfig and in-cluster configuration, a
 * discovery-driven dynamic client (CRUD, patches, server-side apply, status, watch) and
 * typed API errors. It knows no Flux kind.
 */
export { loadKubeConfig, KubeConfigError, type KubeConfigOptions, type KubeConnection, type AuthMaterial } from './config.js';
export { KubeHttp, type RequestOptions } from './http.js';
export { Discovery, type ResourceInfo } from './discovery.js';
export { KubeClient, type ResourceRef, type ListOptions, type WatchOptions, type WriteOptions, type PatchType, type WatchStream } from './client.js';
export { readWatchEvents, type WatchEvent, type WatchEventType } from './watch.js';
export { ApiError, isNotFound, isConflict, isAlreadyExists, isGone, isForbidden, isUnauthorized, isInvalid, isTransient, type StatusDetails } from './errors.js';
export { objectKey, splitKey, groupOf, versionOf, newerResourceVersion, type KubeObject, type KubeList, type ObjectMeta } from './types.js';
