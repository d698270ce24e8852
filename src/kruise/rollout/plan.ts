// planRollout: the public entry of the rollout core. Batch 1 is one reconcile of Kruise's controller on the
// state given; later batches come from the simulation (reference: round by round). The RolloutPlan below is
// the documented, stable schema of `plan-rollout -o json|yaml`: add fields, never rename or remove them.
import { SidecarsetError } from '../../errors.js';
import type { IntOrString, LabelSelector, Pod } from '../../k8s/api.js';
import type { SidecarSet, SidecarSetUpdateStrategy } from '../apis/types.js';
import type { NamespaceLabels } from '../sidecarcontrol/match.js';
import { buildRolloutContext, overrideStrategy, type RolloutContext, type StrategyOverrides } from './context.js';
import { formatGoDuration } from '../../go/duration.js';
import type { NotMatchedReason } from './matched.js';
import { MODEL_ASSUMPTIONS } from './model.js';
import { resolveMaxUnavailable } from './max-unavailable.js';
import { resolvePartition, type ResolvedNumber } from './partition.js';
import { CONSISTENT, readAllPodFacts, READY, UPDATED } from './pod-facts.js';
import { readPodRecords, type PodRecord } from './pod-record.js';
import { isKruiseReady, podContainer, workingAndIdle, type RolloutPod } from './pod-state.js';
import { reconcileRound, type RoundResult, type StatusCounts } from './round.js';
import { simulateReference, type SimulatedRound, type Simulate, type Simulation } from './simulate-reference.js';

export const PLAN_API_VERSION = 'kubectl-sidecarset/v1';
export const PLAN_KIND = 'RolloutPlan';

export interface PodRef {
  namespace: string;
  name: string;
}

export interface PodReason extends PodRef {
  reason: string;
}

export interface PlanImageChange {
  /** the Pod container that receives the image (NAME-1 / NAME-2 for HotUpgrade) */
  container: string;
  from: string;
  to: string;
}

export interface PlanBatchPod extends PodRef {
  /** 1-based position in the batch: Kruise's upgrade order */
  position: number;
  node: string;
  /** ready in Kruise's sense when the plan starts (a Pod that is not ready uses no maxUnavailable slot) */
  ready: boolean;
  /** the image changes; empty when the Pod already runs the new images and only its hash moves */
  images: PlanImageChange[];
}

export interface PlanBatch {
  /** the reconcile round, from 1 */
  batch: number;
  /** upgrade: Pods are upgraded; reset: HotUpgrade old containers go to the empty image; none: nothing moves */
  kind: 'upgrade' | 'reset' | 'none';
  /** upgraded Pods in upgrade order (empty unless kind is upgrade) */
  pods: PlanBatchPod[];
  /** Pods whose idle HotUpgrade containers are reset (kind reset) */
  reset: PodRef[];
  note: string;
}

export type PodDisposition =
  | 'batch'
  | 'updated'
  | 'heldByPartition'
  | 'notSelected'
  | 'notUpgradable'
  | 'inFlight'
  | 'blocked'
  | 'paused'
  | 'notUpdate';

export interface PlanPod extends PodRef {
  disposition: PodDisposition;
  batch?: number;
  position?: number;
  /** why the Pod is not in batch 1, or why it is in no batch ("" for a Pod of batch 1) */
  reason: string;
  node: string;
  phase: string;
  creationTimestamp?: string;
  /** ready containers / containers, as kubectl shows them */
  containersReady: string;
  /** ready in Kruise's sense (Running, Ready, not deleting, HotUpgrade idle containers empty) at the start */
  ready: boolean;
  /** the image each sidecar runs now */
  images: { sidecar: string; container: string; image: string }[];
}

export interface PlanNotMatched extends PodRef {
  reason: NotMatchedReason;
  detail: string;
}

export type StopCode = 'NotUpdate' | 'Paused' | 'Finished' | 'Partition' | 'MaxUnavailable' | 'NoCandidates';

export interface PlanOverride {
  flag: string;
  field: string;
  value: IntOrString | boolean | LabelSelector;
  /** the value in the SidecarSet (null when it is not set) */
  was: IntOrString | boolean | LabelSelector | null;
}

export interface RolloutPlan {
  apiVersion: typeof PLAN_API_VERSION;
  kind: typeof PLAN_KIND;
  sidecarSet: {
    name: string;
    hash: string;
    hashWithoutImage: string;
    containers: { name: string; image: string; upgradeType: string; hotUpgradeEmptyImage?: string }[];
  };
  /** spec.updateStrategy as planned (what-if overrides applied) */
  strategy: SidecarSetUpdateStrategy;
  overrides: PlanOverride[];
  resolved: { matchedPods: number; partition: ResolvedNumber; maxUnavailable: ResolvedNumber };
  /** the SidecarSet status Kruise computes from the Pods given */
  status: StatusCounts;
  /** per sidecar: the images the matched Pods run now, and the new one */
  images: { sidecar: string; to: string; from: { image: string; pods: number }[] }[];
  totals: {
    pods: number;
    matched: number;
    notMatched: number;
    updated: number;
    inBatches: number;
    batches: number;
    heldByPartition: number;
    notSelected: number;
    notUpgradable: number;
    inFlight: number;
    blocked: number;
    notRolling: number;
  };
  /** in rollout order; batches[0] is what Kruise does now */
  batches: PlanBatch[];
  /** every matched Pod, in input order */
  pods: PlanPod[];
  updated: PodRef[];
  heldByPartition: PodRef[];
  notSelected: PodRef[];
  notUpgradable: PodReason[];
  /** waiting for an in-place update in flight that the model does not complete */
  inFlight: PodReason[];
  /** candidates the maxUnavailable budget never reaches */
  blocked: PodReason[];
  /** Pods Kruise does not touch because the rollout is paused or NotUpdate */
  notRolling: PodReason[];
  notMatched: PlanNotMatched[];
  stop: { reason: StopCode; message: string };
  model: { assumptions: string[] };
  estimate?: { batches: number; batchDuration: string; total: string; rule: string };
  warnings: string[];
}

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

  const records = 'records' in input.pods ? input.pods.records : readPodRecords(sidecarSet, input.namespaces, input.pods);
  const pods: RolloutPod[] = [];
  const nonImage: (string[] | null)[] = [];
  const notMatched: PlanNotMatched[] = [];
  // each Pod once (matched Pods first, as Kruise lists them), checked while at hand
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
  const unknown = [...new Set(notMatched.filter((m) => m.reason === 'NamespaceLabelsUnknown').map((m) => m.namespace))].sort();
  if (unknown.length > 0) {
    throw new SidecarsetError(
      `spec.namespaceSelector needs the labels of namespace${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, ` +
        'which were not given: pass the Namespace objects (kubectl get namespaces -o yaml) with -f',
      { field: 'spec.namespaceSelector' },
    );
  }
  if (twice) throw twice;
  for (const m of notMatched) {
    const problem = names.add(m);
    if (problem) throw problem;
  }
  const facts = readAllPodFacts(ctx, pods);
  const startImages = new SharedLists<StartState['images'][number]>(['sidecar', 'container', 'image']);
  const start = pods.map((p, i) => snapshot(ctx, p, facts[i], startImages));

  const { first, rounds, final } = simulate.withBoundaries
    ? simulate.withBoundaries(ctx, pods, facts)
    : withReferenceBoundaries(simulate, ctx, pods, facts);

  // where each Pod is upgraded: batch (0: none) and position
  const batchOf = new Int32Array(pods.length);
  const positionOf = new Int32Array(pods.length);
  let inBatches = 0;
  for (const r of rounds) {
    if (r.kind !== 'upgrade') continue;
    inBatches += r.pods.length;
    r.pods.forEach((i, k) => {
      batchOf[i] = r.round;
      positionOf[i] = k + 1;
    });
  }

  const firstPlaces = placesIn(first);
  const finalPlaces = placesIn(final);
  const notUpgradable = (i: number) => notUpgradableReason(ctx, nonImage[i], pods[i]);
  const planPods = pods.map((p, i) =>
    describePod(p, start[i], batchOf[i], positionOf[i], { round: first, place: firstPlaces[i] }, { round: final, place: finalPlaces[i] }, notUpgradable),
  );
  const groups = new Map<PodDisposition, PlanPod[]>();
  for (const p of planPods) {
    const list = groups.get(p.disposition);
    if (list) list.push(p);
    else groups.set(p.disposition, [p]);
  }
  const group = (d: PodDisposition) => groups.get(d) ?? [];
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

/** Round 1 before the simulation, the round after the last one after it (see Simulation). */
function withReferenceBoundaries(simulate: Simulate, ctx: RolloutContext, pods: RolloutPod[], facts: Uint8Array): Simulation {
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

function snapshot(ctx: RolloutContext, p: RolloutPod, facts: number, shared: SharedLists<StartState['images'][number]>): StartState {
  const updated = (facts & UPDATED) !== 0;
  const ready = (facts & READY) !== 0;
  const consistent = (facts & CONSISTENT) !== 0;
  return {
    updated,
    ready,
    holdsSlot: !updated || (consistent && ready) ? '' : `${!consistent ? 'its in-place update is in flight' : 'not ready'}: holds a maxUnavailable slot`,
    images: shared.of(
      ctx.sidecars.map((s) => {
        const container = s.hot ? workingAndIdle(p, s)[0] : s.name;
        return { sidecar: s.name, container, image: podContainer(p, container)?.image ?? '' };
      }),
    ),
  };
}

/**
 * One frozen copy of each list of equal entries, which the plan holds instead of a list per Pod: 100,000 Pods
 * show a handful of image lists. Entries are compared (and copied) field by field, in the order given.
 */
class SharedLists<T extends object> {
  private readonly root = new Map<unknown, unknown>();

  constructor(private readonly fields: readonly (keyof T)[]) {}

  of(entries: readonly T[]): T[] {
    let node = this.root;
    for (const e of entries) {
      for (const f of this.fields) {
        let next = node.get(e[f]) as Map<unknown, unknown> | undefined;
        if (!next) node.set(e[f], (next = new Map()));
        node = next;
      }
    }
    let list = node.get(SharedLists.END) as T[] | undefined;
    if (!list) {
      list = Object.freeze(entries.map((e) => Object.freeze(Object.fromEntries(this.fields.map((f) => [f, e[f]])) as T))) as T[];
      node.set(SharedLists.END, list);
    }
    return list;
  }

  private static readonly END = Symbol('end of list');
}

/** The Pods seen so far, by namespace and name: a Pod without a name, or one seen before, is a problem. */
class PodNames {
  private readonly seen = new Map<string, Set<string>>(); // namespace -> names

  add(r: PodRef): SidecarsetError | undefined {
    if (r.name === '') return new SidecarsetError('a Pod has no metadata.name', { field: 'metadata.name' });
    let names = this.seen.get(r.namespace);
    if (!names) this.seen.set(r.namespace, (names = new Set()));
    const size = names.size;
    if (names.add(r.name).size === size) return new SidecarsetError(`Pod ${r.namespace}/${r.name} is given twice`, { field: 'metadata.name' });
    return undefined;
  }
}

// ---- per Pod ----

/** Where a Pod stood in a round that ran the strategy (looked up once per round, not per Pod). */
type Place = 'updated' | 'notSelected' | 'notUpgradable' | 'inFlight' | 'heldByPartition' | 'waiting';

interface PodInRound {
  round: RoundResult;
  place: Place | undefined;
}

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
  if (p.creationTime !== null) out.creationTimestamp = timeText(p.creationTime);
  let ready = 0;
  for (const s of p.statuses) if (s.ready) ready++;
  out.containersReady = readyText(ready, p.containers.length);
  out.ready = start.ready;
  out.images = start.images;
  return out;
}

// "2/3": the same few texts for every Pod, made once each
const READY_TEXTS: string[][] = [];
function readyText(ready: number, all: number): string {
  if (ready > 15 || all > 15) return `${ready}/${all}`;
  const row = (READY_TEXTS[ready] ??= []);
  return (row[all] ??= `${ready}/${all}`);
}

/**
 * new Date(ms).toISOString() without ".000". For whole seconds of the years 0000 to 9999 (any Pod's creation
 * time) it is computed here, which for 100,000 Pods is much cheaper than a Date and its text each.
 */
export function timeText(ms: number): string {
  if (!Number.isInteger(ms) || ms % 1000 !== 0 || ms < MIN_TIME || ms > MAX_TIME) return new Date(ms).toISOString().replace('.000Z', 'Z');
  const seconds = ms / 1000;
  const days = Math.floor(seconds / 86400);
  const inDay = seconds - days * 86400;
  // the civil date of a day count (H. Hinnant's days-to-civil, proleptic Gregorian)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(inDay / 3600);
  const minute = Math.floor((inDay % 3600) / 60);
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(inDay % 60)}Z`;
}
const MIN_TIME = new Date(0).setUTCFullYear(0, 0, 1); // 0000-01-01T00:00:00Z
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59);
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

function finalDisposition(p: RolloutPod, final: PodInRound, notUpgradable: () => string): [PodDisposition, string] {
  const r = final.round;
  if (r.kind === 'Paused') return ['paused', 'the rollout is paused (spec.updateStrategy.paused)'];
  if (r.kind === 'NotUpdate') return ['notUpdate', 'spec.updateStrategy.type is NotUpdate'];
  const s = r.strategy;
  switch (s ? final.place : undefined) {
    case 'notSelected':
      return ['notSelected', 'not selected by spec.updateStrategy.selector'];
    case 'notUpgradable':
      return ['notUpgradable', notUpgradable()];
    case 'inFlight':
      return ['inFlight', inFlightReason(p)];
    case 'heldByPartition':
      return ['heldByPartition', `held back by partition (${s!.partition.value})`];
    case 'waiting':
      return ['blocked', `maxUnavailable ${s!.maxUnavailable.value} stays used up by updated Pods that are not ready`];
    case 'updated':
      return ['updated', 'already updated'];
    default:
      throw new Error(`internal: Pod ${p.namespace}/${p.name} left without a disposition after a ${r.kind} round`);
  }
}

function whyNotFirst(first: PodInRound): string {
  if (first.round.kind === 'HotUpgradeReset') return 'batch 1 only resets old HotUpgrade containers';
  if (!first.round.strategy) return `batch 1 upgrades nothing (${first.round.kind})`;
  switch (first.place) {
    case 'inFlight':
      return 'its sidecar update in flight finishes first';
    case 'heldByPartition':
      return 'held by partition in batch 1';
    case 'waiting':
      return 'waits for a maxUnavailable slot';
    default:
      return 'became a candidate after batch 1';
  }
}

function inFlightReason(p: RolloutPod): string {
  if (p.inPlace.kind === 'invalid') {
    return 'a sidecar is ready but kruise.io/sidecarset-inplace-update-state does not decode, so Kruise waits for an update that never completes';
  }
  if (p.containers.length !== p.statuses.length) {
    return `a sidecar is ready but the Pod has ${p.statuses.length} container statuses for ${p.containers.length} containers, so Kruise waits`;
  }
  return 'a sidecar in-place update is still in flight';
}

function notUpgradableReason(ctx: RolloutContext, diffs: string[] | null, p: RolloutPod): string {
  // a Pod is not upgradable in place only when its hash-without-image differs, and then its record has these
  if (diffs === null) throw new Error(`internal: Pod ${p.namespace}/${p.name} is not upgradable but was read as upgradable`);
  const hashes = `hash-without-image ${short(p.hashWithoutImage)} on the Pod, ${short(ctx.hashWithoutImage)} on the SidecarSet`;
  const what = diffs.length > 0 ? `differs in ${diffs.join(', ')}` : 'the SidecarSet changed more than images since the Pod was injected';
  return `needs a recreate: ${what} (${hashes}); Kruise only changes images in place`;
}

function short(hash: string): string {
  return hash === '' ? '(none)' : hash.length > 10 ? `${hash.slice(0, 10)}…` : hash;
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
      note: `HotUpgrade: the old container of ${count(r.pods.length, 'Pod')} goes back to the empty image; nothing is upgraded in this round`,
    };
  }
  let free = 0;
  const batchPods = r.pods.map((i, k): PlanBatchPod => {
    const p = pods[i];
    if (!start[i].ready) free++;
    return { namespace: p.namespace, name: p.name, position: k + 1, node: p.nodeName, ready: start[i].ready, images: changes.of(r.changes[k] ?? []) };
  });
  const note = r.round === 1 ? firstRoundNote(first, ctx, pods) : upgradeNote(batchPods.length, free, notes);
  return { batch: r.round, kind: r.kind === 'none' ? 'none' : 'upgrade', pods: batchPods, reset: NO_PODS, note };
}

/** The empty list of an upgrade batch's reset Pods, shared (frozen). */
const NO_PODS: PodRef[] = Object.freeze([]) as unknown as PodRef[];

// A plan of 100,000 one-Pod batches says "1 Pod" 100,000 times: `notes` makes each text once.
function upgradeNote(pods: number, free: number, notes: Map<number, string>): string {
  const key = pods * 0x100000000 + free;
  let note = notes.get(key);
  if (note === undefined) {
    note = count(pods, 'Pod') + (free > 0 ? ` (${free} not ready: upgraded without using maxUnavailable)` : '');
    notes.set(key, note);
  }
  return note;
}

function firstRoundNote(first: RoundResult, ctx: RolloutContext, pods: readonly RolloutPod[]): string {
  switch (first.kind) {
    case 'NotUpdate':
      return 'nothing: spec.updateStrategy.type is NotUpdate';
    case 'Paused':
      return 'nothing: the rollout is paused';
    case 'Finished':
      return 'nothing: every matched Pod is updated';
    case 'HotUpgradeReset':
      return 'nothing is upgraded: Kruise first resets old HotUpgrade containers';
    case 'Upgrade':
      break;
  }
  const s = first.strategy!;
  const held = s.busy.length > 0 ? `; ${count(s.busy.length, 'slot')} held by ${names(s.busy, pods)}` : '';
  if (first.batch.length > 0) {
    const free = first.batch.filter((i) => !isKruiseReady(ctx, pods[i])).length;
    return `what Kruise upgrades now: ${count(first.batch.length, 'Pod')}` + (free > 0 ? ` (${free} not ready, free)` : '') + `; maxUnavailable ${s.maxUnavailable.value}${held}`;
  }
  if (s.order.length === 0) return 'nothing: no Pod can be upgraded now';
  if (s.eligible.length === 0) return `nothing: partition ${s.partition.value} holds back all ${count(s.order.length, 'candidate')}`;
  return `nothing: maxUnavailable ${s.maxUnavailable.value}${held}`;
}

function names(indexes: readonly number[], pods: readonly RolloutPod[], max = 3): string {
  const shown = indexes.slice(0, max).map((i) => `${pods[i].namespace}/${pods[i].name}`);
  return shown.join(', ') + (indexes.length > max ? ` and ${indexes.length - max} more` : '');
}

function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : noun.endsWith('ch') ? `${noun}es` : `${noun}s`}`;
}

// ---- whole plan ----

function stopReason(final: RoundResult, pods: readonly RolloutPod[]): RolloutPlan['stop'] {
  switch (final.kind) {
    case 'NotUpdate':
      return { reason: 'NotUpdate', message: 'spec.updateStrategy.type is NotUpdate: Kruise upgrades no Pod' };
    case 'Paused':
      return { reason: 'Paused', message: 'spec.updateStrategy.paused is true: Kruise upgrades no Pod until it is unpaused (try --paused=false)' };
    case 'Finished':
      return { reason: 'Finished', message: 'every matched Pod is updated' };
    case 'HotUpgradeReset':
      throw new Error('internal: the simulation stopped on a HotUpgrade reset round');
    case 'Upgrade':
      break;
  }
  const s = final.strategy!;
  if (s.order.length === 0) {
    const parts = [
      s.notUpgradable.length ? `${s.notUpgradable.length} not upgradable in place` : '',
      s.notSelected.length ? `${s.notSelected.length} outside the update selector` : '',
      s.inFlight.length ? `${s.inFlight.length} waiting on an update in flight that does not complete` : '',
    ].filter(Boolean);
    return { reason: 'NoCandidates', message: `no Pod left that Kruise can upgrade: ${parts.join(', ')}` };
  }
  if (s.eligible.length === 0) {
    return { reason: 'Partition', message: `partition ${s.partition.value} holds back the remaining ${count(s.order.length, 'candidate')}` };
  }
  return {
    reason: 'MaxUnavailable',
    message:
      `maxUnavailable ${s.maxUnavailable.value} stays used up by ${count(s.busy.length, 'updated Pod')} that ` +
      `${s.busy.length === 1 ? 'is' : 'are'} not ready (${names(s.busy, pods)}); the model does not make Pods ready, so the rollout stalls here`,
  };
}

// Rounds that stop before the strategy runs still have numbers worth showing.
function resolvedNumbers(ctx: RolloutContext, n: number): { partition: ResolvedNumber; maxUnavailable: ResolvedNumber } {
  return { partition: resolvePartition(ctx.strategy.partition, n), maxUnavailable: resolveMaxUnavailable(ctx.strategy.maxUnavailable, n) };
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
    out.push({ flag, field: `spec.updateStrategy.${key}`, value, was: (file[key] as PlanOverride['was'] | undefined) ?? null });
  }
  return out;
}

function warnings(pods: readonly RolloutPod[], strategy: SidecarSetUpdateStrategy, o: StrategyOverrides): string[] {
  const out: string[] = [];
  const noStatus = pods.filter((p) => !p.hasStatus);
  if (noStatus.length > 0) {
    out.push(
      `${count(noStatus.length, 'matched Pod')} ${noStatus.length === 1 ? 'has' : 'have'} no status (${names(noStatus.map((p) => p.index), pods)}): ` +
        'counted as not ready, so upgraded without using maxUnavailable, and then holding a slot for good',
    );
  }
  const overridden = o.partition !== undefined || o.selector !== undefined;
  const partitionSet = strategy.partition !== undefined && strategy.partition !== null && strategy.partition !== 0;
  if (overridden && partitionSet && strategy.selector && strategy.type === 'RollingUpdate') {
    out.push("Kruise's webhook rejects partition together with updateStrategy.selector; the plan applies the controller's arithmetic anyway");
  }
  return out;
}

function estimate(rounds: readonly SimulatedRound[], perBatch: bigint): NonNullable<RolloutPlan['estimate']> {
  const moving = rounds.filter((r) => r.kind !== 'none').length;
  const batches = moving + (moving > 0 && rounds[0].kind === 'none' ? 1 : 0);
  const each = formatGoDuration(perBatch);
  return {
    batches,
    batchDuration: each,
    total: formatGoDuration(perBatch * BigInt(batches)),
    rule: `${count(batches, 'batch')} × ${each} (one reconcile round per batch; a batch that only waits or resets counts too)`,
  };
}
