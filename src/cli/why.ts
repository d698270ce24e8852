// `kubectl sidecarset why TYPE/NAME`: options filled once from flags (complete), checked (validate), then the
// explanation gathered from the cluster and printed on stdout (this command's payload) as text, JSON or YAML.
import type { Command } from 'commander';
import type { InjectionExplanation } from '../kruise/inject/why.js';
import { parseTarget, type WhyOptions } from '../pipeline/why-target.js';
import { kruiseNow } from './clock.js';
import { checkOutput } from './flags.js';
import { write } from '../manifests/output.js';
import { addConnectionFlags, clusterFlags, type ClusterFlagValues } from './cluster-flags.js';
import { addKruiseFlags, kruiseProfileOf, type KruiseFlagValues } from './kruise-flags.js';
import { commandAction, type CommandOptions } from './command.js';
import type { CommandIO } from './io.js';

type WhyFlags = ClusterFlagValues & KruiseFlagValues & { output?: string };

const FORMATS = ['text', 'json', 'yaml'] as const;
type Format = (typeof FORMATS)[number];

export function registerWhy(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('why')
    .argument(
      '<TYPE/NAME>',
      'pod/NAME, or a workload (deployment/NAME, cloneset/NAME, ...) for a Pod it would create now',
    )
    .summary('explain why a Pod was or was not injected by each SidecarSet, layer by layer')
    .description(
      "Reads the object from the cluster with everything Kruise's Pod webhook looks at and explains, for every " +
        "SidecarSet: whether Kruise's MutatingWebhookConfiguration sees the Pod (rules, namespaceSelector, " +
        'objectSelector, ready endpoints, failurePolicy), whether the Pod was created before the SidecarSet or its ' +
        "last change (injection happens only at creation), what the SidecarSet's own rules decide (selectors, " +
        'paused, pinned revision, canary, conflicts), and what injecting now would render against the live Pod. ' +
        'Every reason has a stable code in -o json|yaml (apiVersion kubectl-sidecarset/v1, kind InjectionExplanation).',
    )
    .option('-n, --namespace <name>', "the object's namespace (default: the context's)")
    .option('-o, --output <format>', 'output format: text, json or yaml', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubectl sidecarset why pod/web-0\n' +
        '  kubectl sidecarset why deployment/web -n shop -o json',
    );
  addKruiseFlags(addConnectionFlags(cmd)).action(
    commandAction(io, setExit, (cio, target: string, flags: WhyFlags) => new WhyCommand(target, flags, cio)),
  );
}

class WhyCommand implements CommandOptions {
  private options!: WhyOptions;
  private format: Format = 'text';

  constructor(
    private readonly target: string,
    private readonly flags: WhyFlags,
    private readonly io: Pick<CommandIO, 'env'>,
  ) {}

  validate(): void {
    const { target, flags } = this;
    const env = this.io.env;
    this.options = { target, flags: clusterFlags(flags), env, now: kruiseNow(env), profile: kruiseProfileOf(flags) };
    parseTarget(this.options.target);
    this.format = checkOutput(this.flags.output, FORMATS, 'text');
  }

  async run(io: CommandIO): Promise<number> {
    const { explainTarget } = await import('../pipeline/why.js'); // reaches the cluster: loaded by this command only
    await write(io.stdout, await printExplanation(await explainTarget(this.options), this.format));
    return 0;
  }
}

export async function printExplanation(explanation: InjectionExplanation, format: Format): Promise<string> {
  if (format === 'json') return `${JSON.stringify(explanation, null, 2)}\n`;
  if (format === 'yaml') {
    const { stringify } = await import('yaml');
    return stringify(explanation);
  }
  const { explanationText } = await import('../kruise/inject/why-text.js');
  return explanationText(explanation);
}
