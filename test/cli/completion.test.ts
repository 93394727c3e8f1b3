/**
 * `fluxion completion bash|zsh|fish`: the scripts load in their shells and complete the verbs
 * and flags the program registers (the program itself is the source, so new verbs appear).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { commandSpecs, completionScript } from '../../src/cli/completion.js';

const root = resolve(import.meta.dirname, '../..');

/** Runs the real CLI (async: it must not block the event loop of the test process). */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

/** COMPREPLY for the given words, the last one being completed. */
function bashComplete(script: string, words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-completion-'));
  try {
    writeFileSync(join(dir, 'c.bash'), script);
    const arr = words.map((w) => `'${w}'`).join(' ');
    const r = spawnSync('bash', ['-c', `source ${join(dir, 'c.bash')} && COMP_WORDS=(${arr}) && COMP_CWORD=${words.length - 1} && _fluxion && printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let bashScript: string;

test('bash sources the script without error and registers the completion', async () => {
  const r = await cli(['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  bashScript = r.stdout;
  const check = spawnSync('bash', ['-c', 'source <(cat) && complete -p fluxion'], { input: bashScript, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.equal(check.stderr, '');
  assert.match(check.stdout, /complete -o default -F _fluxion fluxion/);
});

test('bash completes verbs, subcommands and flags of the command typed so far', () => {
  assert.deepEqual(bashComplete(bashScript, ['fluxion', 'bootst']), ['bootstrap']);
  assert.ok(bashComplete(bashScript, ['fluxion', '']).includes('completion'));
  assert.ok(bashComplete(bashScript, ['fluxion', '']).includes('check'));
  assert.deepEqual(bashComplete(bashScript, ['fluxion', 'cluster', 'st']), ['start', 'stop']);
  // The value of --url is skipped, so the flags offered are bootstrap git's.
  const flags = bashComplete(bashScript, ['fluxion', 'bootstrap', 'git', '--url', 'https://x/y', '--to']);
  assert.deepEqual(flags, ['--toleration-keys', '--token-auth']);
  // A flag's value is left to file completion: nothing is offered.
  assert.deepEqual(bashComplete(bashScript, ['fluxion', 'check', '--namespace', '']), []);
  assert.deepEqual(bashComplete(bashScript, ['fluxion', 'uninstall', '--s']), ['--silent']);
});

test('a verb registered on the program is in every script', () => {
  const program = new Command('fluxion');
  program.command('frobnicate').description("turn the 'knob'").option('--level <n>', 'how much: a lot');
  const specs = commandSpecs(program);
  assert.deepEqual(specs.map((s) => s.path), ['fluxion', 'fluxion frobnicate']);
  for (const shell of ['bash', 'zsh', 'fish']) assert.match(completionScript(program, shell), /frobnicate/);
  assert.deepEqual(bashComplete(completionScript(program, 'bash'), ['fluxion', 'frobnicate', '--l']), ['--level']);
  assert.throws(() => completionScript(program, 'powershell'), /unsupported shell 'powershell': the shells are bash, zsh, fish/);
});

test('zsh loads the script under compinit and registers _fluxion', { skip: has('zsh') ? false : 'zsh is not installed' }, async () => {
  const r = await cli(['completion', 'zsh']);
  assert.equal(r.code, 0, r.stderr);
  const z = spawnSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -D && source <(cat) && print -r -- $_comps[fluxion] && __fluxion_spec 'fluxion cluster' && print -r -- $__fluxion_subs && print -r -- $__fluxion_subdescs[1]`], { input: r.stdout, encoding: 'utf8' });
  assert.equal(z.status, 0, z.stderr);
  assert.equal(z.stderr, '');
  const [fn, subs, desc] = z.stdout.trim().split('\n');
  assert.equal(fn, '_fluxion');
  assert.equal(subs, 'start stop delete list');
  assert.match(desc!, /^start:start a local cluster/);
});

test('fish completes verbs and flags', { skip: has('fish') ? false : 'fish is not installed' }, async () => {
  const r = await cli(['completion', 'fish']);
  assert.equal(r.code, 0, r.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-completion-'));
  const file = join(dir, 'fluxion.fish');
  writeFileSync(file, r.stdout);
  const f = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C"fluxion clu"; complete -C"fluxion bootstrap git --url x --br"`], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(f.status, 0, f.stderr);
  assert.equal(f.stderr, '');
  const lines = f.stdout.trim().split('\n');
  assert.match(lines[0]!, /^cluster\t/);
  assert.match(lines[1]!, /^--branch\tGit branch$/);
});
