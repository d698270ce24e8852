// The round-by-round definition of a multi-batch rollout: reconcile, apply Kruise's writes, apply the
// kubelet model, repeat until a round moves nothing and kubelet has nothing left to do. It is quadratic for
// large rollouts with a small maxUnavailable; it stays as the reference a faster simulation must equal.
import type { RolloutContext } from './context.js';
import { applyHotUpgradeReset, applyKruiseUpgrade, applyKubelet, type ContainerChange } from './model.js';
import type { RolloutPod } from './pod-state.js';
import { reconcileRound, type RoundResult } from './round.js';

export interface SimulatedRound {
  /** reconcile round, from 1 */
  round: number;
  /** upgrade: Pods upgraded; reset: HotUpgrade idle containers reset; none: nothing moved (only round 1) */
  kind: 'upgrade' | 'reset' | 'none';
  /** the Pods concerned (indexes into the matched Pods), in Kruise's order */
  pods: number[];
  /** for an upgrade round, each Pod's image changes, aligned with `pods` */
  changes: ContainerChange[][];
}

/**
 * Runs the rollout on `pods`, which it leaves in their final state. Returns round 1 (even when it moves
 * nothing) and every later round that moves something; the round after the last one returned moves nothing.
 * `withBoundaries`, when a simulation has it, also gives reconcileRound of round 1 and of the round after the
 * last, as it can compute them along (equal to reconcileRound's, which the plan otherwise calls itself).
 */
export type Simulate = ((ctx: RolloutContext, pods: RolloutPod[]) => SimulatedRound[]) & {
  /** `facts`: readAllPodFacts of `pods` as they are when it is called */
  withBoundaries?: (ctx: RolloutContext, pods: RolloutPod[], facts: Uint8Array) => Simulation;
};

/** A simulation with the reconcile rounds around it: `first` on the state given, `final` on the state it leaves. */
export interface Simulation {
  first: RoundResult;
  rounds: SimulatedRound[];
  final: RoundResult;
}

export const simulateReference: Simulate = (ctx, pods) => {
  const rounds: SimulatedRound[] = [];
  // Each Pod is upgraded at most once and reset at most twice, so this bounds any correct run.
  const limit = 3 * pods.length + 4;
  for (let round = 1; ; round++) {
    if (round > limit) throw new Error(`rollout simulation did not settle after ${limit} rounds`);
    const result = reconcileRound(ctx, pods);
    let moved = true;
    if (result.batch.length > 0) {
      rounds.push({ round, kind: 'upgrade', pods: result.batch, changes: result.batch.map((i) => applyKruiseUpgrade(ctx, pods[i])) });
    } else if (result.reset.length > 0) {
      for (const i of result.reset) applyHotUpgradeReset(ctx, pods[i]);
      rounds.push({ round, kind: 'reset', pods: result.reset, changes: [] });
    } else {
      moved = false;
      if (round === 1) rounds.push({ round, kind: 'none', pods: [], changes: [] });
    }
    let restarted = false;
    for (const p of pods) if (applyKubelet(ctx, p).length > 0) restarted = true;
    if (!moved && !restarted) return rounds;
  }
};
