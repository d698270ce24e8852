// `kubectl sidecarset validate`: options from flags, the SidecarSets judged, the verdicts printed on stdout
// (they are this command's payload) as text or as JSON; exit 1 when any SidecarSet would be rejected.
import { addKruiseFlags, kruiseProfileOf, type KruiseFlagValues } from './kruise-flags.js';
import type { Command } from 'commander';
import { write } from '../manifests/output.js';
import { checkStdinOnce } from '../manifests/sources.js';
import { countOf } from '../words.js';
import type { SidecarSetVerdict, ValidateOptions, ValidationReport } from '../pipeline/validate.js';
import { commandAction, type CommandOptions } from './command.js';
import { UsageError } from '../errors.js';
import { addConnectionFlags, clusterFlags, type ClusterFlagValues } from './cluster-flags.js';
import { addFilenameFlags, checkOutput, collectPaths, requireFilenames } from './flags.js';
import type { CommandIO } from './io.js';

interface ValidateFlags extends ClusterFlagValues, KruiseFlagValues {
  filename: string[];
  recursive: boolean;
  output?: string;
  stored: string[];
  live: boolean;
}

export function registerValidate(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('validate')
    .summary("check SidecarSets as Kruise's validating webhook would on create, before they reach a cluster")
    .description(
      'Checks every SidecarSet among the inputs as the OpenKruise SidecarSet webhook ' +
        "checks a create, after Kruise's defaults, and prints each error with Kruise's " +
        'field path. SidecarSets given together are checked for conflicts. The ' +
        'ControllerRevisions (injectionStrategy.revision) and the kruise-system/' +
        'kruise-configuration ConfigMap (patchPodMetadata whitelist) among the inputs ' +
        'stand for the cluster; other documents are ignored. ' +
        'With --stored (files) or --live (the cluster), a SidecarSet that is stored under the same ' +
        'name is checked as Kruise checks an update of it, and the other stored SidecarSets stand for the ' +
        'cluster. Exit 0 when all are valid, 1 otherwise.',
    );
  addFilenameFlags(cmd, 'SidecarSets and their configuration');
  addKruiseFlags(cmd);
  cmd
    .option('-o, --output <format>', 'output format: text or json', 'text')
    .option(
      '--stored <path>',
      'the objects as stored (kubectl get -o yaml): SidecarSets of the same name are checked as updates (repeatable)',
      collectPaths,
      [],
    )
    .option(
      '--live',
      "the cluster's objects are the stored ones: each SidecarSet it has is checked as an update",
      false,
    );
  addConnectionFlags(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubectl sidecarset validate -f platform/sidecarsets/\n' +
        '  kubectl sidecarset validate -f sidecarsets/ -f kruise-configuration.yaml -o json\n' +
        '  kubectl get sidecarset log-agent -o yaml > stored.yaml\n' +
        '  kubectl sidecarset validate -f log-agent.yaml --stored stored.yaml\n' +
        '  kubectl sidecarset validate -f log-agent.yaml --live --context prod',
    )
    .action(commandAction(io, setExit, (_io, flags: ValidateFlags) => new ValidateCommand(flags)));
}

class ValidateCommand implements CommandOptions {
  private options!: ValidateOptions;
  private format: 'text' | 'json' = 'text';

  constructor(private readonly flags: ValidateFlags) {}

  validate(): void {
    requireFilenames(this.flags.filename);
    checkStdinOnce([...this.flags.filename, ...this.flags.stored]);
    if (this.flags.live && this.flags.stored.length > 0) {
      throw new UsageError('--stored and --live both say where the stored objects are: give one of them');
    }
    this.format = checkOutput(this.flags.output, ['text', 'json'] as const, 'text');
    const { filename, recursive } = this.flags;
    this.options = { filenames: filename, recursive, stored: this.flags.stored, profile: kruiseProfileOf(this.flags) };
  }

  async run(io: CommandIO): Promise<number> {
    if (this.flags.live) this.options.live = { flags: clusterFlags(this.flags), env: io.env };
    const { validateManifests } = await import('../pipeline/validate.js'); // loaded by this command only
    const report = await validateManifests(this.options, io.stdin);
    await write(io.stdout, this.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.valid ? 0 : 1;
  }
}

/** One block per SidecarSet, then a summary line. */
export function formatReport(report: ValidationReport): string {
  const lines = report.sidecarSets.flatMap(verdictLines);
  const invalid = report.sidecarSets.filter((s) => !s.valid).length;
  const total = report.sidecarSets.length;
  lines.push(
    invalid === 0 ? `${countOf(total, 'SidecarSet')} valid` : `${invalid} of ${countOf(total, 'SidecarSet')} invalid`,
  );
  return lines.join('\n') + '\n';
}

function verdictLines(v: SidecarSetVerdict): string[] {
  const place = `${v.source}: document ${v.document}${v.item !== undefined ? ` item ${v.item}` : ''}`;
  const count = countOf(v.errors.length, 'error');
  return [
    `${v.ref} (${place}): ${v.valid ? 'valid' : `invalid, ${count}`}`,
    ...v.errors.map((e) => `  ${e.message}`),
    ...v.warnings.map((w) => `  warning: ${w}`),
  ];
}
