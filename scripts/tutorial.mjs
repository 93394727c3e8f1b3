// `npm run tutorial`: GitOps on this machine in one command. Starts the local cluster `beta` and
// a local git server, pushes the example monorepo (examples/tutorial) to it, bootstraps Fluxion
// from it, waits for every Kustomization, and prints what runs. Both servers stay up so that
// the README can walk through the same steps by hand. Rerunning reuses what is running and
// brings the repository back to the example's content (the bootstrap's files are kept).
//
// Uses dist/fluxion.js (built by `npm ci`), git and kubectl; state only under $FLUXION_HOME
// (default ~/.fluxion) and in the kubeconfig (a context `beta`, made current).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FLUXION = join(ROOT, 'dist', 'fluxion.js');
// The tests run the script against the sources: a JSON argv to run instead of dist/fluxion.js.
const FLUXION_ARGV = process.env.FLUXION_TUTORIAL_CLI ? JSON.parse(process.env.FLUXION_TUTORIAL_CLI) : [process.execPath, FLUXION];
const EXAMPLE = join(ROOT, 'examples', 'tutorial');
const CLUSTER = 'beta';
const REPOSITORY = 'tutorial.git';
const BRANCH = 'main';
const PATH_IN_REPO = 'clusters/beta';
const KUSTOMIZATIONS = ['flux-system', 'infrastructure', 'applications'];
// The git server asks for credentials, as a forge would: the bootstrap then syncs over HTTP
// with a Secret holding them (token auth), and the example's source uses the same Secret.
// It listens on 127.0.0.1 only; these are the tutorial's, printed in the README.
const GIT_USERNAME = 'tutorial';
const GIT_PASSWORD = 'gitops-tutorial';
const WAIT_MS = Number(process.env.TUTORIAL_TIMEOUT_MS || 5 * 60_000);

const say = {
  action: (m) => process.stderr.write(`► ${m}\n`),
  success: (m) => process.stderr.write(`✔ ${m}\n`),
  waiting: (m) => process.stderr.write(`◎ ${m}\n`),
  failure: (m) => process.stderr.write(`✗ ${m}\n`),
  plain: (m) => process.stderr.write(`${m}\n`),
};

class StepError extends Error {}

/** git without the user's configuration (signing, hooks, templates) and with a fixed author. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Fluxion tutorial',
  GIT_AUTHOR_EMAIL: 'tutorial@fluxion.invalid',
  GIT_COMMITTER_NAME: 'Fluxion tutorial',
  GIT_COMMITTER_EMAIL: 'tutorial@fluxion.invalid',
  // Credentials through git's configuration in the environment: not in argv, URLs or files.
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'http.extraHeader',
  GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`${GIT_USERNAME}:${GIT_PASSWORD}`).toString('base64')}`,
};

/**
 * Runs a command; stdout is returned (or shown with `show`), stderr is shown as it comes
 * unless `quiet` (then it goes into the error message on failure).
 */
function run(cmd, args, { cwd, env = process.env, show = false, quiet = false, allowFail = false, label = [cmd, ...args].join(' ') } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', show ? 'inherit' : 'pipe', quiet ? 'pipe' : 'inherit'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', (e) => reject(new StepError(e.code === 'ENOENT' ? `${cmd} is not installed (or not on PATH)` : `${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0 || allowFail) resolve({ code, stdout, stderr });
      else reject(new StepError(`${label} failed (exit code ${code})${stderr.trim() ? `:\n${stderr.trim()}` : ''}`));
    });
  });
}

const fluxion = (args, opts) => run(FLUXION_ARGV[0], [...FLUXION_ARGV.slice(1), ...args], { label: `fluxion ${args.join(' ')}`, ...opts });
const git = (args, cwd, opts = {}) => run('git', args, { cwd, env: GIT_ENV, quiet: true, ...opts });
const kubectl = (args, opts) => run('kubectl', ['--context', CLUSTER, ...args], opts);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function prerequisites() {
  if (!process.env.FLUXION_TUTORIAL_CLI && !existsSync(FLUXION)) throw new StepError(`${FLUXION} is missing: run \`npm ci\` (or \`npm run build\`) first`);
  await run('git', ['--version'], { quiet: true });
  await run('kubectl', ['version', '--client'], { quiet: true });
}

/** Replaces the work tree's content with the example's, keeping .git and the bootstrap's files. */
function syncExample(work, url) {
  const keep = join(PATH_IN_REPO, 'flux-system');
  const clear = (dir, rel) => {
    for (const name of readdirSync(dir)) {
      const r = rel ? `${rel}/${name}` : name;
      if (r === '.git' || r === keep) continue;
      if (keep.startsWith(`${r}/`)) clear(join(dir, name), r);
      else rmSync(join(dir, name), { recursive: true, force: true });
    }
  };
  clear(work, '');
  cpSync(EXAMPLE, work, { recursive: true });
  const source = join(work, PATH_IN_REPO, 'source.yaml');
  const text = readFileSync(source, 'utf8');
  const templated = text.replace(/^([ \t]*url:[ \t]*)http:\/\/127\.0\.0\.1:PORT\/tutorial\.git[ \t]*$/m, `$1${url}`);
  if (templated === text) throw new StepError(`${join(EXAMPLE, PATH_IN_REPO, 'source.yaml')} has no url http://127.0.0.1:PORT/tutorial.git to point at the git server`);
  writeFileSync(source, templated);
}

/** Pushes the example to the server's repository; returns the commit the branch points at. */
async function pushExample(url) {
  const work = mkdtempSync(join(tmpdir(), 'fluxion-tutorial-'));
  try {
    await git(['init', '--quiet', `--initial-branch=${BRANCH}`, work]);
    const fetched = await git(['fetch', '--quiet', url, BRANCH], work, { allowFail: true });
    const first = fetched.code !== 0;
    if (!first) await git(['reset', '--quiet', '--hard', 'FETCH_HEAD'], work);
    syncExample(work, url);
    await git(['add', '--all'], work);
    const changed = (await git(['status', '--porcelain'], work)).stdout.trim() !== '';
    if (changed) {
      await git(['commit', '--quiet', '-m', first ? 'Add the tutorial example monorepo' : 'Reset the tutorial example monorepo'], work);
      await git(['push', '--quiet', url, `HEAD:refs/heads/${BRANCH}`], work);
    }
    const head = (await git(['rev-parse', 'HEAD'], work)).stdout.trim();
    return { head, changed };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Waits until every tutorial Kustomization is Ready for its current generation. */
async function waitForKustomizations() {
  const deadline = Date.now() + WAIT_MS;
  const done = new Set();
  let last = new Map();
  while (Date.now() < deadline) {
    const r = await kubectl(['get', 'kustomizations.kustomize.toolkit.fluxcd.io', '-n', 'flux-system', '-o', 'json'], { quiet: true, allowFail: true });
    if (r.code === 0) {
      const items = JSON.parse(r.stdout).items ?? [];
      last = new Map(items.map((k) => [k.metadata.name, k]));
      for (const name of KUSTOMIZATIONS) {
        const k = last.get(name);
        const ready = k?.status?.conditions?.find((c) => c.type === 'Ready');
        if (done.has(name) || !k || ready?.status !== 'True' || k.status.observedGeneration !== k.metadata.generation) continue;
        done.add(name);
        say.success(`Kustomization ${name} is ready: ${ready.message}`);
      }
      if (done.size === KUSTOMIZATIONS.length) return;
    }
    await sleep(1000);
  }
  const pending = KUSTOMIZATIONS.filter((n) => !done.has(n)).map((n) => {
    const ready = last.get(n)?.status?.conditions?.find((c) => c.type === 'Ready');
    return `  ${n}: ${ready ? `${ready.reason}: ${ready.message}` : last.has(n) ? 'not reconciled yet' : 'not created'}`;
  });
  throw new StepError(`timed out after ${Math.round(WAIT_MS / 1000)}s waiting for Kustomizations:\n${pending.join('\n')}`);
}

async function main() {
  await prerequisites();

  say.action(`starting the local cluster ${CLUSTER}`);
  await fluxion(['cluster', 'start', CLUSTER, '--detach']);

  say.action('starting the local git server');
  const server = (await fluxion(['git-server', 'start', '--detach', `--username=${GIT_USERNAME}`], { env: { ...process.env, FLUXION_GIT_SERVER_PASSWORD: GIT_PASSWORD } })).stdout.trim();
  const url = `${server}/${REPOSITORY}`;

  say.action(`pushing examples/tutorial to ${url}`);
  const pushed = await pushExample(url);
  say.success(pushed.changed ? `pushed ${BRANCH}@sha1:${pushed.head.slice(0, 8)}` : `${url} already holds the example (${BRANCH}@sha1:${pushed.head.slice(0, 8)})`);

  await fluxion(['check', '--pre', '--context', CLUSTER]);

  say.action(`bootstrapping the cluster from ${url} (path ${PATH_IN_REPO})`);
  await fluxion(['bootstrap', 'git', `--url=${url}`, `--branch=${BRANCH}`, `--path=${PATH_IN_REPO}`, '--allow-insecure-http', '--token-auth', `--username=${GIT_USERNAME}`, '--silent', '--context', CLUSTER], {
    env: { ...process.env, GIT_PASSWORD },
  });

  say.waiting(`waiting for the Kustomizations ${KUSTOMIZATIONS.join(', ')}`);
  await waitForKustomizations();

  say.plain('');
  say.action('npx fluxion get all -A');
  await fluxion(['get', 'all', '-A', '--context', CLUSTER], { show: true });
  say.plain('');
  say.action('kubectl get deploy -A');
  await kubectl(['get', 'deploy', '-A'], { show: true });

  say.plain(`
The cluster ${CLUSTER} and the git server keep running. Try (the README walks through more):
  git clone http://${GIT_USERNAME}:${GIT_PASSWORD}@${url.slice('http://'.length)} && cd tutorial
  npx fluxion get kustomizations
  kubectl get deploy -n apps -o wide
To tear down:
  npx fluxion cluster delete ${CLUSTER}
  npx fluxion git-server stop        # or: npx fluxion git-server delete (removes the repository too)`);
}

try {
  await main();
} catch (e) {
  if (!(e instanceof StepError)) throw e;
  say.failure(e.message);
  process.exitCode = 1;
}
