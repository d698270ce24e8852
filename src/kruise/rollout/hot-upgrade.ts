// HotUpgrade sidecars on the controller side (sidecarset_hotupgrade.go, util_hotupgrade.go): which of the
// two containers receives a new image, and when a Pod's old container is reset to the empty image (the
// "flip" that Kruise does at the start of a reconcile, upgrading nothing else in that round).
import { containerStatus, isConsistent, isRunningAndReady, specImage, workingAndIdle } from './pod-state.js';
import type { RolloutContext, SidecarView } from './types.js';
import { type RolloutPod } from './types.js';

/** isPodSidecarInHotUpgrading: some HotUpgrade sidecar's idle container is not on its empty image. */
export function isInHotUpgrading(ctx: RolloutContext, p: RolloutPod): boolean {
  for (const sidecar of ctx.hotSidecars) {
    const idle = workingAndIdle(p, sidecar)[1];
    if (specImage(p, idle) !== sidecar.emptyImage) return true;
  }
  return false;
}

/** isHotUpgradingReady: running and ready, or every container status but the idle ones is ready. */
export function isHotUpgradingReady(ctx: RolloutContext, p: RolloutPod): boolean {
  if (isRunningAndReady(p)) return true;
  const idle = new Set(ctx.hotSidecars.map((s) => workingAndIdle(p, s)[1]));
  return p.statuses.every((s) => idle.has(s.name) || s.ready);
}

/**
 * The Pods Kruise resets this round: their new container took over (consistent except the idle ones), they
 * are ready enough, and some idle container still runs an old image.
 */
export function needsHotUpgradeReset(ctx: RolloutContext, p: RolloutPod): boolean {
  if (ctx.hotSidecars.length === 0 || !isInHotUpgrading(ctx, p)) return false;
  const notIdle = new Set(ctx.sidecarContainerNames);
  for (const sidecar of ctx.hotSidecars) notIdle.delete(workingAndIdle(p, sidecar)[1]);
  return isConsistent(ctx, p, notIdle) && isHotUpgradingReady(ctx, p);
}

/**
 * findContainerToHotUpgrade: [container that gets the new image, the other one]. The one on the empty
 * image (NAME-1 checked first); else, when exactly one is ready and consistent, the other; else the idle one.
 */
export function findContainerToHotUpgrade(ctx: RolloutContext, p: RolloutPod, sidecar: SidecarView): [string, string] {
  const [one, two] = [`${sidecar.name}-1`, `${sidecar.name}-2`];
  if (specImage(p, one) === sidecar.emptyImage) return [one, two];
  if (specImage(p, two) === sidecar.emptyImage) return [two, one];
  const oneReady = containerStatus(p, one, 'first')?.ready === true && isConsistent(ctx, p, ctx.only(one));
  const twoReady = containerStatus(p, two, 'first')?.ready === true && isConsistent(ctx, p, ctx.only(two));
  if (oneReady && !twoReady) return [two, one];
  if (!oneReady && twoReady) return [one, two];
  const [working, idle] = workingAndIdle(p, sidecar);
  return [idle, working];
}
