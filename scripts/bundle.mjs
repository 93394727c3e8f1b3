// Bundles only the CLI (no type declarations): the quick loop while developing.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/fluxion.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __fluxionRequire } from 'node:module';\nconst require = __fluxionRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync('dist/fluxion.js', 0o755);
