/**
 * Flux's API kinds as TypeScript types and OpenAPI schemas, and the CRDs and install
 * manifests generated from them (never written twice).
 */
export * from './openapi.js';
export * from './meta.js';
export * from './source.js';
export * from './kustomize.js';
export { installManifests, allCrds, COMPONENTS, DEFAULT_COMPONENTS, type InstallOptions } from './install.js';
