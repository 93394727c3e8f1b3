/**
 * A second real client: Debian's python3-kubernetes (its dynamic client) runs its own suite,
 * test/apiserver/python/suite.py, against a local cluster. Skips with a message when no
 * python3 on this machine can `import kubernetes` (`apt-get install -y python3-kubernetes`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startCluster } from './helpers.js';

/** The first python3 that has the kubernetes package (a pyenv shim may shadow Debian's). */
function findPython(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(candidate, ['-c', 'import kubernetes'], { stdio: 'ignore' });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

const python = findPython();
const skip = python ? false : 'python3 -c "import kubernetes" fails: install Debian\'s python3-kubernetes (apt-get install -y python3-kubernetes); skipped';

test('python3-kubernetes: discovery, CRDs, watch, server-side apply, paging, field selectors, cascading delete, scale', { skip, timeout: 180_000 }, async () => {
  const c = await startCluster({ rolloutDelayMs: 50 });
  try {
    const env = { ...process.env, KUBECONFIG: c.kubeconfig, DISCOVERY_CACHE: join(c.dir, 'discovery.json'), HOME: c.dir, PYTHONDONTWRITEBYTECODE: '1' };
    const script = join(import.meta.dirname, 'python', 'suite.py');
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve, reject) => {
      const child = spawn(python!, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ code: status ?? -1, out });
      });
    });
    assert.equal(code, 0, out);
    const lines = out.split('\n');
    assert.deepEqual(
      lines.filter((l) => /^(not )?ok - /.test(l)),
      [
        'ok - discovery finds every group and kind',
        'ok - create get list patch delete configmaps',
        'ok - custom resource definitions are served and validated',
        'ok - watch streams every change in order',
        'ok - server side apply owns fields and reports conflicts',
        'ok - lists page with limit and continue',
        'ok - field selectors and deletion propagation',
      ],
    );
    process.stderr.write(`  python3-kubernetes: ${lines.find((l) => l.includes('kinds discovered'))?.trim() ?? ''}\n`);
  } finally {
    await c.stop();
  }
});
