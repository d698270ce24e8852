// One reconcile of the SidecarSet controller on a given state (Processor.UpdateSidecarSet with
// GetNextUpgradePods and calculateUpgradeCount): exactly the Pods Kruise would upgrade now, in its order,
// and everything it looked at on the way.
import { classifyPods, type Classification } from './candidates.js';
import type { RolloutContext } from './context.js';
import { needsHotUpgradeReset } from './hot-upgrade.js';
import { resolveMaxUnavailable } from './max-unavailable.js';
import { resolvePartition, type ResolvedNumber } from './partition.js';
import { isConsistent, isKruiseReady, isUpdated, type RolloutPod } from './pod-state.js';
import { prioritySort } from './priority.js';
import { parseUpdateScatterTerms, scatterSort } from './scatter.js';
import { sortDefault } from './sort-default.js';

/** SidecarSetStatus as calculateStatus computes it at the start of the round. */
export interface StatusCounts {
  matchedPods: number;
  updatedPods: number;
  readyPods: number;
  updatedReadyPods: number;
}

/**
 * Where the round ended: NotUpdate and Paused stop before anything; HotUpgradeReset resets idle containers
 * and upgrades nothing; Finished when every matched Pod is updated; Upgrade when the strategy ran (the batch
 * may still be empty).
 */
export type RoundKind = 'NotUpdate' | 'Paused' | 'HotUpgradeReset' | 'Finished' | 'Upgrade';

export interface StrategyRound extends Classification {
  /** the candidates in Kruise's order (default, then priority, then scatter) */
  order: number[];
  partition: ResolvedNumber;
  maxUnavailable: ResolvedNumber;
  /** the last `partition` Pods of the order (all of them when there are no more candidates than that) */
  heldByPartition: number[];
  /** the Pods left to the walk: the order without the held ones */
  eligible: number[];
  /** updated Pods holding a maxUnavailable slot before the walk (not consistent, or not ready) */
  busy: number[];
  /** the Pods the walk takes: the batch, in order */
  batch: number[];
  /** eligible Pods the walk did not reach: the budget was used up */
  waiting: number[];
}

export interface RoundResult {
  kind: RoundKind;
  /** indexes of the Pods upgraded this round, in Kruise's order */
  batch: number[];
  /** indexes of the Pods whose idle hot-upgrade containers are reset this round */
  reset: number[];
  status: StatusCounts;
  /** present when kind is Upgrade */
  strategy?: StrategyRound;
}

export function reconcileRound(ctx: RolloutContext, pods: readonly RolloutPod[]): RoundResult {
  const status = calculateStatus(ctx, pods);
  const none = { batch: [], reset: [], status };
  if (ctx.strategy.type === 'NotUpdate') return { kind: 'NotUpdate', ...none };
  if (ctx.strategy.paused) return { kind: 'Paused', ...none };
  if (ctx.hotSidecars.length > 0) {
    const reset = pods.filter((p) => needsHotUpgradeReset(ctx, p)).map((p) => p.index);
    if (reset.length > 0) return { kind: 'HotUpgradeReset', batch: [], reset, status };
  }
  if (status.updatedPods >= status.matchedPods) return { kind: 'Finished', ...none };
  const strategy = nextUpgradePods(ctx, pods);
  return { kind: 'Upgrade', batch: strategy.batch, reset: [], status, strategy };
}

export function calculateStatus(ctx: RolloutContext, pods: readonly RolloutPod[]): StatusCounts {
  const s: StatusCounts = { matchedPods: pods.length, updatedPods: 0, readyPods: 0, updatedReadyPods: 0 };
  for (const p of pods) {
    const updated = isUpdated(ctx, p);
    if (updated) s.updatedPods++;
    if (isConsistent(ctx, p) && isKruiseReady(ctx, p)) {
      s.readyPods++;
      if (updated) s.updatedReadyPods++;
    }
  }
  return s;
}

/** GetNextUpgradePods with calculateUpgradeCount, keeping every intermediate list. */
export function nextUpgradePods(ctx: RolloutContext, pods: readonly RolloutPod[]): StrategyRound {
  const classes = classifyPods(ctx, pods);
  const order = sortUpdateIndexes(ctx, pods, classes.candidates);
  const n = pods.length;
  const partition = resolvePartition(ctx.strategy.partition, n);
  const maxUnavailable = resolveMaxUnavailable(ctx.strategy.maxUnavailable, n);
  const keep = order.length - partition.value;
  const eligible = keep > 0 ? order.slice(0, keep) : [];
  const heldByPartition = keep > 0 ? order.slice(keep) : [...order];
  const busy = busyPods(ctx, pods);
  const taken = walkBudget(ctx, pods, eligible, busy.length, maxUnavailable.value);
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
export function sortUpdateIndexes(ctx: RolloutContext, pods: readonly RolloutPod[], candidates: readonly number[]): number[] {
  let order = sortDefault(pods, candidates);
  const { priority, scatter } = ctx.strategy;
  if (priority) order = prioritySort(priority, (i) => pods[i].labels, order);
  if (scatter) {
    const labels = pods.map((p) => p.labels);
    order = scatterSort(parseUpdateScatterTerms(scatter, labels), labels, order);
  }
  return order;
}

/** Updated Pods whose in-place update is still in flight or that are not ready: each holds a slot. */
export function busyPods(ctx: RolloutContext, pods: readonly RolloutPod[]): number[] {
  return pods.filter((p) => isUpdated(ctx, p) && (!isConsistent(ctx, p) || !isKruiseReady(ctx, p))).map((p) => p.index);
}

/**
 * How many of `eligible` (in order) the walk takes: a Pod that is not ready goes for free; a ready one
 * needs a free slot, and the first ready one without a slot ends the walk.
 */
export function walkBudget(ctx: RolloutContext, pods: readonly RolloutPod[], eligible: readonly number[], busy: number, budget: number): number {
  let used = busy;
  let taken = 0;
  for (const i of eligible) {
    if (isKruiseReady(ctx, pods[i])) {
      if (used >= budget) break;
      used++;
    }
    taken++;
  }
  return taken;
}
