/** What one build shares across its kustomizations: warnings, the OpenAPI schemas, limits. */
import { parseAllDocuments } from '../yaml/parse.js';
import type { ValueMap } from '../yaml/types.js';
import { SchemaSet, defaultSchemaSet } from '../schema/index.js';
import { KustomizeError } from './errors.js';
import type { Loader } from './loader.js';

const BUILTIN_OPENAPI_VERSIONS = new Set(['v1.21.2']);

export class BuildContext {
  warnings: string[] = [];
  schemas: SchemaSet = defaultSchemaSet();
  maxAliasExpansion = 100_000;
  /** Whether transformers are recorded on resources (buildMetadata: [transformerAnnotations]). */
  trackTransformers = false;
  private openApiChosen = false;

  /**
   * A kustomization's `openapi` field: a custom schema file or a built-in version. Like kustomize,
   * the first one named in the build (the outermost kustomization's) stays in force.
   */
  useOpenApi(openapi: ValueMap, loader: Loader): void {
    if (this.openApiChosen) return;
    this.openApiChosen = true;
    const file = openapi.path;
    const version = openapi.version;
    if (file !== undefined && version !== undefined) throw new KustomizeError('builtin version and custom schema provided, cannot use both');
    if (version !== undefined) {
      if (!BUILTIN_OPENAPI_VERSIONS.has(String(version))) throw new KustomizeError('the specified OpenAPI version is not built in');
      this.schemas = defaultSchemaSet();
      return;
    }
    if (typeof file === 'string') {
      const text = loader.load(file).toString('utf8');
      const docs = parseAllDocuments(text, { filename: file, maxAliasExpansion: this.maxAliasExpansion });
      // A custom schema replaces the built-in kinds, as in kustomize (see SchemaSet.customDocument).
      const [first, ...rest] = docs.filter((d) => d !== null);
      let set = SchemaSet.customDocument(first ?? {});
      for (const doc of rest) set = set.withDocument(doc);
      this.schemas = set;
    }
  }
}
