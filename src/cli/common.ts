/**
 * What every flux-style verb shares: the status lines on stderr (► ✔ ✗ ◎ ⚠️), the global
 * kube flags (-n/--namespace, -A, --context, --kubeconfig, --timeout), the client they make,
 * flux's tables (cells padded to the column, then a tab), and confirmation prompts that
 * never hang when standard input is not a terminal.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { KubeClient } from '../kube/client.js';

export const DEFAULT_NAMESPACE = 'flux-system';
export const DEFAULT_TIMEOUT = '5m0s';

/** Status lines, as flux prints them: on stderr so that stdout stays machine-readable. */
export const say = {
  action: (msg: string) => process.stderr.write(`► ${msg}\n`),
  success: (msg: string) => process.stderr.write(`✔ ${msg}\n`),
  failure: (msg: string) => process.stderr.write(`✗ ${msg}\n`),
  waiting: (msg: string) => process.stderr.write(`◎ ${msg}\n`),
  warning: (msg: string) => process.stderr.write(`⚠️ ${msg}\n`),
  plain: (msg: string) => process.stderr.write(`${msg}\n`),
};

/** An error whose message is already what the user should read; `exitCode` as flux's. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface KubeFlags {
  namespace: string;
  allNamespaces?: boolean;
  context?: string;
  kubeconfig?: string;
  timeout: string;
}

/** Adds flux's global kube flags to a (leaf) command. `allNamespaces` only where flux has -A. */
export function withKubeFlags(cmd: Command, opts: { allNamespaces?: boolean } = {}): Command {
  cmd
    .option('-n, --namespace <namespace>', 'the namespace scope for this operation', DEFAULT_NAMESPACE)
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--kubeconfig <file>', 'the kubeconfig file (KUBECONFIG or ~/.kube/config by default)')
    .option('--timeout <duration>', 'timeout for this operation', DEFAULT_TIMEOUT);
  if (opts.allNamespaces) cmd.option('-A, --all-namespaces', 'list the objects across all namespaces');
  return cmd;
}

/** --timeout in milliseconds, with an error naming the flag. */
export async function timeoutMs(flags: { timeout?: string }): Promise<number> {
  const { parseDuration } = await import('../runtime/duration.js');
  const ms = parseDuration(flags.timeout ?? DEFAULT_TIMEOUT);
  if (ms === undefined || ms <= 0) throw new CliError(`--timeout must be a duration such as 30s or 5m, not '${flags.timeout}'`);
  return ms;
}

/** A client for the flags' context; the caller closes it (see withClient). */
export async function kubeClient(flags: Pick<KubeFlags, 'context' | 'kubeconfig'>): Promise<KubeClient> {
  const { loadKubeConfig, KubeClient } = await import('../kube/index.js');
  return new KubeClient(await loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context }), 'fluxion-cli');
}

/** Runs `fn` with a client and closes it afterwards, whatever happens. */
export async function withClient<T>(flags: Pick<KubeFlags, 'context' | 'kubeconfig'>, fn: (client: KubeClient) => Promise<T>): Promise<T> {
  const client = await kubeClient(flags);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/**
 * A table as flux prints it (tablewriter without borders): header cells padded to the
 * column width and joined by tabs; every data cell padded and followed by a tab, the last
 * one too. `noHeader` drops the header row.
 */
export function formatTable(header: string[], rows: string[][], opts: { noHeader?: boolean } = {}): string {
  const head = header.map((h) => h.toUpperCase());
  const all = opts.noHeader ? rows : [head, ...rows];
  if (all.length === 0) return '';
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const pad = (c: string, i: number) => c + ' '.repeat(Math.max(0, widths[i]! - [...c].length));
  const lines = rows.map((r) => r.map((c, i) => `${pad(c, i)}\t`).join(''));
  if (!opts.noHeader) lines.unshift(head.map(pad).join('\t'));
  return lines.join('\n') + '\n';
}

/**
 * Asks a yes/no question on the terminal. Without a terminal on standard input nothing is
 * asked: the command fails naming the flag that answers the question.
 */
export async function confirm(question: string, answeringFlag: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new CliError(`${question.replace(/\?$/, '')}: standard input is not a terminal, so nothing can be asked; pass ${answeringFlag} to answer yes`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`► ${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** flux prints booleans capitalised (Go's strconv.FormatBool + strings.Title). */
export const titleBool = (b: boolean | undefined) => (b ? 'True' : 'False');

/** flux's "✚ generating …" line (logger.Generatef), on stderr like the other status lines. */
export const sayGenerating = (msg: string) => process.stderr.write(`✚ ${msg}\n`);
