// What changes between two reconcile rounds. Kruise's own writes are exact (updatePodSidecarContainer,
// flipPodSidecarContainerDo, UpdatePodAnnotationsInUpgrade); what kubelet does afterwards is a stated model:
// every sidecar container whose in-place update is pending restarts on its new image (its status then shows
// that image and a new imageID, and its restart count goes up by one), and nothing else changes — readiness
// stays as it was, no Pod is created or deleted. Both mutate the RolloutPod in place.
import { isContainerImageEqual } from '../../k8s/imageref.js';
import { findContainerToHotUpgrade } from './hot-upgrade.js';
import { containerStatus, imageIDWithoutScheme, podContainer, specImage, workingAndIdle } from './pod-state.js';
import type { ContainerChange, RolloutContext } from './types.js';
import { type RolloutPod } from './types.js';

/** The assumptions behind batches after the first, as the plan states them. */
export const MODEL_ASSUMPTIONS: readonly string[] = [
  'Batch 1 is what the Kruise controller upgrades now, on the state given; later batches are later reconcile rounds.',
  'Between rounds, every sidecar container whose in-place update is pending restarts on its new image: its status shows the new image and a new imageID, and its restart count goes up by one (this includes updates already in flight).',
  'Readiness does not change: a Pod that is not ready stays not ready, and once updated it holds a maxUnavailable slot for good.',
  'No Pod is created or deleted, so the matched Pods, every percentage and the partition stay the same.',
  'Everything is recomputed each round (candidates, order, partition, budget), as Kruise does.',
  'HotUpgrade: after the new container runs, one round resets the old container to the empty image and upgrades nothing.',
];

/**
 * Kruise's write on a Pod of the batch: each sidecar's new image (HotUpgrade: into the container
 * findContainerToHotUpgrade picks, which becomes the working one), the hash entry set to the SidecarSet's,
 * and the imageIDs the changed containers showed before. Returns the image changes.
 */
export function applyKruiseUpgrade(ctx: RolloutContext, p: RolloutPod): ContainerChange[] {
  const changes: ContainerChange[] = [];
  const changed: string[] = [];
  for (const sidecar of ctx.sidecars) {
    let target: string;
    let from: string;
    if (sidecar.hot) {
      const [upgrade, other] = findContainerToHotUpgrade(ctx, p, sidecar);
      target = upgrade;
      from = podContainer(p, other)?.image ?? '';
    } else {
      target = sidecar.name;
      from = podContainer(p, target)?.image ?? '';
    }
    if (sidecar.image === from) continue; // only images change in place; nothing to do
    setContainerImage(p, target, sidecar.image);
    changes.push({ sidecar: sidecar.name, container: target, from, to: sidecar.image });
    changed.push(target);
    if (sidecar.hot) p.working = new Map(p.working).set(sidecar.name, target);
  }
  p.hash = ctx.hash;
  recordInPlaceUpdate(p, changed);
  return changes;
}

/** flipPodSidecarContainerDo: every idle HotUpgrade container not on its empty image gets it. Returns their names. */
export function applyHotUpgradeReset(ctx: RolloutContext, p: RolloutPod): string[] {
  const changed: string[] = [];
  for (const sidecar of ctx.hotSidecars) {
    const idle = workingAndIdle(p, sidecar)[1];
    const c = lastContainer(p, idle);
    if (!c || c.image === sidecar.emptyImage) continue;
    c.image = sidecar.emptyImage;
    changed.push(idle);
  }
  recordInPlaceUpdate(p, changed);
  return changed;
}

/**
 * UpdatePodAnnotationsInUpgrade: remember the imageID each changed container shows now (the record of this
 * SidecarSet is kept and extended; an unreadable annotation is replaced).
 */
export function recordInPlaceUpdate(p: RolloutPod, changed: readonly string[]): void {
  // each Pod has its own record, so a valid one is extended where it is
  if (p.inPlace.kind !== 'valid') p.inPlace = { kind: 'valid', lastImageIDs: new Map() };
  for (const name of changed) p.inPlace.lastImageIDs.set(name, containerStatus(p, name)?.imageID ?? '');
}

// An in-place update writes the Pod's container (util.GetContainer finds init containers first).
function setContainerImage(p: RolloutPod, name: string, image: string): void {
  const c = podContainer(p, name);
  if (c) c.image = image;
}

/**
 * The sidecar containers kubelet still has to restart: a digest image the status does not show yet, or a
 * container Kruise changed whose status still shows the imageID recorded before the change.
 */
export function pendingContainers(ctx: RolloutContext, p: RolloutPod): string[] {
  const out: string[] = [];
  for (const c of p.containers) {
    if (!ctx.sidecarContainerNames.has(c.name)) continue;
    const s = containerStatus(p, c.name);
    if (!s || specImage(p, c.name) !== c.image) continue; // only the effective entry of a name
    if (ctx.isDigest(c.image)) {
      if (!isContainerImageEqual(c.image, imageIDWithoutScheme(s.imageID))) out.push(c.name);
      continue;
    }
    const recorded = p.inPlace.kind === 'valid' ? p.inPlace.lastImageIDs.get(c.name) : undefined;
    if (recorded !== undefined && recorded === s.imageID && c.image !== s.image) out.push(c.name);
  }
  return out;
}

/** The kubelet model on one Pod: pending sidecar containers restart on their spec image. Returns their names. */
export function applyKubelet(ctx: RolloutContext, p: RolloutPod): string[] {
  const pending = pendingContainers(ctx, p);
  for (const name of pending) {
    const spec = lastContainer(p, name) as { image: string };
    const s = containerStatus(p, name);
    if (!s) continue;
    const recorded = p.inPlace.kind === 'valid' ? p.inPlace.lastImageIDs.get(name) : undefined;
    let imageID = kubeletImageID(spec.image);
    if (imageID === recorded || imageID === s.imageID) imageID += '#restarted';
    s.image = spec.image;
    s.imageID = imageID;
    s.restartCount += 1;
    p.maxRestarts = Math.max(p.maxRestarts, s.restartCount);
  }
  return pending;
}

function lastContainer(p: RolloutPod, name: string): { image: string } | undefined {
  for (let i = p.containers.length - 1; i >= 0; i--) if (p.containers[i].name === name) return p.containers[i];
  return undefined;
}

/** imageIDs the model invents look like docker-pullable://...; the part after :// is the image itself. */
export const KUBELET_IMAGE_ID_SCHEME = 'kubelet-model://';

// The imageID of an image, one string for all the Pods restarted on it (a rollout restarts 100,000 of them).
let lastImageID = { image: '', imageID: KUBELET_IMAGE_ID_SCHEME };
function kubeletImageID(image: string): string {
  if (lastImageID.image !== image) lastImageID = { image, imageID: `${KUBELET_IMAGE_ID_SCHEME}${image}` };
  return lastImageID.imageID;
}
