/**
 * Edits of a kustomization file that keep its comments and order (the `yaml` package's document
 * model): `kustomize edit set image`, and adding or removing resources.
 */
import { isMap, isSeq, parseDocument, type Document, YAMLMap, YAMLSeq } from 'yaml';
import { KustomizeError } from './errors.js';

export interface ImageSpec {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/**
 * Reads kustomize's `set image` argument forms: `NAME=NEWNAME:TAG`, `NAME=NEWNAME@DIGEST`,
 * `NAME=NEWNAME`, `NAME:TAG`, `NAME@DIGEST`. A registry port (`host:5000/app`) is not a tag.
 */
export function parseImageSpec(arg: string): ImageSpec {
  const eq = arg.indexOf('=');
  const name = eq >= 0 ? arg.slice(0, eq) : undefined;
  const ref = eq >= 0 ? arg.slice(eq + 1) : arg;
  let image = ref;
  let tag: string | undefined;
  let digest: string | undefined;
  const at = ref.indexOf('@');
  if (at >= 0) {
    image = ref.slice(0, at);
    digest = ref.slice(at + 1);
  } else {
    const colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      image = ref.slice(0, colon);
      tag = ref.slice(colon + 1);
    }
  }
  if (!image || (name !== undefined && !name) || tag === '' || digest === '') {
    throw new KustomizeError(`invalid image "${arg}": expected NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST, NAME=NEWNAME, NAME:TAG or NAME@DIGEST`);
  }
  const spec: ImageSpec = { name: name ?? image };
  if (name !== undefined) spec.newName = image;
  if (tag !== undefined) spec.newTag = tag;
  if (digest !== undefined) spec.digest = digest;
  return spec;
}

/** Writes the document back in the file's own sequence style (`- x` under a key, or indented). */
function print(doc: Document, original: string): string {
  return doc.toString({ lineWidth: 0, indentSeq: sameIndentSeq(original) !== true });
}

/** Whether the file's first block sequence under a key starts at the key's own column. */
function sameIndentSeq(text: string): boolean | undefined {
  const m = /^([ ]*)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ ]*#[^\n]*\n)*([ ]*)- /m.exec(text);
  return m ? m[1]!.length === m[2]!.length : undefined;
}

function load(text: string, file: string): Document {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) throw new KustomizeError(`${file}: ${doc.errors[0]!.message}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new KustomizeError(`${file}: a kustomization must be a mapping`);
  if (doc.contents === null) doc.contents = new YAMLMap() as never;
  return doc;
}

/** Sets images as `kustomize edit set image` does: an entry per name, updated in place or appended. */
export function setImages(text: string, specs: ImageSpec[], file = 'kustomization.yaml'): string {
  const doc = load(text, file);
  let images = doc.get('images');
  if (!isSeq(images)) {
    images = new YAMLSeq();
    doc.set('images', images);
  }
  const seq = images as YAMLSeq;
  for (const spec of specs) {
    let entry = seq.items.find((it) => isMap(it) && it.get('name') === spec.name) as YAMLMap | undefined;
    if (!entry) {
      entry = new YAMLMap();
      entry.set('name', spec.name);
      seq.items.push(entry);
    }
    if (spec.newName !== undefined) entry.set('newName', spec.newName);
    // A new tag replaces a digest and a new digest replaces a tag, as kustomize does.
    if (spec.newTag !== undefined) {
      entry.set('newTag', spec.newTag);
      if (spec.digest === undefined) entry.delete('digest');
    }
    if (spec.digest !== undefined) {
      entry.set('digest', spec.digest);
      if (spec.newTag === undefined) entry.delete('newTag');
    }
  }
  return print(doc, text);
}

/** Adds entries to a list field (resources, components) unless present; returns the new text. */
export function addToList(text: string, field: string, entries: string[], file = 'kustomization.yaml'): string {
  const doc = load(text, file);
  let list = doc.get(field);
  if (!isSeq(list)) {
    list = new YAMLSeq();
    doc.set(field, list);
  }
  const seq = list as YAMLSeq;
  const present = new Set(seq.items.map((it) => String((it as { value?: unknown }).value ?? it)));
  for (const e of entries) if (!present.has(e)) seq.add(e);
  return print(doc, text);
}

/** Removes entries from a list field; an entry that is not there is an error naming it. */
export function removeFromList(text: string, field: string, entries: string[], file = 'kustomization.yaml'): string {
  const doc = load(text, file);
  const list = doc.get(field);
  const seq = isSeq(list) ? list : undefined;
  for (const e of entries) {
    const i = seq ? seq.items.findIndex((it) => String((it as { value?: unknown }).value ?? it) === e) : -1;
    if (i < 0) throw new KustomizeError(`${file}: '${e}' is not in ${field}`);
    seq!.items.splice(i, 1);
  }
  return print(doc, text);
}
