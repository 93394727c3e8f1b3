/**
 * Fluxion's controller Deployments run in process by `fluxion cluster` (a WorkloadRunner the
 * CLI plugs into the local cluster, so that the cluster itself never imports controllers).
 */
export { ControllerRunner, type ClusterEndpoint, type ControllerRunnerOptions } from './runner.js';
export { controllerContainer, controllerLaunch, expandReferences, imageRepository, type ControllerLaunch } from './container.js';
