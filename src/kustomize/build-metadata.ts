/** buildMetadata: origin and transformer annotations, and the managed-by label. */
import type { Origin, Resource } from './resource.js';

const ORIGIN = 'config.kubernetes.io/origin';
const TRANSFORMATIONS = 'alpha.config.kubernetes.io/transformations';

/** An origin as kustomize writes it into an annotation: a small YAML block, field order fixed. */
function originLines(o: Origin): string[] {
  const lines: string[] = [];
  if (o.path) lines.push(`path: ${o.path}`);
  if (o.repo) lines.push(`repo: ${o.repo}`);
  if (o.ref) lines.push(`ref: ${o.ref}`);
  if (o.configuredIn) lines.push(`configuredIn: ${o.configuredIn}`);
  if (o.configuredBy) {
    lines.push('configuredBy:');
    const by = o.configuredBy;
    lines.push(`  apiVersion: ${by.apiVersion}`, `  kind: ${by.kind}`);
    if (by.name) lines.push(`  name: ${by.name}`);
    if (by.namespace) lines.push(`  namespace: ${by.namespace}`);
  }
  return lines;
}

export function applyBuildMetadata(resources: Resource[], options: string[]): void {
  for (const r of resources) {
    const annotations = r.annotations();
    let changed = false;
    if (options.includes('originAnnotations') && r.origin) {
      annotations[ORIGIN] = `${originLines(r.origin).join('\n')}\n`;
      changed = true;
    }
    if (options.includes('transformerAnnotations') && r.transformedBy.length) {
      annotations[TRANSFORMATIONS] = r.transformedBy.map((o) => originLines(o).map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)).join('\n')).join('\n') + '\n';
      changed = true;
    }
    if (changed) r.setStringMap('annotations', annotations);
    if (options.includes('managedByLabel')) {
      r.setStringMap('labels', { ...r.labels(), 'app.kubernetes.io/managed-by': 'kustomize-(devel)' });
    }
  }
}
