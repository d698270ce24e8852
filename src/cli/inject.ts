// `kubectl sidecarset inject`: options from flags, checked, then handed to the injection pipeline.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { injectManifests, type InjectOptions } from '../render/inject.js';
import { kruiseNow } from './clock.js';
import { addFilenameFlags, addNamespaceFlag, checkOutput, collectPaths } from './flags.js';
import type { CommandIO } from './io.js';
import { reportInjection } from './report.js';

interface InjectFlags {
  filename: string[];
  recursive: boolean;
  output?: string;
  namespace: string;
  sidecarsets: string[];
  keepHash: boolean;
  quiet: boolean;
}

export function registerInject(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('inject')
    .summary("render Pods and workloads with their sidecars injected, exactly as Kruise's webhook would")
    .description(
      'Reads manifests and prints them with the sidecars of the SidecarSets among the inputs injected into every\n' +
        'Pod and pod template, as the OpenKruise Pod webhook would inject them into each Pod at creation.\n' +
        'SidecarSets, Namespaces, ControllerRevisions and the kruise-system/kruise-configuration ConfigMap\n' +
        'configure the injection and are printed unchanged; --sidecarsets gives them without printing them.',
    );
  addFilenameFlags(cmd, 'manifests to render');
  addNamespaceFlag(cmd);
  cmd
    .option('-o, --output <format>', 'output format: yaml or json', 'yaml')
    .option('--sidecarsets <path>', 'SidecarSets and other configuration to use but not print (repeatable)', collectPaths, [])
    .option('--keep-hash', 'read hash annotations of SidecarSets as stored instead of recomputing them (snapshots)', false)
    .option('-q, --quiet', 'do not print the injection report on stderr', false)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubectl sidecarset inject -f sidecarset.yaml -f deployment.yaml\n' +
        '  kustomize build . | kubectl sidecarset inject --sidecarsets platform/sidecarsets/ -f - | kubectl apply -f -',
    )
    .action(async (flags: InjectFlags) => {
      const options = completeInjectOptions(flags, io);
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
