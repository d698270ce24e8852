// planRollout: the public entry of the rollout core. Batch 1 is one reconcile of Kruise's controller on the
// state given; later batches come from the simulation (reference: round by round). The plan's schema is in
// plan-schema.ts, its words in plan-text.ts.
import { SidecarsetError } from '../../errors.js';
import type { Pod } from '../../k8s/api.js';
import { formatMetaTime } from '../../k8s/meta-time.js';
import { countOf } from '../../words.js';
import type { SidecarSet, SidecarSetUpdateStrategy } from '../apis/types.js';
import type { NamespaceLabels } from '../sidecarcontrol/match.js';
import { buildRolloutContext, overrideStrategy } from './context.js';
import { resolveMaxUnavailable } from './max-unavailable.js';
import { MODEL_ASSUMPTIONS } from './model.js';
import { resolvePartition } from './partition.js';
import {
  PLAN_API_VERSION,
  PLAN_KIND,
  type PlanBatch,
  type PlanBatchPod,
  type PlanImageChange,
  type PlanNotMatched,
  type PlanOverride,
  type PlanPod,
  type PodDisposition,
  type PodReason,
  type PodRef,
  type RolloutPlan,
} from './plan-schema.js';
import {
  estimate,
  finalDisposition,
  firstRoundNote,
  notUpgradableReason,
  readyText,
  stopReason,
  upgradeNote,
  warnings,
  whyNotFirst,
} from './plan-text.js';
import { CONSISTENT, readAllPodFacts, READY, UPDATED } from './pod-facts.js';
import { readPodRecords } from './pod-record.js';
import { podContainer, workingAndIdle } from './pod-state.js';
import { reconcileRound } from './round.js';
import { SharedLists } from './shared-lists.js';
import { simulateReference } from './simulate-reference.js';
import type {
  Place,
  PodInRound,
  PodRecord,
  ResolvedNumber,
  RolloutContext,
  RolloutPod,
  RoundResult,
  Simulate,
  SimulatedRound,
  Simulation,
  StrategyOverrides,
} from './types.js';

export interface PlanInput {
  /** the SidecarSet as Kruise stores it (defaulted, hash annotations set) */
  sidecarSet: SidecarSet;
  /**
   * the Pods as they are now, in the order given: the objects, or the records podRecordReader made of them for
   * this SidecarSet and these namespaces (a plan changes its records: one plan per set of records)
   */
  pods: readonly Pod[] | { records: readonly PodRecord[] };
  namespaces: NamespaceLabels;
  overrides?: StrategyOverrides;
  /** nanoseconds per batch, for the estimate */
  batchDuration?: bigint;
}

export function planRollout(input: PlanInput, simulate: Simulate = simulateReference): RolloutPlan {
  const { sidecarSet, overrides = {} } = input;
  const fileStrategy = sidecarSet.spec?.updateStrategy ?? {};
  const strategy = overrideStrategy(fileStrategy, overrides);
  const ctx = buildRolloutContext(sidecarSet, strategy);

  const records =
    'records' in input.pods ? input.pods.records : readPodRecords(sidecarSet, input.namespaces, input.pods);
  const { pods, nonImage, notMatched } = gatherPods(records);
  const facts = readAllPodFacts(ctx, pods);
  const startImages = new SharedLists<StartState['images'][number]>(['sidecar', 'container', 'image']);
  const start = pods.map((p, i) => snapshot(ctx, p, facts[i], startImages));

  const { first, rounds, final } = simulate.withBoundaries
    ? simulate.withBoundaries(ctx, pods, facts)
    : withReferenceBoundaries(simulate, ctx, pods, facts);

  const { batchOf, positionOf, inBatches } = batchPlaces(rounds, pods.length);

  const firstPlaces = placesIn(first);
  const finalPlaces = placesIn(final);
  const notUpgradable = (i: number) => notUpgradableReason(ctx, nonImage[i], pods[i]);
  const planPods = pods.map((p, i) =>
    describePod(
      p,
      start[i],
      batchOf[i],
      positionOf[i],
      { round: first, place: firstPlaces[i] },
      { round: final, place: finalPlaces[i] },
      notUpgradable,
    ),
  );
  const group = groupByDisposition(planPods);
  const ref = (p: PodRef): PodRef => ({ namespace: p.namespace, name: p.name });
  const withReason = (p: PlanPod): PodReason => ({ namespace: p.namespace, name: p.name, reason: p.reason });

  const notes = new Map<number, string>();
  const changes = new SharedLists<PlanImageChange>(['container', 'from', 'to']);
  const batches = rounds.map((r) => describeRound(r, pods, start, first, ctx, notes, changes));
  const plan: RolloutPlan = {
    apiVersion: PLAN_API_VERSION,
    kind: PLAN_KIND,
    sidecarSet: {
      name: ctx.name,
      hash: ctx.hash,
      hashWithoutImage: ctx.hashWithoutImage,
      containers: ctx.sidecars.map((s) => ({
        name: s.name,
        image: s.image,
        upgradeType: s.hot ? 'HotUpgrade' : 'ColdUpgrade',
        ...(s.hot ? { hotUpgradeEmptyImage: s.emptyImage } : {}),
      })),
    },
    strategy,
    overrides: describeOverrides(fileStrategy, overrides),
    resolved: {
      matchedPods: pods.length,
      ...resolvedNumbers(ctx, pods.length),
    },
    status: first.status,
    images: imageSummary(ctx, start),
    totals: {
      pods: records.length,
      matched: pods.length,
      notMatched: notMatched.length,
      updated: group('updated').length,
      inBatches,
      batches: batches.length,
      heldByPartition: group('heldByPartition').length,
      notSelected: group('notSelected').length,
      notUpgradable: group('notUpgradable').length,
      inFlight: group('inFlight').length,
      blocked: group('blocked').length,
      notRolling: group('paused').length + group('notUpdate').length,
    },
    batches,
    pods: planPods,
    updated: group('updated').map(ref),
    heldByPartition: group('heldByPartition').map(ref),
    notSelected: group('notSelected').map(ref),
    notUpgradable: group('notUpgradable').map(withReason),
    inFlight: group('inFlight').map(withReason),
    blocked: group('blocked').map(withReason),
    notRolling: [...group('paused'), ...group('notUpdate')].map(withReason),
    notMatched,
    stop: stopReason(final, pods),
    model: { assumptions: [...MODEL_ASSUMPTIONS] },
    warnings: warnings(pods, strategy, overrides),
  };
  if (input.batchDuration !== undefined) plan.estimate = estimate(rounds, input.batchDuration);
  return plan;
}

/**
 * The matched Pods (as Kruise lists them, with their indexes set) and the others, each checked once: every
 * Pod has a name and is given once, and every namespace spec.namespaceSelector needs was given.
 */
function gatherPods(records: readonly PodRecord[]): {
  pods: RolloutPod[];
  nonImage: (string[] | null)[];
  notMatched: PlanNotMatched[];
} {
  const pods: RolloutPod[] = [];
  const nonImage: (string[] | null)[] = [];
  const notMatched: PlanNotMatched[] = [];
  const names = new PodNames();
  let twice: SidecarsetError | undefined;
  for (const r of records) {
    if (r.matched) {
      r.pod.index = pods.length;
      pods.push(r.pod);
      nonImage.push(r.nonImage);
      twice ??= names.add(r.pod);
    } else {
      notMatched.push({ namespace: r.namespace, name: r.name, reason: r.reason, detail: r.detail });
    }
  }
  const unknown = [
    ...new Set(notMatched.filter((m) => m.reason === 'NamespaceLabelsUnknown').map((m) => m.namespace)),
  ].sort();
  if (unknown.length > 0) {
    throw new SidecarsetError(
      `needs the labels of namespace${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, ` +
        'which were not given: pass the Namespace objects (kubectl get namespaces -o yaml) with -f',
      { field: 'spec.namespaceSelector', fieldIsSubject: true },
    );
  }
  if (twice) throw twice;
  for (const m of notMatched) {
    const problem = names.add(m);
    if (problem) throw problem;
  }
  return { pods, nonImage, notMatched };
}

/** Where each Pod is upgraded: its batch (0: none) and its position in it. */
function batchPlaces(
  rounds: readonly SimulatedRound[],
  n: number,
): { batchOf: Int32Array; positionOf: Int32Array; inBatches: number } {
  const batchOf = new Int32Array(n);
  const positionOf = new Int32Array(n);
  let inBatches = 0;
  for (const r of rounds) {
    if (r.kind !== 'upgrade') continue;
    inBatches += r.pods.length;
    r.pods.forEach((i, k) => {
      batchOf[i] = r.round;
      positionOf[i] = k + 1;
    });
  }
  return { batchOf, positionOf, inBatches };
}

function groupByDisposition(planPods: readonly PlanPod[]): (d: PodDisposition) => PlanPod[] {
  const groups = new Map<PodDisposition, PlanPod[]>();
  for (const p of planPods) {
    const list = groups.get(p.disposition);
    if (list) list.push(p);
    else groups.set(p.disposition, [p]);
  }
  return (d) => groups.get(d) ?? [];
}

/** Round 1 before the simulation, the round after the last one after it (see Simulation). */
function withReferenceBoundaries(
  simulate: Simulate,
  ctx: RolloutContext,
  pods: RolloutPod[],
  facts: Uint8Array,
): Simulation {
  const first = reconcileRound(ctx, pods, { facts });
  const rounds = simulate(ctx, pods);
  return { first, rounds, final: reconcileRound(ctx, pods) };
}

// ---- the state at the start, kept before the simulation changes the Pods ----

interface StartState {
  updated: boolean;
  ready: boolean;
  /** why an updated Pod holds a maxUnavailable slot at the start ("" when it does not) */
  holdsSlot: string;
  images: { sidecar: string; container: string; image: string }[];
}

function snapshot(
  ctx: RolloutContext,
  p: RolloutPod,
  facts: number,
  shared: SharedLists<StartState['images'][number]>,
): StartState {
  const updated = (facts & UPDATED) !== 0;
  const ready = (facts & READY) !== 0;
  const consistent = (facts & CONSISTENT) !== 0;
  return {
    updated,
    ready,
    holdsSlot:
      !updated || (consistent && ready)
        ? ''
        : `${!consistent ? 'its in-place update is in flight' : 'not ready'}: holds a maxUnavailable slot`,
    images: shared.of(
      ctx.sidecars.map((s) => {
        const container = s.hot ? workingAndIdle(p, s)[0] : s.name;
        return { sidecar: s.name, container, image: podContainer(p, container)?.image ?? '' };
      }),
    ),
  };
}

/** The Pods seen so far, by namespace and name: a Pod without a name, or one seen before, is a problem. */
class PodNames {
  private readonly seen = new Map<string, Set<string>>(); // namespace -> names

  add(r: PodRef): SidecarsetError | undefined {
    if (r.name === '') return new SidecarsetError('a Pod has no metadata.name', { field: 'metadata.name' });
    let names = this.seen.get(r.namespace);
    if (!names) this.seen.set(r.namespace, (names = new Set()));
    const size = names.size;
    if (names.add(r.name).size === size)
      return new SidecarsetError(`Pod ${r.namespace}/${r.name} is given twice`, { field: 'metadata.name' });
    return undefined;
  }
}

// ---- per Pod ----

/** Each Pod's place in a round, by index (undefined when the round did not run the strategy, or for the batch). */
function placesIn(r: RoundResult): (Place | undefined)[] {
  const out: (Place | undefined)[] = new Array(r.status.matchedPods).fill(undefined);
  const s = r.strategy;
  if (!s) return out;
  const lists: [Place, number[]][] = [
    ['updated', s.updated],
    ['notSelected', s.notSelected],
    ['notUpgradable', s.notUpgradable],
    ['inFlight', s.inFlight],
    ['heldByPartition', s.heldByPartition],
    ['waiting', s.waiting],
  ];
  for (const [place, list] of lists) for (const i of list) out[i] = place;
  return out;
}

function describePod(
  p: RolloutPod,
  start: StartState,
  batch: number,
  position: number,
  first: PodInRound,
  final: PodInRound,
  notUpgradable: (index: number) => string,
): PlanPod {
  const [disposition, reason]: [PodDisposition, string] =
    batch > 0
      ? ['batch', batch === 1 ? '' : whyNotFirst(first)]
      : start.updated
        ? ['updated', start.holdsSlot ? `already updated; ${start.holdsSlot}` : 'already updated']
        : finalDisposition(p, final, () => notUpgradable(p.index));
  // built key by key, in the schema's order
  const out = { namespace: p.namespace, name: p.name, disposition } as PlanPod;
  if (batch > 0) {
    out.batch = batch;
    out.position = position;
  }
  out.reason = reason;
  out.node = p.nodeName;
  out.phase = p.phase;
  if (p.creationTime !== null) out.creationTimestamp = formatMetaTime(p.creationTime);
  let ready = 0;
  for (const s of p.statuses) if (s.ready) ready++;
  out.containersReady = readyText(ready, p.containers.length);
  out.ready = start.ready;
  out.images = start.images;
  return out;
}

// ---- per batch ----

function describeRound(
  r: SimulatedRound,
  pods: readonly RolloutPod[],
  start: readonly StartState[],
  first: RoundResult,
  ctx: RolloutContext,
  notes: Map<number, string>,
  changes: SharedLists<PlanImageChange>,
): PlanBatch {
  if (r.kind === 'reset') {
    return {
      batch: r.round,
      kind: 'reset',
      pods: [],
      reset: r.pods.map((i) => ({ namespace: pods[i].namespace, name: pods[i].name })),
      note: `HotUpgrade: the old container of ${countOf(r.pods.length, 'Pod')} goes back to the empty image; nothing is upgraded in this round`,
    };
  }
  let free = 0;
  const batchPods = r.pods.map((i, k): PlanBatchPod => {
    const p = pods[i];
    if (!start[i].ready) free++;
    return {
      namespace: p.namespace,
      name: p.name,
      position: k + 1,
      node: p.nodeName,
      ready: start[i].ready,
      images: changes.of(r.changes[k] ?? []),
    };
  });
  const note = r.round === 1 ? firstRoundNote(first, ctx, pods) : upgradeNote(batchPods.length, free, notes);
  return { batch: r.round, kind: r.kind === 'none' ? 'none' : 'upgrade', pods: batchPods, reset: NO_PODS, note };
}

/** The empty list of an upgrade batch's reset Pods, shared (frozen). */
const NO_PODS: PodRef[] = Object.freeze([]) as unknown as PodRef[];

// ---- whole plan ----

// Rounds that stop before the strategy runs still have numbers worth showing.
function resolvedNumbers(
  ctx: RolloutContext,
  n: number,
): { partition: ResolvedNumber; maxUnavailable: ResolvedNumber } {
  return {
    partition: resolvePartition(ctx.strategy.partition, n),
    maxUnavailable: resolveMaxUnavailable(ctx.strategy.maxUnavailable, n),
  };
}

function imageSummary(ctx: RolloutContext, start: readonly StartState[]): RolloutPlan['images'] {
  return ctx.sidecars.map((s, k) => {
    const counts = new Map<string, number>();
    for (const st of start) counts.set(st.images[k].image, (counts.get(st.images[k].image) ?? 0) + 1);
    return { sidecar: s.name, to: s.image, from: [...counts].map(([image, pods]) => ({ image, pods })) };
  });
}

const OVERRIDE_FLAGS: [keyof StrategyOverrides, string][] = [
  ['partition', '--partition'],
  ['maxUnavailable', '--max-unavailable'],
  ['selector', '--update-selector'],
  ['paused', '--paused'],
];

function describeOverrides(file: SidecarSetUpdateStrategy, o: StrategyOverrides): PlanOverride[] {
  const out: PlanOverride[] = [];
  for (const [key, flag] of OVERRIDE_FLAGS) {
    const value = o[key];
    if (value === undefined) continue;
    out.push({
      flag,
      field: `spec.updateStrategy.${key}`,
      value,
      was: (file[key] as PlanOverride['was'] | undefined) ?? null,
    });
  }
  return out;
}
