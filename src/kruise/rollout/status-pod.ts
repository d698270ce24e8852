// What `status` says of one matched Pod beyond the plan: the revision it runs, whether it is updated, ready
// and consistent as Kruise counts them, and what its sidecar containers are doing. Read before the plan runs,
// because the plan's simulation changes the Pod records it is given.
import type { Pod } from '../../k8s/api.js';
import { SidecarSetHashAnnotation } from '../apis/types.js';
import { parseUpgradeSpecs } from '../sidecarcontrol/pod-annotations.js';
import { pendingContainers } from './model.js';
import { CONSISTENT, READY, readPodFacts, RESET, UPDATED } from './pod-facts.js';
import { containerStatus, podContainer, workingAndIdle } from './pod-state.js';
import type { StatusPod, StatusSidecar } from './status-schema.js';
import type { RolloutContext, RolloutPod } from './types.js';

/**
 * Waiting reasons kubelet only leaves on its own after someone acts (a new image, a fixed config, a fixed
 * program): a Pod stuck in one of them does not become ready, so under Kruise it holds its slot for good.
 */
export const FAILING_WAITING_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export interface LivePod {
  revision: StatusPod['revision'];
  updated: boolean;
  consistent: boolean;
  /** IsPodReady (Running, Ready, not deleting, HotUpgrade idle containers on the empty image) */
  kruiseReady: boolean;
  /** idle HotUpgrade containers are reset to the empty image when Kruise next reconciles */
  needsReset: boolean;
  /** sidecar containers whose in-place update kubelet has still to carry out */
  pending: string[];
  /** containers waiting for a reason they do not leave by themselves: "name: Reason (message)" */
  failing: string[];
  sidecars: StatusSidecar[];
}

interface WireContainerStatus {
  name?: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

export function readLivePod(ctx: RolloutContext, p: RolloutPod, pod: Pod): LivePod {
  const facts = readPodFacts(ctx, p);
  const waiting = waitingReasons(pod);
  const sidecars = ctx.sidecars.map((s): StatusSidecar => {
    const container = s.hot ? workingAndIdle(p, s)[0] : s.name;
    const st = containerStatus(p, container);
    return {
      sidecar: s.name,
      container,
      image: podContainer(p, container)?.image ?? '',
      runningImage: st?.image ?? '',
      wantImage: s.image,
      ready: st?.ready ?? false,
      restartCount: st?.restartCount ?? 0,
      waiting: waiting.get(container)?.reason ?? '',
    };
  });
  const failing: string[] = [];
  for (const [name, w] of waiting) {
    if (FAILING_WAITING_REASONS.has(w.reason))
      failing.push(`${name}: ${w.reason}${w.message ? ` (${w.message})` : ''}`);
  }
  return {
    // the hash read as the rollout reads it (two shapes, "" when unreadable); the rest as Kruise wrote it
    revision: { ...revisionOf(pod, ctx.name), hash: p.hash },
    updated: (facts & UPDATED) !== 0,
    consistent: (facts & CONSISTENT) !== 0,
    kruiseReady: (facts & READY) !== 0,
    needsReset: (facts & RESET) !== 0,
    pending: pendingContainers(ctx, p),
    failing,
    sidecars,
  };
}

/** calculateStatus counts a Pod ready when it is consistent and IsPodReady. */
export function isStatusReady(live: LivePod): boolean {
  return live.consistent && live.kruiseReady;
}

function waitingReasons(pod: Pod): Map<string, { reason: string; message: string }> {
  const out = new Map<string, { reason: string; message: string }>();
  const statuses = (pod.status?.containerStatuses ?? []) as WireContainerStatus[];
  for (const s of Array.isArray(statuses) ? statuses : []) {
    const w = s?.state?.waiting;
    if (s?.name && w?.reason) out.set(s.name, { reason: w.reason, message: w.message ?? '' });
  }
  return out;
}

// The entry as Kruise wrote it; an annotation the webhook would reject reads as no revision, as the hash does.
function revisionOf(pod: Pod, sidecarSetName: string): StatusPod['revision'] {
  try {
    const spec = parseUpgradeSpecs(pod, SidecarSetHashAnnotation).get(sidecarSetName);
    return {
      hash: spec?.hash ?? '',
      controllerRevision: spec?.controllerRevision ?? '',
      updateTimestamp: spec?.updateTimestamp ?? null,
    };
  } catch {
    return { hash: '', controllerRevision: '', updateTimestamp: null };
  }
}
