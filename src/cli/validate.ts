// `kubectl sidecarset validate`: options from flags, the SidecarSets judged, the verdicts printed on stdout
// (they are this command's payload) as text or as JSON; exit 1 when any SidecarSet would be rejected.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { SidecarSetVerdict, ValidateOptions, ValidationReport } from '../render/validate.js';
import { addFilenameFlags, checkOutput } from './flags.js';
import { write, type CommandIO } from './io.js';

interface ValidateFlags {
  filename: string[];
  recursive: boolean;
  output?: string;
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
        'Exit 0 when all are valid, 1 otherwise.',
    );
  addFilenameFlags(cmd, 'SidecarSets and their configuration');
  cmd
    .option('-o, --output <format>', 'output format: text or json', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubectl sidecarset validate -f platform/sidecarsets/\n' +
        '  kubectl sidecarset validate -f sidecarsets/ -f kruise-configuration.yaml -o json',
    )
    .action(async (flags: ValidateFlags) => {
      const { options, format } = completeValidateOptions(flags);
      const { validateManifests } = await import('../render/validate.js'); // loaded by this command only
      const report = await validateManifests(options, io.stdin);
      await write(io.stdout, format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      setExit(report.valid ? 0 : 1);
    });
}

export function completeValidateOptions(flags: ValidateFlags): { options: ValidateOptions; format: 'text' | 'json' } {
  if (flags.filename.length === 0) throw new UsageError('must specify -f (a file, a directory, or - for stdin)');
  if (flags.filename.filter((p) => p === '-').length > 1) throw new UsageError('standard input (-) can be given only once');
  return {
    options: { filenames: flags.filename, recursive: flags.recursive },
    format: checkOutput(flags.output, ['text', 'json'] as const, 'text'),
  };
}

/** One block per SidecarSet, then a summary line. */
export function formatReport(report: ValidationReport): string {
  const lines = report.sidecarSets.flatMap(verdictLines);
  const invalid = report.sidecarSets.filter((s) => !s.valid).length;
  const total = report.sidecarSets.length;
  const noun = total === 1 ? 'SidecarSet' : 'SidecarSets';
  lines.push(invalid === 0 ? `${total} ${noun} valid` : `${invalid} of ${total} ${noun} invalid`);
  return lines.join('\n') + '\n';
}

function verdictLines(v: SidecarSetVerdict): string[] {
  const place = `${v.source}: document ${v.document}${v.item !== undefined ? ` item ${v.item}` : ''}`;
  const count = v.errors.length === 1 ? '1 error' : `${v.errors.length} errors`;
  return [
    `${v.ref} (${place}): ${v.valid ? 'valid' : `invalid, ${count}`}`,
    ...v.errors.map((e) => `  ${e.message}`),
    ...v.warnings.map((w) => `  warning: ${w}`),
  ];
}
