// Bundles the CLI into dist/fluxion.js, each verb's code in a chunk loaded on use, so that a small
// build starts in tens of milliseconds. Alone, it is the quick loop while developing.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
rmSync('dist/chunks', { recursive: true, force: true });
await build({
  entryPoints: { fluxion: 'src/cli/main.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __fluxionRequire } from 'node:module';\nconst require = __fluxionRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync('dist/fluxion.js', 0o755);
