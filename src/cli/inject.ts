// `kubectl sidecarset inject`: options from flags, checked, then handed to the injection pipeline.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { injectManifests, type InjectOptions } from '../render/inject.js';
import type { FileMode, FilesOutcome } from '../render/files.js';
import { kruiseNow } from './clock.js';
import { addFilenameFlags, addNamespaceFlag, checkOutput, collectPaths } from './flags.js';
import { write, type CommandIO } from './io.js';
import { colourFor, reportInjection } from './report.js';

interface InjectFlags {
  filename: string[];
  recursive: boolean;
  output?: string;
  namespace: string;
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
  addFilenameFlags(cmd, 'manifests to render');
  addNamespaceFlag(cmd);
  cmd
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
        '  kubectl sidecarset inject --sidecarsets platform/sidecarsets/ -f rendered/ --check   # CI: fail on drift',
    )
    .action(async (flags: InjectFlags) => {
      const options = completeInjectOptions(flags, io);
      const mode = completeFileMode(flags);
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

export function completeInjectOptions(flags: InjectFlags, io: CommandIO): InjectOptions {
  if (flags.filename.length === 0) throw new UsageError('must specify -f (a file, a directory, or - for stdin)');
  const stdinUses = [...flags.filename, ...flags.sidecarsets].filter((p) => p === '-').length;
  if (stdinUses > 1) throw new UsageError('standard input (-) can be given only once');
  return {
    filenames: flags.filename,
    sidecarSetPaths: flags.sidecarsets,
    recursive: flags.recursive,
    output: checkOutput(flags.output, ['yaml', 'json'] as const, 'yaml'),
    namespace: flags.namespace,
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
