/**
 * The subset of Kubernetes JSONPath that printer columns use: `.a.b`, `[0]`, `[*]`,
 * `['key']` and filters `[?(@.type=="Ready")]`. Results are the matched values.
 */
import { isMap, type Value } from '../yaml/types.js';

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; value: string } };

function parse(path: string): Step[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '.') {
      i++;
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      if (j > i) steps.push({ field: p.slice(i, j) });
      i = j;
    } else if (c === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) break;
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ field: inner.slice(1, -1) });
      else {
        const m = /^\?\(@((?:\.[^=!<>\s]+)+)\s*==\s*(?:"([^"]*)"|'([^']*)'|(\S+))\)$/.exec(inner);
        if (m) steps.push({ filter: { path: m[1]!.slice(1).split('.'), value: m[2] ?? m[3] ?? m[4]! } });
      }
    } else {
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      steps.push({ field: p.slice(i, j) });
      i = j;
    }
  }
  return steps;
}

export function evalJsonPath(obj: Value, path: string): Value[] {
  let cur: Value[] = [obj];
  for (const step of parse(path)) {
    const next: Value[] = [];
    for (const v of cur) {
      if ('field' in step) {
        if (isMap(v) && v[step.field] !== undefined) next.push(v[step.field]!);
      } else if ('index' in step) {
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (v[i] !== undefined) next.push(v[i]!);
        }
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...v);
        else if (isMap(v)) next.push(...Object.values(v));
      } else {
        if (!Array.isArray(v)) continue;
        for (const item of v) {
          let x: Value | undefined = item;
          for (const f of step.filter.path) x = isMap(x) ? x[f] : undefined;
          if (x !== undefined && String(x) === step.filter.value) next.push(item);
        }
      }
    }
    cur = next;
  }
  return cur;
}
