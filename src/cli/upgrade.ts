// `kubectl sidecarset upgrade NAME | -f SIDECARSET`: patches sidecar images in place on the running Pods, batch by
// batch, as Kruise's controller would (src/upgrade/); `upgrade NAME --undo` returns the Pods of the last run to
// what they had. Options from flags, checked, then run.
import type { Command } from 'commander';
import { SidecarsetError, UsageError } from '../errors.js';
import { formatGoDuration } from '../go/duration.js';
import type { IntOrString } from '../k8s/api.js';
import type { SidecarSet } from '../kruise/apis/types.js';
import type { RolloutPlan } from '../kruise/rollout/plan-schema.js';
import { write } from '../manifests/output.js';
import { checkStdinOnce } from '../manifests/sources.js';
import type { Outcome } from '../upgrade/execute.js';
import type { Step } from '../upgrade/step.js';
import { kruiseNow } from './clock.js';
import { addClusterFlags, clusterFlags, type ClusterFlagValues } from './cluster-flags.js';
import { commandAction, type CommandOptions } from './command.js';
import { addFilenameFlags, checkOutput, durationFlag } from './flags.js';
import { colourEnabled, type CommandIO } from './io.js';
import { intOrPercentFlag } from './plan-rollout.js';
import { upgradePrinter } from './upgrade-view.js';

/** Exit code after SIGINT / SIGTERM, as a shell reports a process ended by SIGINT. */
export const INTERRUPTED_EXIT = 130;

interface UpgradeFlags extends ClusterFlagValues {
  filename: string[];
  recursive: boolean;
  image: string[];
  partition?: string;
  maxUnavailable?: string;
  dryRun: string | boolean;
  timeout: string;
  yes: boolean;
  force: boolean;
  output?: string;
  undo: boolean;
}

export interface UpgradeOptions {
  name?: string;
  filenames: string[];
  recursive: boolean;
  images: Record<string, string>;
  partition?: IntOrString;
  maxUnavailable?: IntOrString;
  dryRun: 'none' | 'client' | 'server';
  /** ns a batch may take to become ready; 0 for no limit */
  timeout: bigint;
  yes: boolean;
  force: boolean;
  output: 'text' | 'json';
  undo: boolean;
  flags: ClusterFlagValues;
}

export function registerUpgrade(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('upgrade')
    .argument('[sidecarset]', "the cluster's SidecarSet to roll (completed from the cluster)")
    .summary("upgrade a SidecarSet's sidecar images in place on the running Pods, batch by batch, as Kruise would")
    .description(
      "Rolls a SidecarSet out the way Kruise's controller does: the batches are plan-rollout's, computed on the live " +
        'Pods and again after each batch; each Pod gets one atomic JSON Patch, guarded by its resourceVersion and ' +
        "its containers' names and values, that changes only sidecar images and the annotations Kruise writes. A " +
        'batch is done when every patched container runs the new image and the Pod is Ready again. A Pod that ' +
        'fails (image pull, crash loop, deleted, not ready within --timeout) pauses the rollout; running the same ' +
        'command again resumes it. It never deletes a Pod or touches another container.\n\n' +
        'Before each batch it journals what the Pods had, in $XDG_STATE_HOME/kubectl-sidecarset/CONTEXT/NAME.json ' +
        '(default ~/.local/state/kubectl-sidecarset/...): `upgrade NAME --undo` restores the Pods of the last run, ' +
        'skipping (and naming) Pods changed since.',
    );
  addFilenameFlags(cmd, 'the SidecarSet to roll (instead of NAME; for clusters without Kruise)');
  cmd
    .option('--image <container=image>', 'the new image of a sidecar container (repeatable)', collect, [])
    .option('--partition <N|P%>', 'Pods to leave at the old version (replaces spec.updateStrategy.partition)')
    .option('--max-unavailable <N|P%>', 'Pods upgraded at once (replaces spec.updateStrategy.maxUnavailable)')
    .option(
      '--dry-run [strategy]',
      'none, client (print the plan and the patches) or server (send with dryRun=All)',
      'none',
    )
    .option('--timeout <duration>', 'how long a batch may take to become ready (0s: no limit)', '10m')
    .option('-y, --yes', 'do not ask before changing the cluster', false)
    .option('--force', "roll even though Kruise's controller rolls this SidecarSet itself", false)
    .option('-o, --output <format>', 'json: events as JSON lines', undefined)
    .option('--undo', 'restore the Pods of the last run to what they had before it', false);
  addClusterFlags(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubectl sidecarset upgrade log-agent --image log-agent=log-agent:2.0 --max-unavailable 20%\n' +
        '  kubectl sidecarset upgrade -f log-agent-sidecarset.yaml --dry-run=client\n' +
        '  kubectl sidecarset upgrade log-agent --yes -o json | jq -c .\n' +
        '  kubectl sidecarset upgrade log-agent --undo\n' +
        `\nExit codes: 0 done, 1 error or paused (the report says why; rerun to resume), 2 usage, ${INTERRUPTED_EXIT} interrupted.`,
    )
    .action(
      commandAction(
        io,
        setExit,
        (_io, name: string | undefined, flags: UpgradeFlags) => new UpgradeCommand(name, flags),
      ),
    );
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

class UpgradeCommand implements CommandOptions {
  private options!: UpgradeOptions;

  constructor(
    private readonly name: string | undefined,
    private readonly flags: UpgradeFlags,
  ) {}

  validate(): void {
    this.options = completeUpgradeOptions(this.name, this.flags);
  }

  run(io: CommandIO): Promise<number> {
    return runUpgrade(this.options, io);
  }
}

export function completeUpgradeOptions(name: string | undefined, flags: UpgradeFlags): UpgradeOptions {
  if (name !== undefined && flags.filename.length > 0)
    throw new UsageError('give the SidecarSet either as NAME (from the cluster) or with -f, not both');
  if (name === undefined && flags.filename.length === 0)
    throw new UsageError('must name the SidecarSet (NAME) or give it with -f');
  checkStdinOnce(flags.filename);
  const images: Record<string, string> = {};
  for (const v of flags.image) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw new UsageError(`--image takes CONTAINER=IMAGE, got ${JSON.stringify(v)}`);
    const container = v.slice(0, eq);
    if (container in images) throw new UsageError(`--image names container ${container} twice`);
    images[container] = v.slice(eq + 1);
  }
  const dryRun = flags.dryRun === true ? 'client' : flags.dryRun;
  if (dryRun !== 'none' && dryRun !== 'client' && dryRun !== 'server')
    throw new UsageError(`--dry-run must be "none", "server", or "client", got ${JSON.stringify(dryRun)}`);
  const timeout = durationFlag('--timeout', flags.timeout);
  if (flags.undo) {
    const also = [
      flags.image.length > 0 && '--image',
      flags.partition !== undefined && '--partition',
      flags.maxUnavailable !== undefined && '--max-unavailable',
    ].filter(Boolean);
    if (also.length > 0) throw new UsageError(`--undo restores the last run; it takes no ${also.join(', ')}`);
    if (dryRun === 'client') throw new UsageError('--undo takes --dry-run=server or none');
  }
  return {
    name,
    filenames: flags.filename,
    recursive: flags.recursive,
    images,
    partition: flags.partition === undefined ? undefined : intOrPercentFlag('--partition', flags.partition),
    maxUnavailable:
      flags.maxUnavailable === undefined ? undefined : intOrPercentFlag('--max-unavailable', flags.maxUnavailable),
    dryRun,
    timeout,
    yes: flags.yes,
    force: flags.force,
    output: checkOutput(flags.output, ['text', 'json'] as const, 'text'),
    undo: flags.undo,
    flags,
  };
}

/** SIGINT / SIGTERM as an AbortSignal, while `body` runs. */
async function withSignals<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await body(ctl.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export async function runUpgrade(options: UpgradeOptions, io: CommandIO): Promise<number> {
  const [api, { readUpgradeSource }, target, journals, { executeUpgrade }] = await Promise.all([
    import('../cluster/index.js'),
    import('../upgrade/inputs.js'),
    import('../upgrade/target.js'),
    import('../upgrade/journal.js'),
    import('../upgrade/execute.js'),
  ]);
  const cluster = await api.connect(clusterFlags(options.flags), io.env);
  const source = await readUpgradeSource(api, cluster, {
    name: options.name,
    filenames: options.filenames,
    recursive: options.recursive,
    stdin: io.stdin,
  });
  const name = source.sidecarSet.metadata.name ?? '';
  const file = journals.journalPath(io.env, cluster.context, name);
  if (options.undo) return runUndo(options, io, api, cluster, file);

  const kruise = source.stored ? target.kruiseRollsIt(source.stored) : undefined;
  if (kruise) {
    if (!options.force) throw new SidecarsetError(`${kruise}; set it to NotUpdate or paused, or pass --force`);
    io.stderr.write(`warning: ${kruise}; going on (--force)\n`);
  }
  const targetOptions = {
    images: options.images,
    partition: options.partition,
    maxUnavailable: options.maxUnavailable,
  };
  const makeTarget = (stored: SidecarSet) => target.rollingTarget(target.targetSidecarSet(stored, targetOptions));
  const first = makeTarget(source.sidecarSet);
  const targetHash = first.metadata.annotations?.['kruise.io/sidecarset-hash'] ?? '';
  const journal =
    options.dryRun === 'none'
      ? { file, journal: journals.journalForRun(journals.readJournal(file), cluster.context, name, targetHash) }
      : undefined;
  const printer = await upgradePrinter(io, options.output, colourEnabled(io, 'stdout'));
  const confirmText = `upgrade the sidecars of these Pods in place${options.dryRun === 'server' ? ' (server dry run)' : ''}?`;

  const outcome = await withSignals((signal) =>
    executeUpgrade({
      api,
      cluster,
      name,
      given: source.fromFile ? first : undefined,
      target: source.fromFile ? () => first : makeTarget,
      overrides: target.runOverrides(targetOptions),
      namespace: options.flags.allNamespaces ? undefined : options.flags.namespace,
      labelSelector: options.flags.selector,
      dryRun: options.dryRun === 'server',
      timeoutMs: Number(options.timeout / 1_000_000n),
      journal,
      now: () => kruiseNow(io.env),
      signal,
      emit: (e) => printer.event(e),
      start: async (step) => {
        if (options.dryRun === 'client') {
          await printClientDryRun(io, step, options);
          return false;
        }
        if (step.kind !== 'patch') return true; // nothing to change, or resuming a batch under way
        await showPlan(io, step.plan, options);
        if (options.yes) return true;
        return confirm(io, confirmText);
      },
    }),
  );
  await printer.done();
  if (journal && (outcome.result === 'complete' || outcome.result === 'paused' || outcome.result === 'timedOut')) {
    if (outcome.result === 'complete' && Object.keys(journal.journal.pods).length > 0)
      journals.writeJournal(file, { ...journal.journal, state: 'complete' });
  }
  return report(io, outcome, name, options);
}

async function showPlan(io: CommandIO, plan: RolloutPlan, options: UpgradeOptions): Promise<void> {
  if (options.output === 'json') return;
  const { renderPlanTable } = await import('./plan-table.js');
  io.stderr.write(renderPlanTable(plan, { wide: false, colour: colourEnabled(io, 'stderr'), now: kruiseNow(io.env) }));
}

async function printClientDryRun(io: CommandIO, step: Step, options: UpgradeOptions): Promise<void> {
  const patches =
    step.kind === 'patch'
      ? step.changes.map((c) => ({ namespace: c.pod.metadata.namespace, name: c.pod.metadata.name, patch: c.patch }))
      : [];
  const plan = step.kind === 'patch' || step.kind === 'done' ? step.plan : undefined;
  if (options.output === 'json') {
    await write(io.stdout, JSON.stringify({ plan, patches }, null, 2) + '\n');
    return;
  }
  if (plan) {
    const { renderPlanTable } = await import('./plan-table.js');
    await write(
      io.stdout,
      renderPlanTable(plan, { wide: false, colour: colourEnabled(io, 'stdout'), now: kruiseNow(io.env) }),
    );
  } else if (step.kind === 'wait') await write(io.stdout, `waiting: ${step.why}\n`);
  else if (step.kind === 'pause') await write(io.stdout, `paused: ${step.message}\n`);
  if (patches.length > 0) {
    await write(io.stdout, `\nThe patches of batch 1 (later batches are planned again from the live Pods):\n`);
    for (const p of patches) await write(io.stdout, `pod/${p.name} -n ${p.namespace}\n${JSON.stringify(p.patch)}\n`);
  }
}

/** y/N on a terminal; refuses without one (use --yes). */
async function confirm(io: CommandIO, question: string): Promise<boolean> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (stdin.isTTY !== true || !io.stderrIsTTY)
    throw new SidecarsetError('refusing to change the cluster without confirmation: no terminal to ask on; pass --yes');
  io.stderr.write(`${question} (y/N) `);
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    const onData = (d: Buffer | string) => {
      text += d.toString();
      if (text.includes('\n')) done();
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.off('end', done);
      stdin.pause();
      resolve(text);
    };
    stdin.on('data', onData);
    stdin.once('end', done);
  });
  return /^\s*y(es)?\s*$/i.test(answer);
}

function report(io: CommandIO, outcome: Outcome, name: string, options: UpgradeOptions): number {
  const err = (s: string) => io.stderr.write(s + '\n');
  switch (outcome.result) {
    case 'declined':
      if (options.dryRun !== 'client') err('nothing was changed');
      return options.dryRun === 'client' ? 0 : 1;
    case 'dryRun':
      err(
        `${outcome.patched} Pod${outcome.patched === 1 ? '' : 's'} would be patched in batch 1 (server dry run: nothing stored)`,
      );
      return 0;
    case 'complete': {
      const recreate = outcome.notUpgradable;
      if (recreate.length > 0) {
        err(
          `warning: ${recreate.length} Pod${recreate.length > 1 ? 's need' : ' needs'} a recreate (not upgradable in place):`,
        );
        for (const r of recreate) err(`  ${r.namespace}/${r.name}: ${r.reason}`);
      }
      err(
        `SidecarSet "${name}": ${outcome.plan.stop.message} (${outcome.patched} Pod${outcome.patched === 1 ? '' : 's'} patched in ${outcome.batches} batch${outcome.batches === 1 ? '' : 'es'})`,
      );
      return 0;
    }
    case 'paused':
      err(`error: the upgrade of SidecarSet "${name}" is paused (${outcome.reason}): ${outcome.message}`);
      err('nothing further was patched; fix the cause and run the same command again to resume, or --undo');
      return 1;
    case 'timedOut':
      err(
        `error: timed out after ${formatGoDuration(options.timeout)} waiting for the batch of SidecarSet "${name}": ${outcome.message}`,
      );
      err('nothing further was patched; run the same command again to resume, or --undo');
      return 1;
    case 'interrupted':
      err(`${outcome.message}`);
      return INTERRUPTED_EXIT;
  }
}

async function runUndo(
  options: UpgradeOptions,
  io: CommandIO,
  api: typeof import('../cluster/index.js'),
  cluster: import('../cluster/index.js').Cluster,
  file: string,
): Promise<number> {
  const [{ readJournal }, { undoUpgrade }] = await Promise.all([
    import('../upgrade/journal.js'),
    import('../upgrade/undo.js'),
  ]);
  const journal = readJournal(file);
  const pods = journal ? Object.values(journal.pods) : [];
  if (!journal || journal.state === 'undone' || pods.length === 0) {
    io.stderr.write(`nothing to undo: no upgrade of this SidecarSet is recorded in ${file}\n`);
    return 0;
  }
  io.stderr.write(`restoring ${pods.length} Pod${pods.length > 1 ? 's' : ''} recorded in ${file}\n`);
  if (!options.yes && options.dryRun === 'none' && !(await confirm(io, 'restore them?'))) {
    io.stderr.write('nothing was changed\n');
    return 1;
  }
  const printer = await upgradePrinter(io, options.output, colourEnabled(io, 'stdout'));
  const outcome = await withSignals((signal) =>
    undoUpgrade({
      api,
      cluster,
      file,
      journal,
      dryRun: options.dryRun === 'server',
      signal,
      emit: (e) => printer.event(e),
    }),
  );
  await printer.done();
  for (const s of outcome.skipped) io.stderr.write(`warning: skipped ${s.namespace}/${s.name}: ${s.reason}\n`);
  io.stderr.write(
    `${outcome.restored} Pod${outcome.restored === 1 ? '' : 's'} restored, ${outcome.skipped.length} skipped\n`,
  );
  return outcome.skipped.length > 0 ? 1 : 0;
}
