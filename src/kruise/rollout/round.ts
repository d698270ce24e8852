// One reconcile of the SidecarSet controller on a given state (Processor.UpdateSidecarSet with
// GetNextUpgradePods and calculateUpgradeCount): exactly the Pods Kruise would upgrade now, in its order,
// and everything it looked at on the way.
import { sortPositions } from '../../go/sort.js';
import { classifyPods } from './candidates.js';
import { resolveMaxUnavailable } from './max-unavailable.js';
import { resolvePartition } from './partition.js';
import { CONSISTENT, isBusy, readAllPodFacts, READY, RESET, UPDATED } from './pod-facts.js';
import { comparePriorityKeys, priorityKeys, type PriorityKeys } from './priority.js';
import { parseUpdateScatterTerms, scatterSort } from './scatter.js';
import { compareDefaultKeys, defaultSortKeys, type DefaultSortKeys } from './sort-default.js';
import type { RolloutContext, RolloutPod, RoundResult, StatusCounts, StrategyRound } from './types.js';

/** What a round reads, when the caller already has it: it must be what the round would compute itself. */
export interface RoundInputs {
  /** readAllPodFacts of the Pods as they are now */
  facts?: Uint8Array;
  /** sortUpdateIndexes of the candidates (given in Pod order) */
  order?: (candidates: number[]) => number[];
}

export function reconcileRound(
  ctx: RolloutContext,
  pods: readonly RolloutPod[],
  inputs: RoundInputs = {},
): RoundResult {
  const facts = inputs.facts ?? readAllPodFacts(ctx, pods);
  const status = statusOf(facts);
  const none = { batch: [], reset: [], status };
  if (ctx.strategy.type === 'NotUpdate') return { kind: 'NotUpdate', ...none };
  if (ctx.strategy.paused) return { kind: 'Paused', ...none };
  if (ctx.hotSidecars.length > 0) {
    const reset = withFact(facts, (f) => (f & RESET) !== 0);
    if (reset.length > 0) return { kind: 'HotUpgradeReset', batch: [], reset, status };
  }
  if (status.updatedPods >= status.matchedPods) return { kind: 'Finished', ...none };
  const strategy = nextUpgradePods(ctx, pods, { ...inputs, facts });
  return { kind: 'Upgrade', batch: strategy.batch, reset: [], status, strategy };
}

export function calculateStatus(ctx: RolloutContext, pods: readonly RolloutPod[]): StatusCounts {
  return statusOf(readAllPodFacts(ctx, pods));
}

function statusOf(facts: Uint8Array): StatusCounts {
  const s: StatusCounts = { matchedPods: facts.length, updatedPods: 0, readyPods: 0, updatedReadyPods: 0 };
  for (const f of facts) {
    if (f & UPDATED) s.updatedPods++;
    if ((f & (CONSISTENT | READY)) === (CONSISTENT | READY)) {
      s.readyPods++;
      if (f & UPDATED) s.updatedReadyPods++;
    }
  }
  return s;
}

/** The indexes whose facts pass `test`, in Pod order. */
function withFact(facts: Uint8Array, test: (f: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < facts.length; i++) if (test(facts[i])) out.push(i);
  return out;
}

/** GetNextUpgradePods with calculateUpgradeCount, keeping every intermediate list. */
export function nextUpgradePods(
  ctx: RolloutContext,
  pods: readonly RolloutPod[],
  inputs: RoundInputs = {},
): StrategyRound {
  const facts = inputs.facts ?? readAllPodFacts(ctx, pods);
  const classes = classifyPods(ctx, pods, facts);
  const order = inputs.order ? inputs.order(classes.candidates) : sortUpdateIndexes(ctx, pods, classes.candidates);
  const n = pods.length;
  const partition = resolvePartition(ctx.strategy.partition, n);
  const maxUnavailable = resolveMaxUnavailable(ctx.strategy.maxUnavailable, n);
  const keep = order.length - partition.value;
  const eligible = keep > 0 ? order.slice(0, keep) : [];
  const heldByPartition = keep > 0 ? order.slice(keep) : [...order];
  const busy = withFact(facts, isBusy);
  const taken = walkBudget(eligible, busy.length, maxUnavailable.value, (i) => (facts[i] & READY) !== 0);
  return {
    ...classes,
    order,
    partition,
    maxUnavailable,
    heldByPartition,
    eligible,
    busy,
    batch: eligible.slice(0, taken),
    waiting: eligible.slice(taken),
  };
}

/** SortUpdateIndexes: default order, then priorityStrategy, then scatterStrategy (terms expanded over all Pods). */
export function sortUpdateIndexes(
  ctx: RolloutContext,
  pods: readonly RolloutPod[],
  candidates: readonly number[],
): number[] {
  let order = sortByPriority(ctx, pods, candidates);
  const { scatter } = ctx.strategy;
  if (scatter) {
    const labels = pods.map((p) => p.labels);
    order = scatterSort(parseUpdateScatterTerms(scatter, labels), labels, order);
  }
  return order;
}

/**
 * SortUpdateIndexes before scatter: the default order, then the stable re-sort by priority. Both are stable,
 * so together they are one sort by (priority, default order, position in `candidates`).
 */
export function sortByPriority(
  ctx: RolloutContext,
  pods: readonly RolloutPod[],
  candidates: readonly number[],
): number[] {
  const keys = orderKeys(ctx, pods, candidates);
  return sortPositions(candidates.length, keys.compare).map((k) => candidates[k]);
}

/** The keys of the order before scatter, for the Pods at `indexes`, by position. */
export interface OrderKeys {
  priority: PriorityKeys;
  defaults: DefaultSortKeys;
  /** negative when the Pod at position a comes first in the order before scatter; 0 only for a = b */
  compare(a: number, b: number): number;
}

export function orderKeys(ctx: RolloutContext, pods: readonly RolloutPod[], indexes: readonly number[]): OrderKeys {
  const priority = ctx.strategy.priority ? priorityKeys(ctx.strategy.priority, (i) => pods[i].labels, indexes) : null;
  const defaults = defaultSortKeys(pods, indexes);
  const byDefault = (a: number, b: number) => compareDefaultKeys(defaults, a, b) || a - b;
  // one comparator per kind of priority, chosen once: sorting 100,000 Pods calls it 1.7 million times
  let compare = byDefault;
  if (priority !== null && 'weights' in priority) {
    const w = priority.weights;
    compare = (a, b) => w[b] - w[a] || byDefault(a, b);
  } else if (priority !== null) {
    compare = (a, b) => comparePriorityKeys(priority, a, b) || byDefault(a, b);
  }
  return { priority, defaults, compare };
}

/** Updated Pods whose in-place update is still in flight or that are not ready: each holds a slot. */
export function busyPods(ctx: RolloutContext, pods: readonly RolloutPod[]): number[] {
  return withFact(readAllPodFacts(ctx, pods), isBusy);
}

/**
 * How many of `eligible` (in order) the walk takes: a Pod that is not ready goes for free; a ready one
 * needs a free slot, and the first ready one without a slot ends the walk.
 */
export function walkBudget(
  eligible: readonly number[],
  busy: number,
  budget: number,
  isReady: (i: number) => boolean,
): number {
  let used = busy;
  let taken = 0;
  for (const i of eligible) {
    if (isReady(i)) {
      if (used >= budget) break;
      used++;
    }
    taken++;
  }
  return taken;
}
