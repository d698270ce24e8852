// The round-by-round definition of a multi-batch rollout: reconcile, apply Kruise's writes, apply the
// kubelet model, repeat until a round moves nothing and kubelet has nothing left to do. It is quadratic for
// large rollouts with a small maxUnavailable; it stays as the reference a faster simulation must equal.
import { applyHotUpgradeReset, applyKruiseUpgrade, applyKubelet } from './model.js';
import { reconcileRound } from './round.js';
import type { Simulate, SimulatedRound } from './types.js';

export const simulateReference: Simulate = (ctx, pods) => {
  const rounds: SimulatedRound[] = [];
  // Each Pod is upgraded at most once and reset at most twice, so this bounds any correct run.
  const limit = 3 * pods.length + 4;
  for (let round = 1; ; round++) {
    if (round > limit) throw new Error(`rollout simulation did not settle after ${limit} rounds`);
    const result = reconcileRound(ctx, pods);
    let moved = true;
    if (result.batch.length > 0) {
      rounds.push({
        round,
        kind: 'upgrade',
        pods: result.batch,
        changes: result.batch.map((i) => applyKruiseUpgrade(ctx, pods[i])),
      });
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
