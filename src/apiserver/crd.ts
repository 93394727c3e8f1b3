/**
 * CustomResourceDefinitions: their defaults and validation, the resource types a CRD
 * serves (every served version, `None` conversion, its structural schema with ObjectMeta
 * for `metadata`), and the status the apiextensions controllers would write.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { resolveKubeSchema, type OpenApiSchema } from '../schema/kube/index.js';
import { fieldErrors, type FieldError } from './errors.js';
import type { PrinterColumn, ResourceType, ScaleInfo, SubresourceInfo } from './registry.js';

const OBJECT_META = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

function str(v: Value | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** The defaults the apiextensions API gives a CRD. */
export function defaultCrd(crd: ValueMap): void {
  const spec = isMap(crd.spec) ? crd.spec : (crd.spec = {});
  const names = isMap(spec.names) ? spec.names : (spec.names = {});
  if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
  if (!names.listKind && typeof names.kind === 'string') names.listKind = `${names.kind}List`;
  if (!isMap(spec.conversion)) spec.conversion = { strategy: 'None' };
  if (Array.isArray(spec.versions)) {
    for (const v of spec.versions) {
      if (!isMap(v)) continue;
      if (isMap(v.schema) && isMap(v.schema.openAPIV3Schema)) {
        // nothing to default inside schemas
      }
    }
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateCrd(crd: ValueMap): FieldError[] {
  const errs: FieldError[] = [];
  const meta = isMap(crd.metadata) ? crd.metadata : {};
  const spec = isMap(crd.spec) ? crd.spec : {};
  const names = isMap(spec.names) ? spec.names : {};
  const group = str(spec.group);
  const plural = str(names.plural);
  if (!group) errs.push(fieldErrors.required('spec.group'));
  else if (!group.includes('.')) errs.push(fieldErrors.invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (!plural) errs.push(fieldErrors.required('spec.names.plural'));
  else if (!DNS1123_LABEL.test(plural)) errs.push(fieldErrors.invalid('spec.names.plural', plural, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
  if (!str(names.kind)) errs.push(fieldErrors.required('spec.names.kind'));
  if (group && plural && str(meta.name) !== `${plural}.${group}`) {
    errs.push(fieldErrors.invalid('metadata.name', str(meta.name), 'must be spec.names.plural+"."+spec.group'));
  }
  const scope = str(spec.scope);
  if (scope !== 'Namespaced' && scope !== 'Cluster') errs.push(fieldErrors.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) errs.push(fieldErrors.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  let storage = 0;
  versions.forEach((v, i) => {
    if (!isMap(v)) return;
    if (v.storage === true) storage++;
    if (!str(v.name)) errs.push(fieldErrors.required(`spec.versions[${i}].name`));
    if (!isMap(v.schema) || !isMap(v.schema.openAPIV3Schema)) {
      errs.push(fieldErrors.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    }
  });
  if (versions.length > 0 && storage !== 1) errs.push(fieldErrors.invalid('spec.versions', versions.length, 'must have exactly one version marked as storage version'));
  return errs;
}

/** The version objects are stored in. */
export function storageVersionOf(crd: ValueMap): string {
  const spec = isMap(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  const v = versions.find((x) => isMap(x) && x.storage === true) as ValueMap | undefined;
  return `${str(spec.group)}/${str(v?.name) || str((versions[0] as ValueMap | undefined)?.name)}`;
}

/** The schema of a custom resource's root: apiVersion, kind, ObjectMeta, then the CRD's. */
function rootSchema(schema: OpenApiSchema | undefined): OpenApiSchema {
  const s: OpenApiSchema = schema ? { ...schema } : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  s.properties = { ...(s.properties ?? {}) };
  s.properties.apiVersion = { type: 'string' };
  s.properties.kind = { type: 'string' };
  s.properties.metadata = { $ref: OBJECT_META };
  s.type = 'object';
  return s;
}

/** CRD schemas have no references; only the injected ObjectMeta needs the built-in table. */
function resolveCustom(s: OpenApiSchema): OpenApiSchema {
  return s.$ref !== undefined ? resolveKubeSchema(s) : s;
}

export function typesFromCrd(crd: ValueMap): ResourceType[] {
  const meta = isMap(crd.metadata) ? crd.metadata : {};
  const spec = isMap(crd.spec) ? crd.spec : {};
  const names = isMap(spec.names) ? spec.names : {};
  const group = str(spec.group);
  const kind = str(names.kind);
  const plural = str(names.plural);
  const namespaced = spec.scope !== 'Cluster';
  const storageVersion = storageVersionOf(crd);
  const out: ResourceType[] = [];
  for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
    if (!isMap(v) || v.served !== true) continue;
    const version = str(v.name);
    const subs = isMap(v.subresources) ? v.subresources : {};
    const subresources: SubresourceInfo[] = [];
    if (isMap(subs.status)) subresources.push({ name: 'status', group, version, kind, verbs: ['get', 'patch', 'update'] });
    let scale: ScaleInfo | undefined;
    if (isMap(subs.scale)) {
      subresources.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
      scale = {
        specReplicasPath: str(subs.scale.specReplicasPath),
        statusReplicasPath: str(subs.scale.statusReplicasPath),
        labelSelectorPath: str(subs.scale.labelSelectorPath) || undefined,
      };
    }
    const schema = isMap(v.schema) && isMap(v.schema.openAPIV3Schema) ? (v.schema.openAPIV3Schema as OpenApiSchema) : undefined;
    const columns: PrinterColumn[] = Array.isArray(v.additionalPrinterColumns)
      ? v.additionalPrinterColumns.filter(isMap).map((c) => ({
          name: str(c.name),
          type: str(c.type),
          format: str(c.format) || undefined,
          description: str(c.description) || undefined,
          priority: typeof c.priority === 'number' ? c.priority : 0,
          jsonPath: str(c.jsonPath),
        }))
      : [];
    const selectable = Array.isArray(v.selectableFields) ? v.selectableFields.filter(isMap).map((f) => str(f.jsonPath).replace(/^\./, '')) : [];
    out.push({
      group,
      version,
      kind,
      listKind: str(names.listKind) || `${kind}List`,
      plural,
      singular: str(names.singular) || kind.toLowerCase(),
      namespaced,
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
      categories: Array.isArray(names.categories) ? names.categories.map(String) : [],
      subresources,
      storage: `${group}/${plural}`,
      storageVersion,
      schema: rootSchema(schema),
      definitionName: `${group.split('.').reverse().join('.')}.${version}.${kind}`,
      resolve: resolveCustom,
      builtin: false,
      hasGeneration: true,
      review: false,
      crd: { name: str(meta.name), uid: str(meta.uid), printerColumns: columns, selectableFields: selectable, scale },
    });
  }
  return out;
}

/** The status the CRD controllers report for an accepted, established definition. */
export function establishedStatus(crd: ValueMap, now: string, previous: Value | undefined): ValueMap {
  const spec = isMap(crd.spec) ? crd.spec : {};
  const names = isMap(spec.names) ? { ...spec.names } : {};
  const prev = isMap(previous) ? previous : {};
  const prevConditions = Array.isArray(prev.conditions) ? prev.conditions.filter(isMap) : [];
  const cond = (type: string, reason: string, message: string): ValueMap => {
    const old = prevConditions.find((c) => c.type === type);
    return {
      type,
      status: 'True',
      lastTransitionTime: old && old.status === 'True' ? (old.lastTransitionTime as string) : now,
      reason,
      message,
    };
  };
  const stored = new Set<string>(Array.isArray(prev.storedVersions) ? prev.storedVersions.map(String) : []);
  stored.add(storageVersionOf(crd).split('/')[1]!);
  return {
    conditions: [cond('NamesAccepted', 'NoConflicts', 'no conflicts found'), cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted')],
    acceptedNames: names,
    storedVersions: [...stored],
  };
}
