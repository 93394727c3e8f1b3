/**
 * Validation of object metadata with the API server's messages: names, labels,
 * annotations (256 KiB in all), finalizers and owner references.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { fieldErrors, type FieldError } from './errors.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

/** How each built-in kind's names are checked (most are DNS subdomains). */
export function nameRuleFor(group: string, kind: string): NameRule {
  if (group === '' && kind === 'Namespace') return 'label';
  if (group === '' && kind === 'Service') return 'dns1035';
  if (group === 'rbac.authorization.k8s.io') return 'path';
  return 'subdomain';
}

export function validateName(name: string, rule: NameRule, field = 'metadata.name'): FieldError[] {
  const errs: FieldError[] = [];
  switch (rule) {
    case 'subdomain':
      if (name.length > 253) errs.push(fieldErrors.invalid(field, name, 'must be no more than 253 characters'));
      if (!DNS1123_SUBDOMAIN.test(name)) errs.push(fieldErrors.invalid(field, name, SUBDOMAIN_MSG));
      break;
    case 'label':
      if (name.length > 63) errs.push(fieldErrors.invalid(field, name, 'must be no more than 63 characters'));
      if (!DNS1123_LABEL.test(name)) errs.push(fieldErrors.invalid(field, name, LABEL_MSG));
      break;
    case 'dns1035':
      if (name.length > 63) errs.push(fieldErrors.invalid(field, name, 'must be no more than 63 characters'));
      if (!DNS1035_LABEL.test(name)) errs.push(fieldErrors.invalid(field, name, DNS1035_MSG));
      break;
    case 'path':
      if (name === '.' || name === '..') errs.push(fieldErrors.invalid(field, name, `may not be '${name}'`));
      for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(fieldErrors.invalid(field, name, `may not contain '${bad}'`));
      break;
  }
  return errs;
}

function validateQualifiedName(key: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push(fieldErrors.invalid(field, key, 'prefix part must be non-empty'));
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) errs.push(fieldErrors.invalid(field, key, `prefix part ${SUBDOMAIN_MSG}`));
  } else if (parts.length > 2) {
    errs.push(fieldErrors.invalid(field, key, "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
    return errs;
  }
  if (name.length === 0) errs.push(fieldErrors.invalid(field, key, 'name part must be non-empty'));
  else if (name.length > 63) errs.push(fieldErrors.invalid(field, key, 'name part must be no more than 63 characters'));
  else if (!QUALIFIED_NAME.test(name)) errs.push(fieldErrors.invalid(field, key, QUALIFIED_MSG));
  return errs;
}

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateMetadata(meta: ValueMap): FieldError[] {
  const errs: FieldError[] = [];
  const labels = meta.labels;
  if (labels !== undefined && labels !== null) {
    if (!isMap(labels)) errs.push(fieldErrors.invalid('metadata.labels', labels, 'must be a map'));
    else {
      for (const [k, v] of Object.entries(labels)) {
        errs.push(...validateQualifiedName(k, 'metadata.labels'));
        const s = typeof v === 'string' ? v : String(v);
        if (s.length > 63) errs.push(fieldErrors.invalid('metadata.labels', s, 'must be no more than 63 characters'));
        if (!LABEL_VALUE.test(s)) errs.push(fieldErrors.invalid('metadata.labels', s, LABEL_VALUE_MSG));
      }
    }
  }
  const ann = meta.annotations;
  if (isMap(ann)) {
    let size = 0;
    for (const [k, v] of Object.entries(ann)) {
      errs.push(...validateQualifiedName(k.toLowerCase(), 'metadata.annotations'));
      size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
    }
    if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldErrors.tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE_LIMIT));
  }
  const finalizers = meta.finalizers;
  if (Array.isArray(finalizers)) {
    finalizers.forEach((f, i) => {
      if (typeof f !== 'string') return;
      errs.push(...validateQualifiedName(f, `metadata.finalizers[${i}]`));
    });
  }
  const owners = meta.ownerReferences;
  if (Array.isArray(owners)) {
    owners.forEach((o: Value) => {
      if (!isMap(o)) return;
      for (const f of ['apiVersion', 'kind', 'name', 'uid']) {
        if (typeof o[f] !== 'string' || o[f] === '') errs.push(fieldErrors.invalid(`metadata.ownerReferences.${f}`, o[f] ?? '', `${f} must not be empty`));
      }
    });
    const controllers = owners.filter((o) => isMap(o) && o.controller === true).length;
    if (controllers > 1) errs.push(fieldErrors.invalid('metadata.ownerReferences', owners, 'Only one reference can have Controller set to true'));
  }
  return errs;
}
