// The human form of a RolloutStatus: a header (SidecarSet, strategy, Kruise's status counts, the verdict), one
// row per matched Pod with its state and why, and a one-line summary for `status -w` when piped.
import type { RolloutStatus, StatusPod, StatusSidecar } from '../kruise/rollout/status-schema.js';
import { joinSections, kubectlTable, paint, short, type Paint } from './table-style.js';

export interface StatusTableOptions {
  wide: boolean;
  colour: boolean;
  /** at most this many Pod rows (a terminal's height), the rest counted in one line */
  maxPods?: number;
}

const LIST_LIMIT = 10;

export function renderStatusTable(status: RolloutStatus, opts: StatusTableOptions): string {
  const c = paint(opts.colour);
  return joinSections([
    header(status, c),
    podTable(status, opts, c),
    notMatched(status, c),
    status.warnings.map((w) => `${c.yellow('warning:')} ${w}`),
  ]);
}

/** One line per change, for a pipe: "log-agent: progressing (Upgrading): 2/5 updated, 1/5 updated and ready: ..." */
export function statusLine(status: RolloutStatus): string {
  const s = status.status;
  return `${status.sidecarSet.name}: ${status.verdict.phase} (${status.verdict.reason}): ${s.updatedPods}/${s.matchedPods} updated, ${s.updatedReadyPods}/${s.matchedPods} updated and ready: ${status.verdict.message}\n`;
}

function header(status: RolloutStatus, c: Paint): string[] {
  const st = status.strategy;
  const s = status.status;
  const lines: [string, string][] = [
    ['SidecarSet', `${c.bold(status.sidecarSet.name)} (hash ${short(status.sidecarSet.hash)})`],
    [
      'Strategy',
      [
        `${st.type || 'RollingUpdate'}${st.paused ? ', paused' : ''}`,
        status.resolved.maxUnavailable.rule,
        status.resolved.partition.rule,
      ].join('; '),
    ],
    ['Images', status.sidecarSet.containers.map((x) => `${x.name} → ${c.green(x.image)}`).join(', ')],
    [
      'Pods',
      `${s.matchedPods} matched, ${s.updatedPods} updated, ${s.readyPods} ready, ${s.updatedReadyPods} updated and ready`,
    ],
  ];
  const r = status.reported;
  if (
    r &&
    (r.matchedPods !== s.matchedPods ||
      r.updatedPods !== s.updatedPods ||
      r.readyPods !== s.readyPods ||
      r.updatedReadyPods !== s.updatedReadyPods)
  ) {
    lines.push([
      'Reported',
      c.dim(
        `the SidecarSet's status says ${r.matchedPods} matched, ${r.updatedPods} updated, ${r.readyPods} ready, ${r.updatedReadyPods} updated and ready`,
      ),
    ]);
  }
  const v = status.verdict;
  const paint = v.phase === 'complete' ? c.green : v.phase === 'stalled' ? c.red : c.yellow;
  lines.push(['Rollout', `${paint(`${v.phase} (${v.reason})`)}: ${v.message}`]);
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, val]) => `${c.bold(`${k}:`.padEnd(width))}${val}`);
}

function podTable(status: RolloutStatus, opts: StatusTableOptions, c: Paint): string[] {
  if (status.pods.length === 0) return [];
  const sidecars = status.sidecarSet.containers.map((s) => s.name);
  const head = [
    'POD',
    'STATE',
    'READY',
    ...(opts.wide ? ['NODE', 'PHASE', 'REVISION', 'BATCH', 'RESTARTS'] : []),
    ...sidecars.map((s) => s.toUpperCase()),
    'REASON',
  ];
  const table = kubectlTable(head, c);
  const shown =
    opts.maxPods !== undefined && status.pods.length > opts.maxPods
      ? status.pods.slice(0, opts.maxPods - 1)
      : status.pods;
  for (const p of shown) {
    const wide = opts.wide
      ? [
          p.node || '<none>',
          p.phase || '<none>',
          revision(p, status.sidecarSet.hash),
          p.batch ? String(p.batch) : '',
          String(p.sidecars.reduce((n, s) => n + s.restartCount, 0)),
        ]
      : [];
    table.push([
      `${p.namespace}/${p.name}`,
      stateText(p, c),
      p.containersReady,
      ...wide,
      ...p.sidecars.map((s) => sidecarText(s, c)),
      p.reason,
    ]);
  }
  const more = status.pods.length - shown.length;
  return [
    ...table.toString().split('\n'),
    ...(more > 0 ? [c.dim(`… and ${more} more Pods (-o json lists every one)`)] : []),
  ];
}

function stateText(p: StatusPod, c: Paint): string {
  switch (p.state) {
    case 'Updated':
      return c.green(p.state);
    case 'Failing':
    case 'NotUpgradable':
      return c.red(p.state);
    case 'UpgradeNow':
    case 'Updating':
      return c.cyan(p.state);
    default:
      return c.yellow(p.state);
  }
}

/** The image the sidecar runs; "a → b" while its container still runs another than the Pod's spec says. */
function sidecarText(s: StatusSidecar, c: Paint): string {
  const shown = tag(s.runningImage || s.image);
  const text = s.runningImage !== '' && s.runningImage !== s.image ? `${shown} → ${tag(s.image)}` : shown;
  const waiting = s.waiting ? ` ${c.red(s.waiting)}` : '';
  return (s.image === s.wantImage ? text : c.dim(text)) + waiting;
}

function revision(p: StatusPod, current: string): string {
  if (p.revision.hash === '') return '(none)';
  return p.revision.hash === current ? `${short(p.revision.hash)} (current)` : short(p.revision.hash);
}

function notMatched(status: RolloutStatus, c: Paint): string[] {
  if (status.notMatched.length === 0) return [];
  const out = [c.dim(`Selected but not in the rollout (${status.notMatched.length}):`)];
  for (const p of status.notMatched.slice(0, LIST_LIMIT))
    out.push(`  ${p.namespace}/${p.name}: ${p.reason}: ${p.detail}`);
  if (status.notMatched.length > LIST_LIMIT)
    out.push(`  and ${status.notMatched.length - LIST_LIMIT} more (see -o json)`);
  return out;
}

// "nginx:1.25" → "1.25" would lose the repository when two sidecars differ only there: keep the whole image
// unless it is long, then its tag or digest.
function tag(image: string): string {
  if (image.length <= 40) return image;
  const at = image.indexOf('@');
  if (at >= 0) return `…@${image.slice(at + 1, at + 20)}…`;
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? `…${image.slice(image.lastIndexOf('/'))}` : image;
}
