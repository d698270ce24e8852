// The rollout core's model, in one place: the SidecarSet as the controller reads it (RolloutContext), a matched
// Pod as it sees it (RolloutPod), what one reconcile round decides (RoundResult), and a simulated rollout.
import type { IntOrString, LabelSelector } from '../../k8s/api.js';
import type { CompiledSelector, Labels } from '../../k8s/selector.js';

/** One entry of the SidecarSet's spec.containers, as the upgrade sees it. */
export interface SidecarView {
  name: string;
  /** the image Kruise puts in place */
  image: string;
  hot: boolean;
  /** upgradeStrategy.hotUpgradeEmptyImage ("" when unset) */
  emptyImage: string;
  /** the Pod containers it lives in: [name], or [name-1, name-2] for HotUpgrade */
  podContainers: string[];
}

export interface RolloutStrategy {
  /** updateStrategy.type ("" when absent: the controller treats it as RollingUpdate) */
  type: string;
  paused: boolean;
  /** updateStrategy.selector: null when absent (every Pod selected); 'invalid' selects none */
  selector: CompiledSelector | null | 'invalid';
  partition: IntOrString | undefined;
  maxUnavailable: IntOrString | undefined;
  priority: CompiledPriority | null;
  /** null when scatterStrategy is absent */
  scatter: ScatterTerm[] | null;
}

export interface RolloutContext {
  name: string;
  /** kruise.io/sidecarset-hash as stored ("" when absent) */
  hash: string;
  /** kruise.io/sidecarset-hash-without-image as stored ("" when absent) */
  hashWithoutImage: string;
  sidecars: SidecarView[];
  hotSidecars: SidecarView[];
  /** every Pod container name of the sidecars (both halves of a HotUpgrade sidecar) */
  sidecarContainerNames: ReadonlySet<string>;
  /** the same names in Go's sorted order (sets.String.List) */
  sortedSidecarContainerNames: readonly string[];
  strategy: RolloutStrategy;
  /** util.IsImageDigest, memoised: images repeat across Pods */
  isDigest(image: string): boolean;
  /** the set holding just this container name (for IsPodStateConsistent on one container), made once */
  only(name: string): ReadonlySet<string>;
}

/** The what-if flags: each replaces one field of spec.updateStrategy. */
export interface StrategyOverrides {
  partition?: IntOrString;
  maxUnavailable?: IntOrString;
  selector?: LabelSelector;
  paused?: boolean;
}

export interface ContainerView {
  name: string;
  image: string;
}

export interface ContainerStatusView {
  name: string;
  image: string;
  imageID: string;
  ready: boolean;
  restartCount: number;
}

export interface RolloutPod {
  /** position in the list of matched Pods (set by the plan when it gathers them: -1 until then) */
  index: number;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName: string;
  /** creationTimestamp in ms since the epoch; null for Go's zero time */
  readonly creationTime: number | null;
  /** status.phase ("" when absent) */
  readonly phase: string;
  readonly deleting: boolean;
  /** the Pod has a Ready condition with status "True" */
  readonly conditionReady: boolean;
  /** lastTransitionTime of that condition (ms), null when absent */
  readonly readyTime: number | null;
  /** the Pod has a status with a phase, conditions or container statuses (without, it is not ready in either sense) */
  readonly hasStatus: boolean;
  /** spec.containers (names and images); images change when Kruise upgrades */
  containers: ContainerView[];
  initContainers: ContainerView[];
  /** status.containerStatuses, in order */
  statuses: ContainerStatusView[];
  /** highest restartCount among the container statuses */
  maxRestarts: number;
  /** this SidecarSet's entry in kruise.io/sidecarset-hash ("" when none) */
  hash: string;
  /** this SidecarSet's entry in kruise.io/sidecarset-hash-without-image (never changed by an upgrade) */
  readonly hashWithoutImage: string;
  inPlace: InPlaceRecord;
  /** kruise.io/sidecarset-working-hotupgrade-container: sidecar -> working container (replaced, never changed) */
  working: ReadonlyMap<string, string>;
}

/**
 * This SidecarSet's record of an in-place update: the imageID each changed container showed before the
 * change ('absent': the Pod was never updated in place; 'invalid': the annotation does not decode).
 */
export type InPlaceRecord =
  { kind: 'absent' } | { kind: 'invalid' } | { kind: 'valid'; lastImageIDs: Map<string, string> };

export interface CompiledPriority {
  /** matchers of weightPriority terms; a term whose selector does not compile is left out */
  weights: { weight: number; selector: CompiledSelector }[];
  /** true when weightPriority is non-empty (it wins over orderPriority even if every term was dropped) */
  byWeight: boolean;
  orderedKeys: string[];
}

export interface ScatterTerm {
  key: string;
  value: string;
}

/** A number Kruise derives from the strategy, with how it got there in words. */
export interface ResolvedNumber {
  value: number;
  rule: string;
}

export interface Classification {
  updated: number[];
  notSelected: number[];
  notUpgradable: number[];
  inFlight: number[];
  /** the Pods that can be in the batch, in Pod order */
  candidates: number[];
}

/** SidecarSetStatus as calculateStatus computes it at the start of the round. */
export interface StatusCounts {
  matchedPods: number;
  updatedPods: number;
  readyPods: number;
  updatedReadyPods: number;
}

/**
 * Where the round ended: NotUpdate and Paused stop before anything; HotUpgradeReset resets idle containers
 * and upgrades nothing; Finished when every matched Pod is updated; Upgrade when the strategy ran (the batch
 * may still be empty).
 */
export type RoundKind = 'NotUpdate' | 'Paused' | 'HotUpgradeReset' | 'Finished' | 'Upgrade';

export interface StrategyRound extends Classification {
  /** the candidates in Kruise's order (default, then priority, then scatter) */
  order: number[];
  partition: ResolvedNumber;
  maxUnavailable: ResolvedNumber;
  /** the last `partition` Pods of the order (all of them when there are no more candidates than that) */
  heldByPartition: number[];
  /** the Pods left to the walk: the order without the held ones */
  eligible: number[];
  /** updated Pods holding a maxUnavailable slot before the walk (not consistent, or not ready) */
  busy: number[];
  /** the Pods the walk takes: the batch, in order */
  batch: number[];
  /** eligible Pods the walk did not reach: the budget was used up */
  waiting: number[];
}

export interface RoundResult {
  kind: RoundKind;
  /** indexes of the Pods upgraded this round, in Kruise's order */
  batch: number[];
  /** indexes of the Pods whose idle hot-upgrade containers are reset this round */
  reset: number[];
  status: StatusCounts;
  /** present when kind is Upgrade */
  strategy?: StrategyRound;
}

/** One sidecar image change made by an upgrade. */
export interface ContainerChange {
  /** the SidecarSet's container name */
  sidecar: string;
  /** the Pod container that receives the image (NAME-1 or NAME-2 for HotUpgrade) */
  container: string;
  from: string;
  to: string;
}

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

export type NotMatchedReason =
  | 'NamespaceMismatch'
  | 'NamespaceLabelsUnknown'
  | 'SelectorMismatch'
  | 'InactivePod'
  | 'NotInjected'
  | 'MissingSidecarContainers';

export type PodRecord = MatchedPodRecord | NotMatchedPodRecord;

export interface MatchedPodRecord {
  matched: true;
  /** changed by the plan's simulation: a record serves one plan */
  pod: RolloutPod;
  /**
   * nonImageDifferences of the Pod, for a Pod whose hash-without-image is not the SidecarSet's (the only Pods
   * that can turn out not upgradable in place); null for the others
   */
  nonImage: string[] | null;
}

export interface NotMatchedPodRecord {
  matched: false;
  namespace: string;
  name: string;
  reason: NotMatchedReason;
  detail: string;
}

/** Where a Pod stood in a round that ran the strategy (looked up once per round, not per Pod). */
export type Place = 'updated' | 'notSelected' | 'notUpgradable' | 'inFlight' | 'heldByPartition' | 'waiting';

export interface PodInRound {
  round: RoundResult;
  place: Place | undefined;
}
