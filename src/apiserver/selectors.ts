/**
 * Label and field selectors as list and watch requests pass them (`labelSelector=`,
 * `fieldSelector=`), and the structured LabelSelector objects workloads carry.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { badRequest } from './errors.js';

export type LabelOperator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  op: LabelOperator;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

const KEY_CHARS = /[A-Za-z0-9._\-/]/;

/** Parses the string form (`app=web,tier in (a,b),!legacy`); an empty string selects everything. */
export function parseLabelSelector(text: string): LabelSelector {
  const reqs: LabelSelector = [];
  let i = 0;
  const fail = (why: string): never => {
    throw badRequest(`unable to parse requirement: ${why}`);
  };
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const word = (): string => {
    skip();
    const start = i;
    while (i < text.length && KEY_CHARS.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  while (true) {
    skip();
    if (i >= text.length) break;
    if (text[i] === '!') {
      i++;
      const key = word();
      if (!key) fail(`found '${text[i] ?? ''}', expected: identifier`);
      reqs.push({ key, op: '!', values: [] });
    } else {
      const key = word();
      if (!key) fail(`found '${text[i]}', expected: !, identifier, or 'end of string'`);
      skip();
      if (i >= text.length || text[i] === ',') {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (text.startsWith('==', i) || text.startsWith('!=', i) || text[i] === '=') {
        const op = text.startsWith('!=', i) ? '!=' : '=';
        i += text.startsWith('==', i) || op === '!=' ? 2 : 1;
        reqs.push({ key, op, values: [word()] });
      } else if (text[i] === '>' || text[i] === '<') {
        const op = text[i] === '>' ? 'gt' : 'lt';
        i++;
        const v = word();
        if (!/^-?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op, values: [v] });
      } else {
        const opWord = word();
        if (opWord !== 'in' && opWord !== 'notin') fail(`found '${opWord}', expected: in, notin, =, ==, !=, gt, lt`);
        skip();
        if (text[i] !== '(') fail(`found '${text[i] ?? ''}', expected: '('`);
        i++;
        const values: string[] = [];
        while (true) {
          values.push(word());
          skip();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ')') {
            i++;
            break;
          }
          fail(`found '${text[i] ?? ''}', expected: ',', ')' or identifier`);
        }
        reqs.push({ key, op: opWord as LabelOperator, values });
      }
    }
    skip();
    if (i < text.length) {
      if (text[i] !== ',') fail(`found '${text[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return reqs;
}

export function labelsOf(obj: ValueMap): Record<string, string> {
  const meta = obj.metadata;
  if (isMap(meta) && isMap(meta.labels)) return meta.labels as Record<string, string>;
  return {};
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case '=':
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const want = Number(r.values[0]);
        if (r.op === 'gt' ? !(n > want) : !(n < want)) return false;
        break;
      }
    }
  }
  return true;
}

/**
 * The structured selector (matchLabels, matchExpressions) as requirements. An absent selector
 * matches nothing and an empty one everything, which callers decide before calling this.
 */
export function fromLabelSelectorObject(sel: Value): LabelSelector {
  const reqs: LabelSelector = [];
  if (!isMap(sel)) return reqs;
  if (isMap(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) reqs.push({ key: k, op: '=', values: [String(v)] });
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isMap(e)) continue;
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      const key = String(e.key ?? '');
      switch (e.operator) {
        case 'In':
          reqs.push({ key, op: 'in', values });
          break;
        case 'NotIn':
          reqs.push({ key, op: 'notin', values });
          break;
        case 'Exists':
          reqs.push({ key, op: 'exists', values: [] });
          break;
        case 'DoesNotExist':
          reqs.push({ key, op: '!', values: [] });
          break;
      }
    }
  }
  return reqs;
}

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

/** Parses `metadata.name=x,status.phase!=Running` (backslash escapes `,` `=` `!` and `\`). */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  if (text.trim() === '') return out;
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[++i];
    } else if (c === ',') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  for (const part of parts) {
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    out.push({ field: m[1]!.trim(), negate: m[2] === '!=', value: m[3]!.replace(/\\(.)/g, '$1') });
  }
  return out;
}

/** The value of a dotted field path in an object, as a field selector compares it (a string). */
export function fieldValue(obj: ValueMap, path: string): string {
  let cur: Value | undefined = obj;
  for (const p of path.split('.')) {
    if (!isMap(cur)) return '';
    cur = cur[p];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: ValueMap): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if ((v === r.value) === r.negate) return false;
  }
  return true;
}

/**
 * The string form of requirements as apimachinery prints a selector: sorted by key, set
 * values sorted, `k=v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`.
 */
export function formatLabelSelector(sel: LabelSelector): string {
  const parts = [...sel]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => {
      switch (r.op) {
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case '=':
          return `${r.key}=${r.values[0] ?? ''}`;
        case '!=':
          return `${r.key}!=${r.values[0] ?? ''}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${[...r.values].sort().join(',')})`;
        case 'gt':
          return `${r.key}>${r.values[0] ?? ''}`;
        case 'lt':
          return `${r.key}<${r.values[0] ?? ''}`;
      }
    });
  return parts.join(',');
}

/** metav1.FormatLabelSelector: a structured selector's string form, "<none>" when it selects everything or nothing. */
export function labelSelectorText(sel: Value | undefined): string {
  const text = isMap(sel) ? formatLabelSelector(fromLabelSelectorObject(sel)) : '';
  return text === '' ? '<none>' : text;
}

/** labels.FormatLabels: a label map as sorted `k=v` pairs, "<none>" when empty. */
export function labelMapText(map: Value | undefined): string {
  if (!isMap(map)) return '<none>';
  const keys = Object.keys(map).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${String(map[k])}`).join(',');
}
