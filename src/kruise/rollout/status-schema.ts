// The RolloutStatus: the documented, stable schema of `status -o json|yaml` (and of each line of `status -w -o
// json`). Add fields, never rename or remove them. It reuses the plan's pieces where they mean the same thing.
import type { SidecarSetUpdateStrategy } from '../apis/types.js';
import type { PlanNotMatched, PodDisposition, RolloutPlan } from './plan-schema.js';
import type { StatusCounts } from './types.js';

export const STATUS_API_VERSION = 'kubectl-sidecarset/v1';
export const STATUS_KIND = 'RolloutStatus';

/**
 * Where the rollout stands as a whole:
 * - complete: every matched Pod is updated and ready in Kruise's sense (updatedReadyPods = matchedPods);
 * - progressing: Kruise upgrades Pods now, or waits for updates in flight or for updated Pods to become ready;
 * - stalled: nothing will move the rollout further without someone changing the SidecarSet or the Pods.
 */
export type VerdictPhase = 'complete' | 'progressing' | 'stalled';

export type VerdictReason =
  /** complete */
  | 'Complete'
  /** progressing */
  | 'Upgrading'
  | 'ResettingHotUpgrade'
  | 'UpdateInFlight'
  | 'WaitingForReady'
  /** stalled */
  | 'NotUpdate'
  | 'Paused'
  | 'UpdatedPodFailing'
  | 'Partition'
  | 'NotUpgradable'
  | 'NotSelected'
  | 'InFlightNeverCompletes'
  | 'MaxUnavailable';

export interface Verdict {
  phase: VerdictPhase;
  reason: VerdictReason;
  message: string;
  /** the Pods the reason is about (at most a few are named in the message) */
  pods: { namespace: string; name: string }[];
}

/**
 * A Pod's place in the rollout now:
 * - Updated: runs the SidecarSet's revision and is ready in Kruise's sense;
 * - Updating: updated, but kubelet has not restarted a changed sidecar on its new image yet;
 * - UpdatedNotReady: updated and restarted, not ready (yet);
 * - Failing: updated, not ready, and a container is in CrashLoopBackOff, ImagePullBackOff or the like;
 * - UpgradeNow: Kruise upgrades it in the current reconcile round (batch 1 of plan-rollout);
 * - Waiting: Kruise upgrades it in a later round (its reason says why not now);
 * - the others: plan-rollout's dispositions for a Pod in no batch (same names, same reasons).
 */
export type PodRolloutState =
  | 'Updated'
  | 'Updating'
  | 'UpdatedNotReady'
  | 'Failing'
  | 'UpgradeNow'
  | 'Waiting'
  | 'HeldByPartition'
  | 'NotSelected'
  | 'NotUpgradable'
  | 'InFlight'
  | 'Blocked'
  | 'Paused'
  | 'NotUpdate';

export interface StatusSidecar {
  /** the SidecarSet's container name */
  sidecar: string;
  /** the Pod container it runs as (NAME-1 / NAME-2 for HotUpgrade: the working one) */
  container: string;
  /** spec image in the Pod */
  image: string;
  /** the image its container status shows ("" without a status) */
  runningImage: string;
  /** the SidecarSet's image */
  wantImage: string;
  ready: boolean;
  restartCount: number;
  /** state.waiting.reason of its container status ("" when not waiting) */
  waiting: string;
}

export interface StatusPod {
  namespace: string;
  name: string;
  state: PodRolloutState;
  /** plan-rollout's disposition of the Pod, unchanged */
  disposition: PodDisposition;
  /** why the Pod is in this state; plan-rollout's reason where the Pod is not updated */
  reason: string;
  /** the plan-rollout batch it is upgraded in (1 = now), when it is */
  batch?: number;
  /** the SidecarSet revision the Pod runs: its kruise.io/sidecarset-hash entry for this SidecarSet */
  revision: { hash: string; controllerRevision: string; updateTimestamp: string | null };
  /** revision.hash is the SidecarSet's (IsPodSidecarUpdated) */
  updated: boolean;
  /** consistent and ready (Running, Ready condition, HotUpgrade idle containers empty), as calculateStatus counts */
  ready: boolean;
  /** an in-place update of one of its sidecars has not taken effect yet (IsPodStateConsistent is false) */
  inFlight: boolean;
  /** the fields of the SidecarSet's containers this Pod's sidecars do not carry (NotUpgradable only) */
  notUpgradableFields?: string[];
  node: string;
  phase: string;
  containersReady: string;
  sidecars: StatusSidecar[];
}

export interface RolloutStatus {
  apiVersion: typeof STATUS_API_VERSION;
  kind: typeof STATUS_KIND;
  sidecarSet: RolloutPlan['sidecarSet'] & { generation: number | null; observedGeneration: number | null };
  strategy: SidecarSetUpdateStrategy;
  resolved: RolloutPlan['resolved'];
  /** SidecarSetStatus as Kruise's calculateStatus computes it from the Pods now */
  status: StatusCounts;
  /** the counts the SidecarSet's own .status carries (null when it has none), as Kruise last wrote them */
  reported: StatusCounts | null;
  verdict: Verdict;
  /** how many Pods are in each state (every state present, 0 when none) */
  totals: Record<PodRolloutState, number>;
  /** every matched Pod, in input order */
  pods: StatusPod[];
  /** Pods spec.selector selects that the rollout leaves out, and why */
  notMatched: PlanNotMatched[];
  warnings: string[];
}
