// Builds what the package ships: the bundled CLI (scripts/bundle.mjs) and the library entry
// points with their type declarations (tsc).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await import('./bundle.mjs');
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
