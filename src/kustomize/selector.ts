/** kustomize's resource selectors: GVK, anchored-regex name and namespace, label and annotation selectors. */
import type { Resource } from './resource.js';
import { KustomizeError } from './errors.js';
import { gvkSelects } from './resid.js';

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' };

/** Parses a Kubernetes label selector string: `a=b,c!=d,e in (x,y),f notin (z),g,!h`. */
export function parseLabelSelector(text: string): Requirement[] {
  const out: Requirement[] = [];
  let i = 0;
  const s = text;
  const skipWs = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const readKey = () => {
    skipWs();
    const start = i;
    while (i < s.length && !/[\s,=!()]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    if (i >= s.length) break;
    if (s[i] === '!') {
      i++;
      const key = readKey();
      if (!key) throw new KustomizeError(`invalid label selector "${text}"`);
      out.push({ key, op: '!' });
    } else {
      const key = readKey();
      if (!key) throw new KustomizeError(`invalid label selector "${text}"`);
      skipWs();
      if (s.startsWith('!=', i)) {
        i += 2;
        out.push({ key, op: 'notin', values: [readKey()] });
      } else if (s.startsWith('==', i)) {
        i += 2;
        out.push({ key, op: 'in', values: [readKey()] });
      } else if (s[i] === '=') {
        i += 1;
        out.push({ key, op: 'in', values: [readKey()] });
      } else if (/^(in|notin)\s*\(/.test(s.slice(i))) {
        const op = s.startsWith('notin', i) ? 'notin' : 'in';
        i = s.indexOf('(', i) + 1;
        const close = s.indexOf(')', i);
        if (close < 0) throw new KustomizeError(`invalid label selector "${text}": missing ")"`);
        const values = s.slice(i, close).split(',').map((v) => v.trim());
        i = close + 1;
        out.push({ key, op, values });
      } else {
        out.push({ key, op: 'exists' });
      }
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') throw new KustomizeError(`invalid label selector "${text}"`);
      i++;
    }
  }
  return out;
}

export function matchesSelector(requirements: Requirement[], labels: Record<string, string>): boolean {
  for (const r of requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(labels[r.key]!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(labels[r.key]!)) return false;
        break;
    }
  }
  return true;
}

function anchored(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw new KustomizeError(`invalid regular expression in selector: ${pattern}: ${(e as Error).message}`);
  }
}

/** A compiled selector; names and namespaces match the original or the current id. */
export function compileSelector(sel: Selector): (r: Resource) => boolean {
  const name = anchored(sel.name);
  const namespace = anchored(sel.namespace);
  const labels = sel.labelSelector ? parseLabelSelector(sel.labelSelector) : undefined;
  const annotations = sel.annotationSelector ? parseLabelSelector(sel.annotationSelector) : undefined;
  return (r) => {
    const cur = r.id;
    const org = r.originalId;
    if (namespace && !namespace.test(effectiveNs(org.namespace)) && !namespace.test(effectiveNs(cur.namespace))) return false;
    if (name && !name.test(org.name) && !name.test(cur.name)) return false;
    // Group, version and kind match exactly; an empty one matches any.
    if (!gvkSelects(sel, cur.gvk)) return false;
    if (labels && !matchesSelector(labels, r.labels())) return false;
    if (annotations && !matchesSelector(annotations, r.annotations())) return false;
    return true;
  };
}

function effectiveNs(ns: string): string {
  return ns || 'default';
}
