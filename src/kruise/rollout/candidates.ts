// Step 1 of GetNextUpgradePods: which matched Pods may be upgraded this round. In Pod order: updated Pods
// are done; Pods outside updateStrategy.selector are left alone (and not reported); a different
// hash-without-image means the change is not image-only (not upgradable, reported); a ready sidecar whose
// previous in-place update has not taken effect makes the Pod sit this round out (in flight, not reported).
import type { RolloutContext } from './context.js';
import { isUpdated, isUpgradableInPlace, sidecarInFlight, type RolloutPod } from './pod-state.js';

export interface Classification {
  updated: number[];
  notSelected: number[];
  notUpgradable: number[];
  inFlight: number[];
  /** the Pods that can be in the batch, in Pod order */
  candidates: number[];
}

export function isSelectedForUpdate(ctx: RolloutContext, p: RolloutPod): boolean {
  const selector = ctx.strategy.selector;
  if (selector === null) return true;
  if (selector === 'invalid') return false;
  return selector.matches(p.labels);
}

export function classifyPods(ctx: RolloutContext, pods: readonly RolloutPod[]): Classification {
  const out: Classification = { updated: [], notSelected: [], notUpgradable: [], inFlight: [], candidates: [] };
  for (const p of pods) {
    if (isUpdated(ctx, p)) out.updated.push(p.index);
    else if (!isSelectedForUpdate(ctx, p)) out.notSelected.push(p.index);
    else if (!isUpgradableInPlace(ctx, p)) out.notUpgradable.push(p.index);
    else if (sidecarInFlight(ctx, p) !== undefined) out.inFlight.push(p.index);
    else out.candidates.push(p.index);
  }
  return out;
}
