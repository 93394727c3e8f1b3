/** namePrefix and nameSuffix. */
import type { FieldSpec } from '../fieldspec.js';
import { fieldSpecApplies, visitFieldSpec } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';
import type { Resource } from '../resource.js';

// kustomize never renames these: their names are fixed by the API or by other objects.
function skipsRename(r: Resource): boolean {
  const { group, kind } = r.originalId.gvk;
  return kind === 'CustomResourceDefinition' || kind === 'Namespace' || (kind === 'APIService' && group === 'apiregistration.k8s.io');
}

export function addNamePrefixSuffix(resources: ResMap, affix: { prefix?: string; suffix?: string }, fieldSpecs: FieldSpec[]): void {
  const prefix = affix.prefix ?? '';
  const suffix = affix.suffix ?? '';
  for (const r of resources.list()) {
    if (skipsRename(r)) continue;
    const orgGvk = r.originalId.gvk;
    for (const fs of fieldSpecs) {
      if (!fieldSpecApplies(fs, orgGvk)) continue;
      if (fs.path === 'metadata/name') {
        if (affix.prefix !== undefined) r.namePrefixes.push(prefix);
        if (affix.suffix !== undefined) r.nameSuffixes.push(suffix);
        if (prefix !== '' || suffix !== '') r.rememberId();
      }
      visitFieldSpec(r.obj, r.gvk, fs, (ref) => {
        const v = ref.get();
        if (typeof v === 'string' || typeof v === 'number') ref.set(`${prefix}${v}${suffix}`);
      });
    }
  }
}
