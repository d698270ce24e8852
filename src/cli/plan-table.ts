// The human form of a RolloutPlan: a header (SidecarSet, strategy with its resolved numbers, what-if flags,
// images, outcome), one table row per upgraded Pod in rollout order, then what is held back and why.
// Coloured only when asked (a terminal without NO_COLOR); plain text otherwise.
import type { LabelSelector } from '../k8s/api.js';
import { labelSelectorText } from '../k8s/selector-text.js';
import type { PlanBatch, PlanPod, RolloutPlan } from '../kruise/rollout/plan-schema.js';
import { countOf } from '../words.js';
import { joinSections, kubectlTable, paint, short, type Paint } from './table-style.js';

export interface PlanTableOptions {
  wide: boolean;
  colour: boolean;
  /** RFC 3339 "now", for the AGE column */
  now: string;
}

const LIST_LIMIT = 10;

export function renderPlanTable(plan: RolloutPlan, opts: PlanTableOptions): string {
  const c = paint(opts.colour);
  return joinSections([header(plan, c), batchTable(plan, opts, c), heldBack(plan, c), footer(plan, c)]);
}

// ---- header ----

function header(plan: RolloutPlan, c: Paint): string[] {
  const s = plan.strategy;
  const lines: [string, string][] = [];
  lines.push(['SidecarSet', `${c.bold(plan.sidecarSet.name)} (hash ${short(plan.sidecarSet.hash)})`]);
  const t = plan.totals;
  lines.push(['Pods', `${t.pods} given, ${t.matched} matched${t.notMatched ? `, ${t.notMatched} not matched` : ''}`]);
  const strategy = [`${s.type || 'RollingUpdate'}${s.paused ? ', paused' : ''}`];
  strategy.push(plan.resolved.maxUnavailable.rule, plan.resolved.partition.rule);
  if (s.selector) strategy.push(`update selector: ${selectorText(s.selector)}`);
  const priority = priorityText(s.priorityStrategy);
  if (priority) strategy.push(`priority: ${priority}`);
  if (s.scatterStrategy)
    strategy.push(`scatter: ${s.scatterStrategy.map((x) => `${x.key}=${x.value}`).join(', ') || '(none)'}`);
  lines.push(['Strategy', strategy.join('; ')]);
  for (const o of plan.overrides) {
    lines.push([
      'What-if',
      `${c.yellow(`${o.flag} ${valueText(o.value)}`)} (the SidecarSet says ${o.was === null ? 'nothing' : valueText(o.was)})`,
    ]);
  }
  for (const img of plan.images) {
    const from = img.from.map((f) => `${f.image} (${countOf(f.pods, 'Pod')})`).join(', ') || '(no Pods)';
    lines.push(['Images', `${img.sidecar}: ${from} → ${c.green(img.to)}`]);
  }
  lines.push(['Outcome', outcome(plan)]);
  const stopColour = plan.stop.reason === 'Finished' ? c.green : c.yellow;
  lines.push(['Stops', stopColour(plan.stop.message)]);
  if (plan.estimate) lines.push(['Estimate', `${plan.estimate.total}: ${plan.estimate.rule}`]);
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, v]) => `${c.bold(`${k}:`.padEnd(width))}${v}`);
}

function outcome(plan: RolloutPlan): string {
  const t = plan.totals;
  const parts = [`${countOf(t.inBatches, 'Pod')} upgraded in ${countOf(t.batches, 'batch', 'batches')}`];
  const add = (n: number, what: string) => n > 0 && parts.push(`${n} ${what}`);
  add(t.updated, 'already updated');
  add(t.heldByPartition, 'held by partition');
  add(t.notSelected, 'not selected');
  add(t.notUpgradable, 'not upgradable');
  add(t.inFlight, 'in flight');
  add(t.blocked, 'blocked');
  add(t.notRolling, 'not rolling');
  return parts.join(', ');
}

// ---- batches ----

function batchTable(plan: RolloutPlan, opts: PlanTableOptions, c: Paint): string[] {
  const sidecars = plan.sidecarSet.containers.map((s) => s.name);
  const head = [
    'BATCH',
    '#',
    'POD',
    ...(opts.wide ? ['NODE', 'AGE', 'READY', 'STATUS'] : []),
    ...sidecars.map((s) => s.toUpperCase()),
    ...(opts.wide ? ['REASON'] : []),
  ];
  const table = kubectlTable(head, c);
  const byName = new Map(plan.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const blank = () => Array<string>(head.length).fill('');
  for (const b of plan.batches) {
    if (b.kind !== 'upgrade') {
      const row = blank();
      row[0] = c.bold.cyan(String(b.batch));
      row[2] = '—';
      row[head.length - 1] = c.dim(batchNote(b));
      table.push(row);
      continue;
    }
    b.pods.forEach((p, k) => {
      const pod = byName.get(`${p.namespace}/${p.name}`) as PlanPod;
      const images = sidecars.map((s) => {
        const changes = p.images.filter((i) => belongsTo(i.container, s));
        return changes.length
          ? changes.map((i) => imageChange(i.container, s, i.from, i.to)).join(', ')
          : c.dim('(image unchanged)');
      });
      const wide = opts.wide
        ? [pod.node || '<none>', age(pod.creationTimestamp, opts.now), pod.containersReady, pod.phase || '<none>']
        : [];
      const reason = pod.reason || (pod.ready ? '' : 'not ready: uses no maxUnavailable slot');
      table.push([
        k === 0 ? c.bold.cyan(String(b.batch)) : '',
        String(p.position),
        `${p.namespace}/${p.name}`,
        ...wide,
        ...images,
        ...(opts.wide ? [reason] : []),
      ]);
    });
  }
  const notes = plan.batches
    .filter((b) => b.kind === 'upgrade' && b.batch === 1)
    .map((b) => `${c.dim('batch 1:')} ${b.note}`);
  return [...table.toString().split('\n'), ...(notes.length ? ['', ...notes] : [])];
}

function batchNote(b: PlanBatch): string {
  if (b.kind === 'reset') return `${b.note}: ${b.reset.map((r) => `${r.namespace}/${r.name}`).join(', ')}`;
  return b.note;
}

function belongsTo(container: string, sidecar: string): boolean {
  return container === sidecar || container === `${sidecar}-1` || container === `${sidecar}-2`;
}

/** "1.4.0 → 1.5.0" when only the tag changes; the HotUpgrade container is named. */
function imageChange(container: string, sidecar: string, from: string, to: string): string {
  const [repoFrom, tagFrom] = splitImage(from);
  const [repoTo, tagTo] = splitImage(to);
  const change = repoFrom === repoTo && tagFrom && tagTo ? `${tagFrom} → ${tagTo}` : `${from} → ${to}`;
  return container === sidecar ? change : `${container}: ${change}`;
}

function splitImage(image: string): [string, string] {
  const at = image.indexOf('@');
  if (at >= 0) return [image.slice(0, at), short(image.slice(at + 1), 19)];
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, ''];
}

// ---- what is held back ----

function heldBack(plan: RolloutPlan, c: Paint): string[] {
  const out: string[] = [];
  const names = (refs: { namespace: string; name: string }[]) => {
    const shown = refs.slice(0, LIST_LIMIT).map((r) => `${r.namespace}/${r.name}`);
    return shown.join(', ') + (refs.length > LIST_LIMIT ? ` and ${refs.length - LIST_LIMIT} more` : '');
  };
  const withReasons = (
    label: string,
    list: { namespace: string; name: string; reason: string }[],
    colour: (s: string) => string,
  ) => {
    if (list.length === 0) return;
    out.push(colour(`${label} (${list.length}):`));
    for (const p of list.slice(0, LIST_LIMIT)) out.push(`  ${p.namespace}/${p.name}: ${p.reason}`);
    if (list.length > LIST_LIMIT) out.push(`  and ${list.length - LIST_LIMIT} more (see -o json)`);
  };
  const plain = (label: string, list: { namespace: string; name: string }[], colour: (s: string) => string) => {
    if (list.length > 0) out.push(`${colour(`${label} (${list.length}):`)} ${names(list)}`);
  };
  plain('Already updated', plan.updated, c.green);
  plain('Held back by partition', plan.heldByPartition, c.yellow);
  plain('Not selected by the update selector', plan.notSelected, c.yellow);
  withReasons('Not upgradable in place', plan.notUpgradable, c.red);
  withReasons('In flight', plan.inFlight, c.yellow);
  withReasons('Blocked', plan.blocked, c.yellow);
  withReasons('Not rolling', plan.notRolling, c.yellow);
  if (plan.notMatched.length > 0) {
    out.push(c.dim(`Not matched (${plan.notMatched.length}):`));
    for (const p of plan.notMatched.slice(0, LIST_LIMIT))
      out.push(`  ${p.namespace}/${p.name}: ${p.reason}: ${p.detail}`);
    if (plan.notMatched.length > LIST_LIMIT)
      out.push(`  and ${plan.notMatched.length - LIST_LIMIT} more (see -o json)`);
  }
  return out;
}

function footer(plan: RolloutPlan, c: Paint): string[] {
  const out = [
    c.dim(
      'Batch 1 is what Kruise upgrades now; later batches assume that pending sidecar restarts finish between rounds and that readiness does not change (-o json lists every assumption).',
    ),
  ];
  for (const w of plan.warnings) out.push(`${c.yellow('warning:')} ${w}`);
  return out;
}

// ---- small formats ----

function valueText(v: unknown): string {
  if (typeof v === 'object' && v !== null) return selectorText(v as LabelSelector);
  return String(v);
}

/** A LabelSelector in kubectl's syntax: "app=web,tier in (a,b),!legacy". */
export function selectorText(s: LabelSelector): string {
  return labelSelectorText(s) || '(everything)';
}

function priorityText(p: Record<string, unknown> | undefined): string {
  if (!p) return '';
  const weights = (Array.isArray(p.weightPriority) ? p.weightPriority : []) as {
    weight?: number;
    matchSelector?: LabelSelector;
  }[];
  if (weights.length > 0)
    return weights.map((w) => `${selectorText(w.matchSelector ?? {})} +${w.weight ?? 0}`).join(', ');
  const order = (Array.isArray(p.orderPriority) ? p.orderPriority : []) as { orderedKey?: string }[];
  if (order.length > 0) return `by label ${order.map((o) => o.orderedKey ?? '').join(', then ')} (larger number first)`;
  return '';
}

/** kubectl's AGE: duration.HumanDuration. */
function age(created: string | undefined, now: string): string {
  if (!created) return '<unknown>';
  const seconds = Math.floor((Date.parse(now) - Date.parse(created)) / 1000);
  return humanDuration(seconds);
}

export function humanDuration(seconds: number): string {
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}
