// `kubectl sidecarset inject`: options from flags, checked, then handed to the injection pipeline.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { injectManifests, type InjectOptions } from '../render/inject.js';
import type { FileMode, FilesOutcome } from '../render/files.js';
import { kruiseNow } from './clock.js';
import { addClusterFlags, clusterFlagsOf, objectNamespace, type ClusterFlagValues } from './cluster-flags.js';
import { addFilenameFlags, addNamespaceFlag, checkOutput, collectPaths } from './flags.js';
import { write, type CommandIO } from './io.js';
import { colourFor, reportInjection } from './report.js';

interface InjectFlags extends ClusterFlagValues {
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
  cmd.argument('[TYPE/NAME...]', 'workloads to read from the cluster (deployment/nginx, pod/web-0, cloneset/shop); with -l, TYPEs');
  addFilenameFlags(cmd, 'manifests to render');
  addNamespaceFlag(cmd);
  addClusterFlags(cmd);
  cmd
    .option('-l, --selector <selector>', 'render the workloads of the cluster with these labels (kubectl syntax); TYPE arguments narrow the kinds')
    .option('-A, --all-namespaces', 'with -l: read workloads in every namespace', false)
    .option('--local', 'never contact a cluster: every input comes from files', false)
    .option('--verify', "dry-run create each rendered Pod on the cluster (dryRun=All) and report where its admission differs; exit 1 if it does", false)
    .option('-o, --output <format>', 'output format: yaml or json', 'yaml')
    .option('--sidecarsets <path>', 'SidecarSets and other configuration to use but not print (repeatable)', collectPaths, [])
    .option('--keep-hash', 'read hash annotations of SidecarSets as stored instead of recomputing them (snapshots)', false)
    .option('-q, --quiet', 'do not print the injection report on stderr', false)
    .option('--in-place', 'rewrite the -f files that change (atomically), instead of printing', false)
    .option('--output-dir <dir>', 'write every -f file, rendered, to its mirror under DIR, instead of printing')
    .option('--check', 'print a unified diff of the -f files rendering would change and exit 1 if there are any', false)
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
    .action(async (args: string[], flags: InjectFlags) => {
      const live = completeClusterUse(args, flags);
      const options = completeInjectOptions(flags, io, live);
      const mode = completeFileMode(flags);
      if (live) {
        if (mode) throw new UsageError(`--${mode.kind} rewrites -f files; it cannot be combined with workloads from the cluster or --verify`);
        const { injectWithCluster } = await import('../pipeline/cluster/inject.js');
        const outcome = await injectWithCluster({ ...options, cluster: clusterFlagsOf(flags), workloads: { args, selector: flags.selector }, verify: flags.verify }, io);
        if (!options.quiet) io.stderr.write(reportInjection(outcome, io));
        if (outcome.verified) {
          const { describeDifferences } = await import('../pipeline/cluster/verify.js');
          io.stderr.write(describeDifferences(outcome.verified.differences, outcome.verified.pods));
        }
        setExit(outcome.verified && outcome.verified.differences.length > 0 ? 1 : 0);
        return;
      }
      if (mode) {
        const { injectFiles } = await import('../render/files.js'); // with the diff library: only for these modes
        const outcome = await injectFiles(options, mode, io.stdin);
        await write(io.stdout, outcome.diff);
        if (!options.quiet) io.stderr.write(reportInjection(outcome, io) + reportFiles(outcome, mode, io));
        setExit(mode.kind === 'check' && outcome.files.some((f) => f.changed) ? 1 : 0);
        return;
      }
      const outcome = await injectManifests(options, io);
      if (!options.quiet) io.stderr.write(reportInjection(outcome, io));
      setExit(0);
    });
}

/** Whether the cluster is read: TYPE/NAME, -l or --verify ask for it; --local forbids it. */
export function completeClusterUse(args: string[], flags: Pick<InjectFlags, 'selector' | 'local' | 'verify' | 'allNamespaces'>): boolean {
  const wanted = args.length > 0 || flags.selector !== undefined;
  if (flags.local && wanted) {
    const what = args.length > 0 ? args[0] : `-l ${flags.selector}`;
    throw new UsageError(`--local never contacts a cluster, and ${what} is read from one; give the manifests with -f instead`);
  }
  if (flags.local && flags.verify) throw new UsageError('--verify asks the cluster; it cannot be combined with --local');
  if (flags.allNamespaces && flags.selector === undefined) throw new UsageError('-A goes with -l (workloads selected by labels in every namespace)');
  return !flags.local && (wanted || flags.verify);
}

export function completeInjectOptions(flags: InjectFlags, io: CommandIO, live = false): InjectOptions {
  if (flags.filename.length === 0 && !live) throw new UsageError('must specify -f (a file, a directory, or - for stdin), or TYPE/NAME or -l to read workloads from the cluster');
  const stdinUses = [...flags.filename, ...flags.sidecarsets].filter((p) => p === '-').length;
  if (stdinUses > 1) throw new UsageError('standard input (-) can be given only once');
  return {
    filenames: flags.filename,
    sidecarSetPaths: flags.sidecarsets,
    recursive: flags.recursive,
    output: checkOutput(flags.output, ['yaml', 'json'] as const, 'yaml'),
    namespace: objectNamespace(flags, io.env),
    keepHash: flags.keepHash,
    quiet: flags.quiet,
    now: kruiseNow(io.env),
  };
}

/** --in-place, --output-dir, --check, --diff: one at most, and not with -o json (each file keeps its format). */
export function completeFileMode(flags: Pick<InjectFlags, 'inPlace' | 'outputDir' | 'check' | 'diff' | 'output'>): FileMode | undefined {
  const modes: FileMode[] = [];
  if (flags.inPlace) modes.push({ kind: 'in-place' });
  if (flags.outputDir !== undefined) {
    if (flags.outputDir === '') throw new UsageError('--output-dir needs a directory');
    modes.push({ kind: 'output-dir', dir: flags.outputDir });
  }
  if (flags.check) modes.push({ kind: 'check' });
  if (flags.diff) modes.push({ kind: 'diff' });
  if (modes.length > 1) throw new UsageError('--in-place, --output-dir, --check and --diff cannot be combined; choose one');
  if (modes.length === 1 && flags.output === 'json') {
    throw new UsageError(`-o json cannot be combined with --${modes[0].kind}: each file is written in its own format (YAML or JSON)`);
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
    lines.push(changed.length ? `${changed.length} of ${plural(total, 'file')} would change` : `${plural(total, 'file')} up to date`);
  } else {
    for (const f of written) lines.push(`${f.target}: ${c.green('written')}`);
    lines.push(`${plural(written.length, 'file')} written, ${total - written.length} unchanged`);
  }
  return lines.join('\n') + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
