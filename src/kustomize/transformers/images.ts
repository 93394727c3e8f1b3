/** The images field: new names, tags and digests for matching container images. */
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import { KustomizeError } from '../errors.js';
import { goFields } from '../gofields.js';
import { type FieldSpec, visitFieldSpec } from '../fieldspec.js';
import type { ResMap } from '../resmap.js';

export interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export function readImageRule(v: Value, where: string): ImageRule {
  if (!isMap(v)) throw new KustomizeError(`${where}: an image entry must be a mapping`);
  v = goFields(v, ['name', 'newName', 'newTag', 'digest', 'tagSuffix']);
  const str = (key: string): string | undefined => {
    const x = v[key];
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'string') {
      throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${typeof x === 'boolean' ? 'bool' : 'number'} into Go struct field Image.images.${key} of type string`);
    }
    return x;
  };
  return { name: str('name') ?? '', newName: str('newName'), newTag: str('newTag'), digest: str('digest') };
}

/** Splits an image reference into name, tag and digest, ignoring a registry's port. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf('/');
  const offset = slash > 0 ? slash : 0;
  const search = image.slice(offset);
  const at = search.indexOf('@');
  const colon = search.indexOf(':');
  if (colon < 0 && at < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0)) {
    return { name: image.slice(0, offset + at), tag: '', digest: image.slice(offset + at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    return { name: image.slice(0, offset + colon), tag: image.slice(offset + colon + 1, offset + at), digest: image.slice(offset + at + 1) };
  }
  return { name: image.slice(0, offset + colon), tag: image.slice(offset + colon + 1), digest: '' };
}

const matcherCache = new Map<string, RegExp>();

/** kustomize matches the rule's name as a regular expression, then an optional tag or digest. */
export function imageMatches(image: string, name: string): boolean {
  let re = matcherCache.get(name);
  if (re === undefined) {
    try {
      re = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
    } catch (e) {
      // kustomize v5.5 crashes on an image name that is not a valid expression; say why instead.
      throw new KustomizeError(`invalid image name "${name}": not a valid regular expression: ${(e as Error).message}`);
    }
    matcherCache.set(name, re);
  }
  return re.test(image);
}

export function updateImage(image: string, rule: ImageRule): string {
  let { name, tag, digest } = splitImage(image);
  if (rule.newName) name = rule.newName;
  if (rule.newTag && rule.digest) {
    tag = rule.newTag;
    digest = rule.digest;
  } else if (rule.newTag) {
    tag = rule.newTag;
    digest = '';
  } else if (rule.digest) {
    tag = '';
    digest = rule.digest;
  }
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

function updateContainers(list: Value, rule: ImageRule): void {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (isMap(c) && typeof c.image === 'string' && imageMatches(c.image, rule.name)) c.image = updateImage(c.image, rule);
  }
}

/** Every containers/initContainers list anywhere in the object, as kustomize's legacy image filter finds them. */
function walkContainers(v: Value, rule: ImageRule): void {
  if (Array.isArray(v)) {
    for (const x of v) walkContainers(x, rule);
  } else if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'containers' || k === 'initContainers') updateContainers(x, rule);
      walkContainers(x, rule);
    }
  }
}

export function setImages(resources: ResMap, rules: ImageRule[], fieldSpecs: FieldSpec[]): void {
  for (const rule of rules) {
    for (const r of resources.list()) {
      walkContainers(r.obj as ValueMap, rule);
      for (const fs of fieldSpecs) {
        visitFieldSpec(r.obj, r.gvk, fs, (ref) => {
          const v = ref.get();
          if (typeof v === 'string' && imageMatches(v, rule.name)) ref.set(updateImage(v, rule));
        });
      }
    }
  }
}
