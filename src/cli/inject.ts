// `kubectl sidecarset inject`: options from flags, checked, the printer chosen from -o, then the inject pipeline.
import type { Command } from 'commander';
import { SidecarsetError, UsageError } from '../errors.js';
import { write } from '../manifests/output.js';
import { checkStdinOnce } from '../manifests/sources.js';
import { writerFor } from '../manifests/writers.js';
import type { FileMode, FilesOutcome } from '../pipeline/inject-files.js';
import { injectToStream, type InjectOptions } from '../pipeline/inject.js';
import { countOf } from '../words.js';
import { sourceDateEpoch } from './clock.js';
import { addConnectionFlags, clusterFlags, objectNamespace, type ClusterFlagValues } from './cluster-flags.js';
import { commandAction, type CommandOptions } from './command.js';
import { addFilenameFlags, addNamespaceFlag, checkOutput, collectPaths, requireFilenames } from './flags.js';
import type { CommandIO } from './io.js';
import { colourFor, reportInjection } from './report.js';
import { addKruiseFlags, kruiseProfileOf, type KruiseFlagValues } from './kruise-flags.js';

interface InjectFlags extends ClusterFlagValues, KruiseFlagValues {
  filename: string[];
  recursive: boolean;
  output?: string;
  selector?: string;
  local: boolean;
  verify: boolean;
  sidecarsets: string[];
  keepHash: boolean;
  quiet: boolean;
  inPlace: boolean;
  outputDir?: string;
  check: boolean;
  diff: boolean;
}

export function registerInject(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('inject')
    .summary("render Pods and workloads with their sidecars injected, exactly as Kruise's webhook would")
    .description(
      'Reads manifests and prints them with the sidecars of the SidecarSets among the inputs injected into every ' +
        'Pod and pod template, as the OpenKruise Pod webhook would inject them into each Pod at creation. ' +
        'SidecarSets, Namespaces, ControllerRevisions and the kruise-system/kruise-configuration ConfigMap ' +
        'configure the injection and are printed unchanged; --sidecarsets gives them without printing them.',
    );
  cmd.argument(
    '[TYPE/NAME...]',
    'workloads to read from the cluster (deployment/nginx, pod/web-0, cloneset/shop); with -l, TYPEs',
  );
  addFilenameFlags(cmd, 'manifests to render');
  addNamespaceFlag(cmd);
  addConnectionFlags(cmd);
  addKruiseFlags(cmd);
  cmd
    .option(
      '-l, --selector <selector>',
      'render the workloads of the cluster with these labels (kubectl syntax); TYPE arguments narrow the kinds',
    )
    .option('-A, --all-namespaces', 'with -l: read workloads in every namespace', false)
    .option('--local', 'never contact a cluster: every input comes from files', false)
    .option(
      '--verify',
      'dry-run create each rendered Pod on the cluster (dryRun=All) and report where its admission differs; exit 1 if it does',
      false,
    )
    .option('-o, --output <format>', 'output format: yaml or json', 'yaml')
    .option(
      '--sidecarsets <path>',
      'SidecarSets and other configuration to use but not print (repeatable)',
      collectPaths,
      [],
    )
    .option(
      '--keep-hash',
      'read hash annotations of SidecarSets as stored instead of recomputing them (snapshots)',
      false,
    )
    .option('-q, --quiet', 'do not print the injection report on stderr', false)
    .option('--in-place', 'rewrite the -f files that change (atomically), instead of printing', false)
    .option('--output-dir <dir>', 'write every -f file, rendered, to its mirror under DIR, instead of printing')
    .option(
      '--check',
      'print a unified diff of the -f files rendering would change; exit 1 if there are any, 2 on errors',
      false,
    )
    .option('--diff', 'print a unified diff of the -f files rendering would change, write nothing', false)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubectl sidecarset inject -f sidecarset.yaml -f deployment.yaml\n' +
        '  kustomize build . | kubectl sidecarset inject --sidecarsets platform/sidecarsets/ -f - | kubectl apply -f -\n' +
        '  kubectl sidecarset inject --sidecarsets platform/sidecarsets/ -f rendered/ --check   # CI: fail on drift\n' +
        '  kubectl sidecarset inject deployment/nginx -n shop          # the workload and SidecarSets from the cluster\n' +
        '  kubectl sidecarset inject -l app=web deployment,cloneset --verify',
    )
    .action(
      commandAction(io, setExit, (cio, args: string[], flags: InjectFlags) => new InjectCommand(args, flags, cio)),
    );
}

class InjectCommand implements CommandOptions {
  private options!: InjectOptions;
  private format: 'yaml' | 'json' = 'yaml';
  private mode: FileMode | undefined;
  /** TYPE/NAME, -l or --verify: the cluster is read */
  private live = false;

  constructor(
    private readonly args: string[],
    private readonly flags: InjectFlags,
    private readonly io: CommandIO,
  ) {}

  validate(): void {
    const { flags } = this;
    this.live = clusterUse(this.args, flags);
    if (!this.live) requireFilenames(flags.filename);
    checkStdinOnce([...flags.filename, ...flags.sidecarsets]);
    this.format = checkOutput(flags.output, ['yaml', 'json'] as const, 'yaml');
    this.options = {
      filenames: flags.filename,
      sidecarSetPaths: flags.sidecarsets,
      recursive: flags.recursive,
      namespace: objectNamespace(flags, this.io.env),
      keepHash: flags.keepHash,
      now: sourceDateEpoch(this.io.env),
      profile: kruiseProfileOf(flags),
    };
    this.mode = fileMode(flags);
    if (this.live && this.mode)
      throw new UsageError(
        `--${this.mode.kind} rewrites -f files; it cannot be combined with workloads from the cluster or --verify`,
      );
  }

  async run(io: CommandIO): Promise<number> {
    const { mode, options } = this;
    if (this.live) return this.runWithCluster(io);
    if (mode) {
      const { injectFiles } = await import('../pipeline/inject-files.js'); // with the diff library: only for these modes
      // like `kubectl diff`: --check exits 1 for a change, more for an error
      const outcome = await injectFiles(options, mode, io.stdin).catch((err: unknown) =>
        Promise.reject(mode.kind === 'check' && err instanceof SidecarsetError ? err.withExitCode(2) : err),
      );
      await write(io.stdout, outcome.diff);
      if (!this.flags.quiet) io.stderr.write(reportInjection(outcome, io) + reportFiles(outcome, mode, io));
      return mode.kind === 'check' && outcome.files.some((f) => f.changed) ? 1 : 0;
    }
    const outcome = await injectToStream(options, {
      stdin: io.stdin,
      stdout: io.stdout,
      writer: writerFor(this.format),
    });
    if (!this.flags.quiet) io.stderr.write(reportInjection(outcome, io));
    return 0;
  }

  private async runWithCluster(io: CommandIO): Promise<number> {
    const { flags } = this;
    const { injectWithCluster } = await import('../pipeline/cluster/inject.js');
    const outcome = await injectWithCluster(
      {
        ...this.options,
        cluster: clusterFlags(flags),
        workloads: { args: this.args, selector: flags.selector },
        verify: flags.verify,
      },
      { stdin: io.stdin, stdout: io.stdout, env: io.env, writer: writerFor(this.format) },
    );
    if (!flags.quiet) io.stderr.write(reportInjection(outcome, io));
    if (!outcome.verified) return 0;
    const { describeDifferences } = await import('../pipeline/cluster/verify.js');
    io.stderr.write(describeDifferences(outcome.verified.differences, outcome.verified.pods));
    return outcome.verified.differences.length > 0 ? 1 : 0;
  }
}

/** Whether the cluster is read: TYPE/NAME, -l or --verify ask for it; --local forbids it. */
function clusterUse(
  args: string[],
  flags: Pick<InjectFlags, 'selector' | 'local' | 'verify' | 'allNamespaces'>,
): boolean {
  const wanted = args.length > 0 || flags.selector !== undefined;
  if (flags.local && wanted) {
    const what = args.length > 0 ? args[0] : `-l ${flags.selector}`;
    throw new UsageError(
      `--local never contacts a cluster, and ${what} is read from one; give the manifests with -f instead`,
    );
  }
  if (flags.local && flags.verify)
    throw new UsageError('--verify asks the cluster; it cannot be combined with --local');
  if (flags.allNamespaces && flags.selector === undefined)
    throw new UsageError('-A goes with -l (workloads selected by labels in every namespace)');
  return !flags.local && (wanted || flags.verify);
}

/** --in-place, --output-dir, --check, --diff: one at most, and not with -o json (each file keeps its format). */
function fileMode(
  flags: Pick<InjectFlags, 'inPlace' | 'outputDir' | 'check' | 'diff' | 'output'>,
): FileMode | undefined {
  const modes: FileMode[] = [];
  if (flags.inPlace) modes.push({ kind: 'in-place' });
  if (flags.outputDir !== undefined) {
    if (flags.outputDir === '') throw new UsageError('--output-dir needs a directory');
    modes.push({ kind: 'output-dir', dir: flags.outputDir });
  }
  if (flags.check) modes.push({ kind: 'check' });
  if (flags.diff) modes.push({ kind: 'diff' });
  if (modes.length > 1)
    throw new UsageError('--in-place, --output-dir, --check and --diff cannot be combined; choose one');
  if (modes.length === 1 && flags.output === 'json') {
    throw new UsageError(
      `-o json cannot be combined with --${modes[0].kind}: each file is written in its own format (YAML or JSON)`,
    );
  }
  return modes[0];
}

/** stderr lines about the files: what was written, or what would change. */
function reportFiles(outcome: FilesOutcome, mode: FileMode, io: CommandIO): string {
  const c = colourFor(io);
  const changed = outcome.files.filter((f) => f.changed);
  const written = outcome.files.filter((f) => f.written);
  const total = outcome.files.length;
  const lines: string[] = [];
  if (mode.kind === 'check' || mode.kind === 'diff') {
    for (const f of changed) lines.push(`${f.source}: ${c.yellow('would change')}`);
    lines.push(
      changed.length
        ? `${changed.length} of ${countOf(total, 'file')} would change`
        : `${countOf(total, 'file')} up to date`,
    );
  } else {
    for (const f of written) lines.push(`${f.target}: ${c.green('written')}`);
    lines.push(`${countOf(written.length, 'file')} written, ${total - written.length} unchanged`);
  }
  return lines.join('\n') + '\n';
}
