// `kubectl sidecarset status NAME [-w]`: options from flags, checked, then cluster → rolloutStatus → a printer.
// With -w it follows the rollout through watches and exits when it is complete (0), stalled (3) or out of time
// (4); see STATUS_EXIT.
import { addKruiseFlags, kruiseProfileOf, type KruiseFlagValues } from './kruise-flags.js';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { formatGoDuration } from '../go/duration.js';
import type { RolloutStatus } from '../kruise/rollout/status-schema.js';
import type { LiveInputs, LiveStatusOptions } from '../pipeline/live-status.js';
import { addClusterFlags, clusterFlags, type ClusterFlagValues } from './cluster-flags.js';
import { commandAction, type CommandOptions } from './command.js';
import { checkOutput, durationFlag } from './flags.js';
import { terminalDraw, terminalRows } from './terminal-draw.js';
import { write } from '../manifests/output.js';
import { colourEnabled, type CommandIO } from './io.js';

/** Exit codes of `status -w` beyond 0 (complete), 1 (error) and 2 (usage). */
export const STATUS_EXIT = { stalled: 3, timeout: 4 } as const;

/** A TTY is redrawn at most this often. */
export const REDRAW_MS = 200;

interface StatusFlags extends ClusterFlagValues, KruiseFlagValues {
  watch: boolean;
  output?: string;
  timeout: string;
}

export interface StatusOptions {
  live: LiveStatusOptions;
  cluster: ReturnType<typeof clusterFlags>;
  output: 'table' | 'wide' | 'json' | 'yaml';
  watch: boolean;
  /** ns; 0 for none */
  timeout: bigint;
}

export function registerStatus(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  const cmd = program
    .command('status')
    .argument('<sidecarset>', "the SidecarSet's name (completed from the cluster)")
    .summary("show where a SidecarSet's rollout stands on the cluster's Pods, and follow it with -w")
    .description(
      'Reads the SidecarSet and the Pods it selects from the cluster and shows, per Pod, the revision its sidecars ' +
        'run, whether it is updated and ready, and what Kruise does with it next and why (the reasons plan-rollout ' +
        'gives); then a verdict: complete, progressing, or stalled and why. With -w it watches the Pods and the ' +
        `SidecarSet and exits 0 when every matched Pod is updated and ready, ${STATUS_EXIT.stalled} when the rollout is stalled, ` +
        `${STATUS_EXIT.timeout} when --timeout passes first.`,
    )
    .option('-w, --watch', 'follow the rollout until it is complete, stalled, or --timeout passes', false)
    .option('-o, --output <format>', 'output format: table, wide, json or yaml', 'table')
    .option('--timeout <duration>', 'with -w, give up after this long (0s: never)', '0s');
  addKruiseFlags(addClusterFlags(cmd))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubectl sidecarset status log-agent\n' +
        '  kubectl sidecarset status log-agent -w --timeout 10m\n' +
        '  kubectl sidecarset status log-agent -o json | jq .verdict\n' +
        `\nExit codes with -w: 0 complete, 1 error, 2 usage, ${STATUS_EXIT.stalled} stalled, ${STATUS_EXIT.timeout} timed out.`,
    )
    .action(commandAction(io, setExit, (_io, name: string, flags: StatusFlags) => new StatusCommand(name, flags)));
}

class StatusCommand implements CommandOptions {
  private options!: StatusOptions;

  constructor(
    private readonly name: string,
    private readonly flags: StatusFlags,
  ) {}

  validate(): void {
    // the rollout code paths do not differ between the modelled releases: the flags are only checked
    kruiseProfileOf(this.flags);
    this.options = completeStatusOptions(this.name, this.flags);
  }

  run(io: CommandIO): Promise<number> {
    return runStatus(this.options, io);
  }
}

export function completeStatusOptions(name: string, flags: StatusFlags): StatusOptions {
  const timeout = durationFlag('--timeout', flags.timeout);
  if (timeout > 0n && !flags.watch) throw new UsageError('--timeout needs -w');
  const cluster = clusterFlags(flags);
  return {
    live: { name, namespace: flags.allNamespaces ? undefined : flags.namespace, labelSelector: flags.selector },
    cluster,
    output: checkOutput(flags.output, ['table', 'wide', 'json', 'yaml'] as const, 'table'),
    watch: flags.watch,
    timeout,
  };
}

export async function runStatus(options: StatusOptions, io: CommandIO): Promise<number> {
  // the cluster client and the core are loaded when the command runs, never at start-up
  const [api, live, { rolloutStatus }, { simulateFast }] = await Promise.all([
    import('../cluster/index.js'),
    import('../pipeline/live-status.js'),
    import('../kruise/rollout/status.js'),
    import('../kruise/rollout/simulate-fast.js'),
  ]);
  const cluster = await api.connect(options.cluster, io.env);
  const statusOf = (inputs: LiveInputs) => rolloutStatus(inputs, simulateFast);
  const printer = await statusPrinter(options, io);
  if (!options.watch) {
    const inputs = await live.readLiveInputs(api, cluster, options.live);
    for (const note of inputs.notes) io.stderr.write(`note: ${note}\n`);
    const status = statusOf(inputs);
    await printer.show(status);
    await printer.done(status);
    return 0;
  }

  const ctl = new AbortController();
  let timedOut = false;
  const timer =
    options.timeout > 0n
      ? setTimeout(() => ((timedOut = true), ctl.abort()), Number(options.timeout / 1_000_000n))
      : undefined;
  let last: RolloutStatus | undefined;
  let noted = false;
  try {
    for await (const inputs of live.watchLiveInputs(api, cluster, options.live, ctl.signal)) {
      if (!noted) for (const note of inputs.notes) io.stderr.write(`note: ${note}\n`);
      noted = true;
      last = statusOf(inputs);
      await printer.show(last);
      if (last.verdict.phase !== 'progressing') break;
    }
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
  if (last) await printer.done(last);
  if (timedOut || !last) {
    const where = last ? `: ${last.verdict.phase} (${last.verdict.reason}): ${last.verdict.message}` : '';
    io.stderr.write(
      `error: timed out after ${formatGoDuration(options.timeout)} waiting for the rollout of SidecarSet "${options.live.name}"${where}\n`,
    );
    return STATUS_EXIT.timeout;
  }
  if (last.verdict.phase === 'stalled') {
    io.stderr.write(
      `error: the rollout of SidecarSet "${options.live.name}" is stalled (${last.verdict.reason}): ${last.verdict.message}\n`,
    );
    return STATUS_EXIT.stalled;
  }
  return 0;
}

// ---- printers ----

interface StatusPrinter {
  /** a new state (for -w: after every change) */
  show(status: RolloutStatus): Promise<void>;
  /** the last state, when the command ends */
  done(status: RolloutStatus): Promise<void>;
}

async function statusPrinter(options: StatusOptions, io: CommandIO): Promise<StatusPrinter> {
  const colour = colourEnabled(io, 'stdout');
  if (options.output === 'json') {
    // one document, or with -w one compact document per line (JSON lines)
    const text = (s: RolloutStatus) => (options.watch ? JSON.stringify(s) : JSON.stringify(s, null, 2)) + '\n';
    return changesOnly((s) => write(io.stdout, text(s)));
  }
  if (options.output === 'yaml') {
    return changesOnly((s) => write(io.stdout, (options.watch ? '---\n' : '') + stringify(s, { lineWidth: 0 })));
  }
  const { renderStatusTable, statusLine } = await import('./status-table.js');
  const table = (s: RolloutStatus, maxPods?: number) =>
    renderStatusTable(s, { wide: options.output === 'wide', colour, maxPods });
  if (!options.watch) return { show: (s) => write(io.stdout, table(s)), done: async () => undefined };
  if (io.stdoutIsTTY !== true) {
    // piped: one line per change of the summary
    let previous = '';
    const line = async (s: RolloutStatus) => {
      const text = statusLine(s);
      if (text !== previous) await write(io.stdout, text);
      previous = text;
    };
    return { show: line, done: async () => undefined };
  }
  return terminalPrinter(io, table);
}

/** Prints a state only when it differs from the last one printed. */
function changesOnly(print: (s: RolloutStatus) => Promise<void>): StatusPrinter {
  let previous = '';
  return {
    show: async (s) => {
      const key = JSON.stringify(s);
      if (key !== previous) await print(s);
      previous = key;
    },
    done: async () => undefined,
  };
}

// The throttle keeps a busy rollout of thousands of Pods from redrawing faster than anyone reads.

async function terminalPrinter(
  io: CommandIO,
  table: (s: RolloutStatus, maxPods?: number) => string,
): Promise<StatusPrinter> {
  const draw = await terminalDraw(io);
  let drawnAt = 0;
  let pending: RolloutStatus | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    // the header (verdict first of all) stays in sight: the Pod rows give way when the window is short
    const fixed = table(pending, 1).split('\n').length; // everything but the Pod rows
    draw(table(pending, Math.max(3, terminalRows() - fixed)).replace(/\n$/, ''));
    drawnAt = Date.now();
    pending = undefined;
  };
  return {
    show: async (s) => {
      pending = s;
      const wait = drawnAt + REDRAW_MS - Date.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    done: async (s) => {
      clearTimeout(timer);
      pending = s;
      flush();
      draw.done();
    },
  };
}
