/**
 * The local Kubernetes-compatible cluster behind `fluxion cluster`: an API server faithful to
 * Kubernetes v1.33's API conventions (discovery, OpenAPI v3, CRUD, patches, server-side apply,
 * watch, CRDs, namespaces, finalizers, garbage collection) with simulated workloads. It
 * imports only src/yaml, src/schema and src/patch, so it can be tested on its own.
 */
export { LocalCluster, KUBERNETES_VERSION, type ClusterOptions } from './cluster.js';
export { ensurePki, type Pki } from './pki.js';
export { SIMULATE_ANNOTATION, type WorkloadRunner, type RunningWorkload } from './workloads.js';
export { StatusError } from './errors.js';
export { LogBuffer, type LogLine } from './podlogs.js';
