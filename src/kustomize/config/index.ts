/** kustomize's transformer configuration: defaults, `configurations:` files, `crds:` files, merging. */
export {
  type NameBackReference,
  type TransformerConfig,
  emptyTransformerConfig,
  copyTransformerConfig,
  gvkLess,
  gvkSelectedBy,
} from './types.js';
export { defaultTransformerConfig } from './defaults.js';
export { mergeTransformerConfig, mergeFieldSpecList, mergeBackReferences, sortTransformerConfig } from './merge.js';
export { parseTransformerConfig } from './parse.js';
export { configFromCrds } from './crds.js';
export { goSort } from './gosort.js';
