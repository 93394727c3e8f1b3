/**
 * `fluxion service add|remove NAME --env ENV [--repo-root DIR]`: puts a service into an
 * environment of a monorepo laid out as the seed tutorial's — or takes it out — by editing
 * the environment's `config/ENV/kustomization.yaml`, whose `resources` list one overlay per
 * service (`../../applications/GROUP/NAME/overlays/ENV`). NAME is `GROUP/NAME` or a bare
 * NAME found under any group. Comments and order in the file are kept.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { CliError, say } from './common.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface ServiceTarget {
  /** The environment's kustomization file (absolute). */
  file: string;
  /** Its path as shown to the user, relative to the repository root. */
  shown: string;
  /** GROUP/NAME of the service. */
  service: string;
  /** The `resources` entry: the overlay relative to the file's directory. */
  entry: string;
}

const toPosix = (p: string) => p.split(path.sep).join('/');
/** An entry as a comparable path: `./a/b/` and `a/b` are one. */
const normal = (entry: string) => path.posix.normalize(entry).replace(/\/+$/, '');

async function envFile(root: string, env: string): Promise<string> {
  const { existsSync, readdirSync } = await import('node:fs');
  if (!/^[A-Za-z0-9._-]+$/.test(env) || env === '.' || env === '..') throw new CliError(`--env '${env}' is not an environment name`);
  const dir = path.join(root, 'config', env);
  const found = KUSTOMIZATION_FILES.map((n) => path.join(dir, n)).find((f) => existsSync(f));
  if (found) return found;
  let envs: string[] = [];
  try {
    envs = readdirSync(path.join(root, 'config'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    envs = [];
  }
  const known = envs.length ? ` (environments: ${envs.join(', ')})` : ` (no config/ directory under ${root}: is --repo-root right?)`;
  throw new CliError(`config/${env}/kustomization.yaml not found in ${root}${known}`);
}

/** The services that have an overlay for the environment, as GROUP/NAME. */
async function servicesFor(root: string, env: string): Promise<string[]> {
  const { existsSync, readdirSync } = await import('node:fs');
  const apps = path.join(root, 'applications');
  const out: string[] = [];
  const dirs = (d: string) => {
    try {
      return readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch {
      return [];
    }
  };
  for (const group of dirs(apps)) {
    for (const name of dirs(path.join(apps, group))) {
      if (existsSync(path.join(apps, group, name, 'overlays', env))) out.push(`${group}/${name}`);
    }
  }
  return out;
}

/** Which service NAME means: GROUP/NAME as given, or the one group holding NAME. */
function pickService(name: string, services: string[], env: string, root: string): string {
  const matches = name.includes('/') ? services.filter((s) => s === name) : services.filter((s) => s.split('/')[1] === name);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new CliError(`service '${name}' is ambiguous: ${matches.join(', ')}; give it as GROUP/NAME`);
  const known = services.length ? `; services with a ${env} overlay: ${services.join(', ')}` : '';
  const where = name.includes('/') ? `applications/${name}/overlays/${env}` : `applications/*/${name}/overlays/${env}`;
  throw new CliError(`unknown service '${name}': there is no ${where} in ${root}${known}`);
}

/** Where the service goes: the environment's file and the resources entry for its overlay. */
export async function serviceTarget(name: string, env: string, repoRoot: string): Promise<ServiceTarget> {
  const root = path.resolve(repoRoot);
  const file = await envFile(root, env);
  const service = pickService(name, await servicesFor(root, env), env, root);
  const overlay = path.join(root, 'applications', ...service.split('/'), 'overlays', env);
  return { file, shown: toPosix(path.relative(root, file)), service, entry: toPosix(path.relative(path.dirname(file), overlay)) };
}

/** The string entries of `resources`. */
function resources(text: string, shown: string, parse: (t: string, o: { filename: string }) => unknown): string[] {
  let doc: { resources?: unknown } | null;
  try {
    doc = parse(text, { filename: shown }) as { resources?: unknown } | null;
  } catch (e) {
    throw new CliError(`${shown}: ${(e as Error).message}`);
  }
  return Array.isArray(doc?.resources) ? doc.resources.filter((r): r is string => typeof r === 'string') : [];
}

/** Entries naming NAME's (or GROUP/NAME's) overlay for the environment, whether or not it still exists. */
function overlayEntries(entries: string[], name: string, env: string): string[] {
  const tail = name.includes('/') ? `applications/${name}/overlays/${env}` : undefined;
  return entries.filter((r) => {
    const p = normal(r);
    if (tail) return p === tail || p.endsWith(`/${tail}`);
    const m = /(?:^|\/)applications\/[^/]+\/([^/]+)\/overlays\/([^/]+)$/.exec(p);
    return m !== null && m[1] === name && m[2] === env;
  });
}

async function edit(name: string, env: string, repoRoot: string, op: 'add' | 'remove'): Promise<void> {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { addToList, removeFromList } = await import('../kustomize/edit.js');
  const { parseDocument } = await import('../yaml/parse.js');
  const root = path.resolve(repoRoot);
  const file = await envFile(root, env);
  const shown = toPosix(path.relative(root, file));
  const text = readFileSync(file, 'utf8');
  const entries = resources(text, shown, parseDocument);
  if (op === 'add') {
    const t = await serviceTarget(name, env, repoRoot);
    if (entries.some((r) => normal(r) === normal(t.entry))) {
      say.success(`service ${t.service} is already in ${shown}; nothing to do`);
      return;
    }
    writeFileSync(file, addToList(text, 'resources', [t.entry], shown));
    say.success(`service ${t.service} added to ${shown} (${t.entry})`);
    return;
  }
  // Removal goes by what the file lists, so a service whose overlay was deleted can still go.
  const present = overlayEntries(entries, name, env);
  if (present.length === 0) {
    const t = await serviceTarget(name, env, repoRoot); // fails for an unknown service
    say.success(`service ${t.service} is not in ${shown}; nothing to do`);
    return;
  }
  writeFileSync(file, removeFromList(text, 'resources', present, shown));
  const group = /applications\/([^/]+\/[^/]+)\/overlays\//.exec(normal(present[0]!))?.[1] ?? name;
  say.success(`service ${group} removed from ${shown}`);
}

interface ServiceFlags {
  env?: string;
  repoRoot: string;
}

export function registerService(program: Command): void {
  const service = program.command('service').description("add a service to an environment's config, or remove it (config/ENV/kustomization.yaml)");
  for (const op of ['add', 'remove'] as const) {
    service
      .command(`${op} <name>`)
      .description(op === 'add' ? 'list the service overlay in config/ENV/kustomization.yaml' : 'take the service overlay out of config/ENV/kustomization.yaml')
      .requiredOption('--env <env>', 'the environment (a directory under config/)')
      .option('--repo-root <dir>', 'the root of the repository', '.')
      .action(async (name: string, flags: ServiceFlags) => {
        await edit(name, flags.env!, flags.repoRoot, op);
      });
  }
}
