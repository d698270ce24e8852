// What one reconcile round asks of each matched Pod, read in one visit of the Pod and kept as bits: the
// status counts, the reset check, the classification, the busy count and the walk all read these. Visiting
// 100,000 Pods once instead of once per question is most of what a round costs.
import { needsHotUpgradeReset } from './hot-upgrade.js';
import {
  isConsistent,
  isKruiseReady,
  isSelectedForUpdate,
  isUpdated,
  isUpgradableInPlace,
  sidecarInFlight,
} from './pod-state.js';
import type { RolloutContext } from './types.js';
import { type RolloutPod } from './types.js';

/** IsPodSidecarUpdated */
export const UPDATED = 1;
/** IsPodStateConsistent over every sidecar container */
export const CONSISTENT = 2;
/** SidecarControl.IsPodReady (the budget's notion of ready) */
export const READY = 4;
/** not updated, and outside updateStrategy.selector */
export const NOT_SELECTED = 8;
/** not updated, selected, and not upgradable in place (hash-without-image differs) */
export const NOT_UPGRADABLE = 16;
/** not updated, selected, upgradable, and a ready sidecar's previous update has not taken effect */
export const IN_FLIGHT = 32;
/** its idle HotUpgrade containers are reset when a round starts */
export const RESET = 64;

export function readPodFacts(ctx: RolloutContext, p: RolloutPod): number {
  let f = 0;
  if (isUpdated(ctx, p)) f |= UPDATED;
  if (isConsistent(ctx, p)) f |= CONSISTENT;
  if (isKruiseReady(ctx, p)) f |= READY;
  if (!(f & UPDATED)) {
    if (!isSelectedForUpdate(ctx, p)) f |= NOT_SELECTED;
    else if (!isUpgradableInPlace(ctx, p)) f |= NOT_UPGRADABLE;
    else if (sidecarInFlight(ctx, p) !== undefined) f |= IN_FLIGHT;
  }
  if (ctx.hotSidecars.length > 0 && needsHotUpgradeReset(ctx, p)) f |= RESET;
  return f;
}

/** The facts of every Pod, by index. */
export function readAllPodFacts(ctx: RolloutContext, pods: readonly RolloutPod[]): Uint8Array {
  const facts = new Uint8Array(pods.length);
  for (let i = 0; i < pods.length; i++) facts[i] = readPodFacts(ctx, pods[i]);
  return facts;
}

/** Can be in the batch: not updated, selected, upgradable in place, nothing in flight. */
export function isCandidate(f: number): boolean {
  return (f & (UPDATED | NOT_SELECTED | NOT_UPGRADABLE | IN_FLIGHT)) === 0;
}

/** An updated Pod holding a maxUnavailable slot: its update in flight, or not ready. */
export function isBusy(f: number): boolean {
  return (f & UPDATED) !== 0 && (f & (CONSISTENT | READY)) !== (CONSISTENT | READY);
}
