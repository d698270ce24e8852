// `kubectl sidecarset plan-rollout`: options from flags, checked, then sources → planRollout → a renderer.
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { SidecarsetError, UsageError } from '../errors.js';
import { parseGoDuration } from '../go/duration.js';
import type { IntOrString } from '../k8s/api.js';
import type { StrategyOverrides } from '../kruise/rollout/types.js';
import { write } from '../manifests/output.js';
import { checkStdinOnce } from '../manifests/sources.js';
import type { FileRolloutSourceOptions } from '../pipeline/rollout-inputs.js';
import { kruiseNow } from './clock.js';
import { addConnectionFlags, clusterFlags, objectNamespace, type ClusterFlagValues } from './cluster-flags.js';
import { commandAction, type CommandOptions } from './command.js';
import { addFilenameFlags, addNamespaceFlag, checkOutput, requireFilenames } from './flags.js';
import { addKruiseFlags, kruiseProfileOf, type KruiseFlagValues } from './kruise-flags.js';
import { colourEnabled, type CommandIO } from './io.js';
import { parseSelectorFlag } from './selector-flag.js';

interface PlanRolloutFlags extends ClusterFlagValues, KruiseFlagValues {
  filename: string[];
  recursive: boolean;
  live: boolean;
  output?: string;
  partition?: string;
  maxUnavailable?: string;
  updateSelector?: string;
  paused?: string | boolean;
  batchDuration?: string;
  keepHash: boolean;
}

export interface PlanRolloutOptions {
  /** where the SidecarSet and the Pods are read from */
  sources: FileRolloutSourceOptions;
  /** the Pods (and NAME's SidecarSet) from the cluster */
  live?: { name?: string; flags: ClusterFlagValues };
  output: 'table' | 'wide' | 'json' | 'yaml';
  overrides: StrategyOverrides;
  batchDuration?: bigint;
  now: string;
}

export function registerPlanRollout(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('plan-rollout')
    .summary("show how Kruise will roll a SidecarSet's new image out: batches, order, what is held back and why")
    .description(
      'Reads a SidecarSet as it will be after a change and the Pods as they are now, and prints the batches in ' +
        "which Kruise's SidecarSet controller upgrades the sidecars in place. Batch 1 is what the controller " +
        'upgrades now; later batches are its next reconcile rounds under a stated model (pending sidecar restarts ' +
        'finish between rounds, readiness does not change). Pods come from files, directories, stdin, or the output ' +
        'of kubectl get pods -A -o yaml; Namespace objects among the inputs serve spec.namespaceSelector.',
    );
  cmd.argument('[NAME]', "the cluster's SidecarSet, planned against the cluster's Pods");
  addFilenameFlags(cmd, 'the SidecarSet, the Pods (and Namespaces)');
  addNamespaceFlag(cmd);
  addConnectionFlags(cmd);
  addKruiseFlags(cmd);
  cmd
    .option('--live', "plan the -f SidecarSet against the cluster's Pods (and Namespaces)", false)
    .option('-o, --output <format>', 'output format: table, wide, json or yaml', 'table')
    .option('--partition <N|P%>', 'what if spec.updateStrategy.partition were this')
    .option('--max-unavailable <N|P%>', 'what if spec.updateStrategy.maxUnavailable were this')
    .option(
      '--update-selector <selector>',
      'what if spec.updateStrategy.selector were this (kubectl syntax: k=v,k2 in (a,b))',
    )
    .option('--paused [bool]', 'what if spec.updateStrategy.paused were this (--paused=false plans a paused rollout)')
    .option('--batch-duration <duration>', 'time per batch, to estimate the rollout length (30s, 5m, 1m30s)')
    .option(
      '--keep-hash',
      'read hash annotations of the SidecarSet as stored instead of recomputing them (snapshots)',
      false,
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubectl get pods -A -o yaml > pods.yaml\n' +
        '  kubectl sidecarset plan-rollout -f log-agent-sidecarset.yaml -f pods.yaml\n' +
        '  kubectl sidecarset plan-rollout -f sidecarset.yaml -f pods.yaml --max-unavailable 20% --paused=false -o wide\n' +
        '  kubectl get pods -A -o yaml | kubectl sidecarset plan-rollout -f sidecarset.yaml -f - -o json\n' +
        "  kubectl sidecarset plan-rollout log-agent                    # the cluster's SidecarSet and Pods\n" +
        '  kubectl sidecarset plan-rollout -f new-log-agent.yaml --live  # the new version against the live Pods',
    )
    .action(
      commandAction(
        io,
        setExit,
        (cio, name: string | undefined, flags: PlanRolloutFlags) => new PlanRolloutCommand(name, flags, cio),
      ),
    );
}

class PlanRolloutCommand implements CommandOptions {
  private options!: PlanRolloutOptions;

  constructor(
    private readonly name: string | undefined,
    private readonly flags: PlanRolloutFlags,
    private readonly io: CommandIO,
  ) {}

  validate(): void {
    this.options = planRolloutOptions(this.flags, this.io, this.name);
  }

  async run(io: CommandIO): Promise<number> {
    const { options } = this;
    // what only this command needs is loaded when it runs: start-up of every other command stays lighter
    const [{ fileRolloutSource }, { planRollout }, { simulateFast }] = await Promise.all([
      import('../pipeline/rollout-inputs.js'),
      import('../kruise/rollout/plan.js'),
      import('../kruise/rollout/simulate-fast.js'),
    ]);
    const source = options.live
      ? (await import('../pipeline/cluster/rollout.js')).liveRolloutSource({
          ...options.sources,
          name: options.live.name,
          cluster: clusterFlags(options.live.flags),
        })
      : fileRolloutSource(options.sources);
    const inputs = await source.load();
    for (const note of inputs.notes) io.stderr.write(`note: ${note}\n`);
    const plan = planRollout(
      {
        sidecarSet: inputs.sidecarSet,
        pods: inputs.pods,
        namespaces: inputs.namespaces,
        overrides: options.overrides,
        batchDuration: options.batchDuration,
      },
      simulateFast,
    );
    if (options.output === 'json' || options.output === 'yaml')
      for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
    if (options.output === 'json') await writeJson(io, plan);
    else if (options.output === 'yaml') await write(io.stdout, stringify(plan, { lineWidth: 0 }));
    else
      await write(
        io.stdout,
        (await import('./plan-table.js')).renderPlanTable(plan, {
          wide: options.output === 'wide',
          colour: colourEnabled(io, 'stdout'),
          now: options.now,
        }),
      );
    return 0;
  }
}

function planRolloutOptions(flags: PlanRolloutFlags, io: CommandIO, name?: string): PlanRolloutOptions {
  if (name !== undefined && flags.live)
    throw new UsageError("NAME plans the cluster's SidecarSet; --live goes with -f (a new version of it)");
  if (flags.live && flags.filename.length === 0)
    throw new UsageError(
      "--live plans the SidecarSet given with -f against the live Pods; give it with -f, or name the cluster's SidecarSet",
    );
  if (name === undefined)
    requireFilenames(flags.filename, ' for the SidecarSet and the Pods, or the NAME of a SidecarSet in the cluster');
  checkStdinOnce(flags.filename);
  const overrides: StrategyOverrides = {};
  if (flags.partition !== undefined) overrides.partition = intOrPercentFlag('--partition', flags.partition);
  if (flags.maxUnavailable !== undefined)
    overrides.maxUnavailable = intOrPercentFlag('--max-unavailable', flags.maxUnavailable);
  if (flags.updateSelector !== undefined)
    overrides.selector = parseSelectorFlag(flags.updateSelector, '--update-selector');
  if (flags.paused !== undefined) overrides.paused = boolFlag('--paused', flags.paused);
  let batchDuration: bigint | undefined;
  if (flags.batchDuration !== undefined) {
    try {
      batchDuration = parseGoDuration(flags.batchDuration);
    } catch (err) {
      if (err instanceof SidecarsetError) throw new UsageError(`--batch-duration: ${err.message}`);
      throw err;
    }
    if (batchDuration < 0n) throw new UsageError('--batch-duration must not be negative');
  }
  return {
    sources: {
      filenames: flags.filename,
      recursive: flags.recursive,
      stdin: io.stdin,
      keepHash: flags.keepHash,
      namespace: objectNamespace(flags, io.env),
      env: io.env,
      profile: kruiseProfileOf(flags),
    },
    live: name !== undefined || flags.live ? { name, flags } : undefined,
    output: checkOutput(flags.output, ['table', 'wide', 'json', 'yaml'] as const, 'table'),
    overrides,
    batchDuration,
    now: kruiseNow(io.env),
  };
}

async function writeJson(io: CommandIO, plan: object): Promise<void> {
  for (const piece of jsonPieces(plan)) await write(io.stdout, piece);
}

/**
 * JSON.stringify(value, null, 2) and a newline, in pieces: a plan of 100,000 Pods is a hundred megabytes of
 * JSON, which as one string (and its UTF-8 copy) costs more than it takes to make. Each piece is
 * JSON.stringify of one top-level member, or of a slice of a long array, wrapped so that it is printed at its
 * own depth; the wrapper's first and last lines are cut off. Together they are the same text, byte for byte.
 */
export function* jsonPieces(value: object, slice = 2000): Generator<string> {
  const members = Object.entries(value).filter(
    ([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol',
  );
  if (members.length === 0 || Array.isArray(value) || 'toJSON' in value) {
    yield JSON.stringify(value, null, 2) + '\n';
    return;
  }
  let out = '{\n';
  for (let k = 0; k < members.length; k++) {
    const [key, member] = members[k];
    const end = k < members.length - 1 ? ',\n' : '\n';
    if (Array.isArray(member) && member.length > slice) {
      const head = `  ${JSON.stringify(key)}: [\n`;
      out += head;
      for (let at = 0; at < member.length; at += slice) {
        const text = JSON.stringify({ [key]: member.slice(at, at + slice) }, null, 2);
        // yielded apart: a slice of a string is written as it is, a slice joined to more text is copied first
        if (out !== '') yield out;
        yield text.slice(2 + head.length, text.length - '\n  ]\n}'.length);
        out = at + slice < member.length ? ',\n' : '\n';
      }
      out += `  ]${end}`;
    } else {
      const text = JSON.stringify({ [key]: member }, null, 2);
      out += text.slice(2, text.length - 2) + end;
    }
  }
  yield out + '}\n';
}

/** An integer (a number of Pods) or a percentage, as the SidecarSet field takes them. */
export function intOrPercentFlag(flag: string, v: string): IntOrString {
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n > 2147483647) throw new UsageError(`${flag} ${v} is too large`);
    return n;
  }
  if (/^\d+(\.\d+)?%$/.test(v)) return v;
  throw new UsageError(`${flag} must be a number of Pods or a percentage, such as 3 or 20%; got ${JSON.stringify(v)}`);
}

function boolFlag(flag: string, v: string | boolean): boolean {
  if (v === true || v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`${flag} takes true or false (--paused=false), got ${JSON.stringify(v)}`);
}
