/** buildMetadata: origin and transformer annotations, and the managed-by label. */
import type { Resource } from './resource.js';

export function applyBuildMetadata(resources: Resource[], options: string[]): void {
  for (const r of resources) {
    if (options.includes('managedByLabel')) {
      r.setStringMap('labels', { ...r.labels(), 'app.kubernetes.io/managed-by': 'kustomize-(devel)' });
    }
    if (options.includes('originAnnotations') && r.origin) {
      const lines = [`path: ${r.origin.path}`];
      if (r.origin.repo) lines.push(`repo: ${r.origin.repo}`);
      if (r.origin.ref) lines.push(`ref: ${r.origin.ref}`);
      r.setStringMap('annotations', { ...r.annotations(), 'config.kubernetes.io/origin': `${lines.join('\n')}\n` });
    }
  }
}
