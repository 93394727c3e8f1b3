// Bundles the CLI into one file so that a small build starts in tens of milliseconds,
// and emits the library entry points with their type declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
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
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
