/**
 * `fluxion suspend` and `resume` for `source git` and `kustomization`: patch spec.suspend on
 * the named objects (or --all in the namespace). `resume` then waits for each object to be
 * reconciled again, as flux does when one object is named or --wait is given.
 */
import type { Command } from 'commander';
import { CliError, say, timeoutMs, withClient, withKubeFlags, type KubeFlags } from './common.js';
import type { FluxKind, FluxObject } from './objects.js';

export interface SuspendFlags extends KubeFlags {
  all?: boolean;
  reason?: string;
}

export interface ResumeFlags extends KubeFlags {
  all?: boolean;
  wait?: boolean;
}

type KindName = 'GitRepository' | 'Kustomization';

/** flux records why an object is suspended in this annotation (suspend --reason). */
export const SUSPEND_REASON = 'suspend.toolkit.fluxcd.io/reason';

function leaves(parent: Command, add: (cmd: Command, kind: KindName) => void): void {
  const source = parent.command('source').description(`${parent.name()} sources`);
  add(source.command('git').argument('[names...]', 'the GitRepositories').description(`${parent.name()} the reconciliation of GitRepository sources`), 'GitRepository');
  add(parent.command('kustomization').alias('ks').argument('[names...]', 'the Kustomizations').description(`${parent.name()} the reconciliation of Kustomizations`), 'Kustomization');
}

export function registerSuspend(program: Command): void {
  leaves(program.command('suspend').description('suspend the reconciliation of resources'), (cmd, kind) =>
    withKubeFlags(cmd)
      .option('--all', 'suspend all resources in that namespace')
      .option('-r, --reason <reason>', `set a reason for why the resource is suspended (the ${SUSPEND_REASON} annotation)`)
      .action(async (names: string[], flags: SuspendFlags) => suspendObjects(kind, names, flags)),
  );
  leaves(program.command('resume').description('resume suspended resources'), (cmd, kind) =>
    withKubeFlags(cmd)
      .option('--all', 'resume all resources in that namespace')
      .option('--wait', 'wait for the resources to be reconciled (the default when one resource is named)')
      .action(async (names: string[], flags: ResumeFlags) => resumeObjects(kind, names, flags)),
  );
}

const unique = (names: string[]) => [...new Set(names)];

/**
 * Acts on each object in turn: all in the namespace, or each name in the order given
 * (reporting the missing ones where they come). Returns how many were found.
 */
async function eachTarget(
  client: import('../kube/client.js').KubeClient,
  k: FluxKind,
  names: string[],
  namespace: string,
  onMissing: (name: string) => void,
  act: (obj: FluxObject) => Promise<void>,
): Promise<number> {
  const { refOf } = await import('./objects.js');
  const { isNotFound } = await import('../kube/errors.js');
  if (names.length === 0) {
    const items = (await client.list<FluxObject>(refOf(k, namespace))).items;
    for (const o of items) await act(o);
    return items.length;
  }
  let found = 0;
  for (const name of unique(names)) {
    let obj: FluxObject;
    try {
      obj = await client.get<FluxObject>(refOf(k, namespace), name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      onMissing(name);
      continue;
    }
    found++;
    await act(obj);
  }
  return found;
}

export async function suspendObjects(kind: KindName, names: string[], flags: SuspendFlags): Promise<void> {
  const { GIT_REPOSITORY, KUSTOMIZATION, refOf } = await import('./objects.js');
  const k = kind === 'GitRepository' ? GIT_REPOSITORY : KUSTOMIZATION;
  if (names.length === 0 && !flags.all) throw new CliError(`${k.humanKind} name is required (or --all)`);
  await withClient(flags, async (client) => {
    const patch = { spec: { suspend: true }, ...(flags.reason ? { metadata: { annotations: { [SUSPEND_REASON]: flags.reason } } } : {}) };
    const found = await eachTarget(
      client,
      k,
      names,
      flags.namespace,
      (name) => say.failure(`${k.kind} ${name} not found in ${flags.namespace} namespace`),
      async (o) => {
        say.action(`suspending ${k.humanKind} ${o.metadata.name} in ${flags.namespace} namespace`);
        try {
          await client.patch(refOf(k, flags.namespace), o.metadata.name, 'merge', patch);
        } catch (e) {
          say.failure(`failed suspending ${k.kind} ${o.metadata.name} in ${flags.namespace} namespace: ${(e as Error).message}`);
          process.exitCode = 1;
          return;
        }
        say.success(`${k.humanKind} suspended`);
      },
    );
    if (names.length === 0 && found === 0) throw new CliError(`no ${k.kind} objects found in ${flags.namespace} namespace`);
  });
}

export async function resumeObjects(kind: KindName, names: string[], flags: ResumeFlags): Promise<void> {
  const { GIT_REPOSITORY, KUSTOMIZATION, refOf, waitForReady } = await import('./objects.js');
  const k = kind === 'GitRepository' ? GIT_REPOSITORY : KUSTOMIZATION;
  if (names.length === 0 && !flags.all) throw new CliError(`${k.humanKind} name is required (or --all)`);
  // flux waits when exactly one object is named, or when --wait is given.
  const wait = flags.wait ?? (names.length === 1 && !flags.all);
  const timeout = await timeoutMs(flags);
  const start = Date.now();
  await withClient(flags, async (client) => {
    const resumed: string[] = [];
    const found = await eachTarget(
      client,
      k,
      names,
      flags.namespace,
      (name) => say.failure(`${k.kind} object '${name}' not found in ${flags.namespace} namespace`),
      async (o) => {
        say.action(`resuming ${k.humanKind} ${o.metadata.name} in ${flags.namespace} namespace`);
        // The suspend reason goes with the suspension (null deletes it in a merge patch).
        await client.patch(refOf(k, flags.namespace), o.metadata.name, 'merge', { metadata: { annotations: { [SUSPEND_REASON]: null } }, spec: { suspend: false } });
        say.success(`${k.humanKind} resumed`);
        resumed.push(o.metadata.name);
      },
    );
    if (names.length === 0 && found === 0) say.failure(`no ${k.kind} objects found in ${flags.namespace} namespace`);
    if (!wait) return;
    const results = await Promise.all(
      resumed.map(async (name) => {
        say.waiting(`waiting for ${k.kind} reconciliation`);
        try {
          return { name, obj: await waitForReady(client, k, flags.namespace, name, timeout, { since: start }) };
        } catch (e) {
          return { name, error: (e as Error).message };
        }
      }),
    );
    for (const r of results.sort((a, b) => a.name.localeCompare(b.name))) {
      if (r.error !== undefined) {
        say.failure(r.error);
        process.exitCode = 1;
        continue;
      }
      say.success(`${k.kind} ${r.name} reconciliation completed`);
      say.success(k.readyMessage(r.obj!));
    }
  });
}
