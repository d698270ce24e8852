// Step 1 of GetNextUpgradePods: which matched Pods may be upgraded this round. In Pod order: updated Pods
// are done; Pods outside updateStrategy.selector are left alone (and not reported); a different
// hash-without-image means the change is not image-only (not upgradable, reported); a ready sidecar whose
// previous in-place update has not taken effect makes the Pod sit this round out (in flight, not reported).
import { IN_FLIGHT, NOT_SELECTED, NOT_UPGRADABLE, readAllPodFacts, UPDATED } from './pod-facts.js';
import type { Classification, RolloutContext, RolloutPod } from './types.js';

export function classifyPods(
  ctx: RolloutContext,
  pods: readonly RolloutPod[],
  facts = readAllPodFacts(ctx, pods),
): Classification {
  const out: Classification = { updated: [], notSelected: [], notUpgradable: [], inFlight: [], candidates: [] };
  for (let i = 0; i < facts.length; i++) {
    const f = facts[i];
    if (f & UPDATED) out.updated.push(i);
    else if (f & NOT_SELECTED) out.notSelected.push(i);
    else if (f & NOT_UPGRADABLE) out.notUpgradable.push(i);
    else if (f & IN_FLIGHT) out.inFlight.push(i);
    else out.candidates.push(i);
  }
  return out;
}
