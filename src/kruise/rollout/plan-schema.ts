// The RolloutPlan: the documented, stable schema of `plan-rollout -o json|yaml`. Add fields, never rename or remove them.
import type { IntOrString, LabelSelector } from '../../k8s/api.js';
import type { SidecarSetUpdateStrategy } from '../apis/types.js';
import type { NotMatchedReason, ResolvedNumber, StatusCounts } from './types.js';
export const PLAN_API_VERSION = 'kubectl-sidecarset/v1';
export const PLAN_KIND = 'RolloutPlan';

export interface PodRef {
  namespace: string;
  name: string;
}

export interface PodReason extends PodRef {
  reason: string;
}

export interface PlanImageChange {
  /** the Pod container that receives the image (NAME-1 / NAME-2 for HotUpgrade) */
  container: string;
  from: string;
  to: string;
}

export interface PlanBatchPod extends PodRef {
  /** 1-based position in the batch: Kruise's upgrade order */
  position: number;
  node: string;
  /** ready in Kruise's sense when the plan starts (a Pod that is not ready uses no maxUnavailable slot) */
  ready: boolean;
  /** the image changes; empty when the Pod already runs the new images and only its hash moves */
  images: PlanImageChange[];
}

export interface PlanBatch {
  /** the reconcile round, from 1 */
  batch: number;
  /** upgrade: Pods are upgraded; reset: HotUpgrade old containers go to the empty image; none: nothing moves */
  kind: 'upgrade' | 'reset' | 'none';
  /** upgraded Pods in upgrade order (empty unless kind is upgrade) */
  pods: PlanBatchPod[];
  /** Pods whose idle HotUpgrade containers are reset (kind reset) */
  reset: PodRef[];
  note: string;
}

export type PodDisposition =
  | 'batch'
  | 'updated'
  | 'heldByPartition'
  | 'notSelected'
  | 'notUpgradable'
  | 'inFlight'
  | 'blocked'
  | 'paused'
  | 'notUpdate';

export interface PlanPod extends PodRef {
  disposition: PodDisposition;
  batch?: number;
  position?: number;
  /** why the Pod is not in batch 1, or why it is in no batch ("" for a Pod of batch 1) */
  reason: string;
  node: string;
  phase: string;
  creationTimestamp?: string;
  /** ready containers / containers, as kubectl shows them */
  containersReady: string;
  /** ready in Kruise's sense (Running, Ready, not deleting, HotUpgrade idle containers empty) at the start */
  ready: boolean;
  /** the image each sidecar runs now */
  images: { sidecar: string; container: string; image: string }[];
}

export interface PlanNotMatched extends PodRef {
  reason: NotMatchedReason;
  detail: string;
}

export type StopCode = 'NotUpdate' | 'Paused' | 'Finished' | 'Partition' | 'MaxUnavailable' | 'NoCandidates';

export interface PlanOverride {
  flag: string;
  field: string;
  value: IntOrString | boolean | LabelSelector;
  /** the value in the SidecarSet (null when it is not set) */
  was: IntOrString | boolean | LabelSelector | null;
}

export interface RolloutPlan {
  apiVersion: typeof PLAN_API_VERSION;
  kind: typeof PLAN_KIND;
  sidecarSet: {
    name: string;
    hash: string;
    hashWithoutImage: string;
    containers: { name: string; image: string; upgradeType: string; hotUpgradeEmptyImage?: string }[];
  };
  /** spec.updateStrategy as planned (what-if overrides applied) */
  strategy: SidecarSetUpdateStrategy;
  overrides: PlanOverride[];
  resolved: { matchedPods: number; partition: ResolvedNumber; maxUnavailable: ResolvedNumber };
  /** the SidecarSet status Kruise computes from the Pods given */
  status: StatusCounts;
  /** per sidecar: the images the matched Pods run now, and the new one */
  images: { sidecar: string; to: string; from: { image: string; pods: number }[] }[];
  totals: {
    pods: number;
    matched: number;
    notMatched: number;
    updated: number;
    inBatches: number;
    batches: number;
    heldByPartition: number;
    notSelected: number;
    notUpgradable: number;
    inFlight: number;
    blocked: number;
    notRolling: number;
  };
  /** in rollout order; batches[0] is what Kruise does now */
  batches: PlanBatch[];
  /** every matched Pod, in input order */
  pods: PlanPod[];
  updated: PodRef[];
  heldByPartition: PodRef[];
  notSelected: PodRef[];
  notUpgradable: PodReason[];
  /** waiting for an in-place update in flight that the model does not complete */
  inFlight: PodReason[];
  /** candidates the maxUnavailable budget never reaches */
  blocked: PodReason[];
  /** Pods Kruise does not touch because the rollout is paused or NotUpdate */
  notRolling: PodReason[];
  notMatched: PlanNotMatched[];
  stop: { reason: StopCode; message: string };
  model: { assumptions: string[] };
  estimate?: { batches: number; batchDuration: string; total: string; rule: string };
  warnings: string[];
}
