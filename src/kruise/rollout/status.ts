// rolloutStatus: where a SidecarSet's rollout stands on the Pods as they are now. The strategy's decisions
// (what Kruise upgrades now, what partition, maxUnavailable, the update selector, paused or NotUpdate hold
// back, and why) are planRollout's, unchanged; this adds what the live Pods show (revision, readiness, updates
// in flight, failing containers) and a verdict. The schema is in status-schema.ts.
import type { Pod } from '../../k8s/api.js';
import type { SidecarSet } from '../apis/types.js';
import type { NamespaceLabels } from '../sidecarcontrol/match.js';
import { buildRolloutContext } from './context.js';
import { planRollout } from './plan.js';
import type { PlanPod } from './plan-schema.js';
import { readPodRecords } from './pod-record.js';
import { isStatusReady, readLivePod, type LivePod } from './status-pod.js';
import {
  STATUS_API_VERSION,
  STATUS_KIND,
  type PodRolloutState,
  type RolloutStatus,
  type StatusPod,
} from './status-schema.js';
import { decideVerdict } from './status-verdict.js';
import { simulateReference } from './simulate-reference.js';
import type { Simulate, StatusCounts } from './types.js';

export interface StatusInput {
  /** the SidecarSet as stored in the cluster (its hash annotations are used as they are) */
  sidecarSet: SidecarSet;
  /** the Pods spec.selector selects, in any order */
  pods: readonly Pod[];
  /** the labels of every namespace the Pods are in, when spec.namespaceSelector needs them */
  namespaces: NamespaceLabels;
}

export const POD_STATES: readonly PodRolloutState[] = [
  'Updated',
  'Updating',
  'UpdatedNotReady',
  'Failing',
  'UpgradeNow',
  'Waiting',
  'HeldByPartition',
  'NotSelected',
  'NotUpgradable',
  'InFlight',
  'Blocked',
  'Paused',
  'NotUpdate',
];

export function rolloutStatus(input: StatusInput, simulate: Simulate = simulateReference): RolloutStatus {
  const { sidecarSet, pods, namespaces } = input;
  const ctx = buildRolloutContext(sidecarSet);
  const records = readPodRecords(sidecarSet, namespaces, pods);
  // read before planning: the plan's simulation moves its records on to the end of the rollout
  const live: LivePod[] = [];
  const nonImage: (string[] | null)[] = [];
  records.forEach((r, k) => {
    if (!r.matched) return;
    live.push(readLivePod(ctx, r.pod, pods[k]));
    nonImage.push(r.nonImage);
  });
  const plan = planRollout({ sidecarSet, pods: { records }, namespaces }, simulate);
  // plan.pods are the matched Pods in input order, as `live`
  const statusPods = plan.pods.map((p, i) => describe(p, live[i], nonImage[i]));
  const totals = Object.fromEntries(POD_STATES.map((s) => [s, 0])) as Record<PodRolloutState, number>;
  for (const p of statusPods) totals[p.state]++;
  return {
    apiVersion: STATUS_API_VERSION,
    kind: STATUS_KIND,
    sidecarSet: {
      ...plan.sidecarSet,
      generation: numberOrNull(sidecarSet.metadata?.generation),
      observedGeneration: numberOrNull(sidecarSet.status?.observedGeneration),
    },
    strategy: plan.strategy,
    resolved: plan.resolved,
    status: plan.status,
    reported: reportedCounts(sidecarSet),
    verdict: decideVerdict(plan, statusPods, live),
    totals,
    pods: statusPods,
    notMatched: plan.notMatched,
    warnings: [...plan.warnings, ...staleStatus(sidecarSet)],
  };
}

function describe(p: PlanPod, live: LivePod, nonImage: string[] | null): StatusPod {
  const [state, reason] = live.updated ? updatedState(live) : planState(p);
  // built key by key, in the schema's order
  const out = { namespace: p.namespace, name: p.name, state, disposition: p.disposition, reason } as StatusPod;
  if (p.batch !== undefined) out.batch = p.batch;
  out.revision = live.revision;
  out.updated = live.updated;
  out.ready = isStatusReady(live);
  out.inFlight = !live.consistent;
  if (state === 'NotUpgradable' && nonImage) out.notUpgradableFields = nonImage;
  out.node = p.node;
  out.phase = p.phase;
  out.containersReady = p.containersReady;
  out.sidecars = live.sidecars;
  return out;
}

const SLOT = 'holds a maxUnavailable slot until it is';

function updatedState(live: LivePod): [PodRolloutState, string] {
  if (isStatusReady(live)) return ['Updated', 'runs the SidecarSet revision and is ready'];
  if (live.failing.length > 0) return ['Failing', `${live.failing.join('; ')}: ${SLOT} ready`];
  if (!live.consistent) {
    const what =
      live.pending.length > 0
        ? `kubelet has not restarted ${live.pending.join(', ')} on the new image yet`
        : 'its in-place update has not taken effect';
    return ['Updating', `${what}; ${SLOT} done and ready`];
  }
  if (live.needsReset)
    return ['UpdatedNotReady', `the old HotUpgrade container goes back to the empty image first; ${SLOT} done`];
  return ['UpdatedNotReady', `not ready; ${SLOT} ready`];
}

const BY_DISPOSITION: Record<Exclude<PlanPod['disposition'], 'batch' | 'updated'>, PodRolloutState> = {
  heldByPartition: 'HeldByPartition',
  notSelected: 'NotSelected',
  notUpgradable: 'NotUpgradable',
  inFlight: 'InFlight',
  blocked: 'Blocked',
  paused: 'Paused',
  notUpdate: 'NotUpdate',
};

// A Pod that is not updated is where the plan puts it, for the plan's reason.
function planState(p: PlanPod): [PodRolloutState, string] {
  if (p.disposition === 'batch')
    return p.batch === 1 ? ['UpgradeNow', 'Kruise upgrades it in this reconcile round'] : ['Waiting', p.reason];
  if (p.disposition === 'updated')
    throw new Error(`internal: Pod ${p.namespace}/${p.name} is updated for the plan but not for status`);
  return [BY_DISPOSITION[p.disposition], p.reason];
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

function reportedCounts(sidecarSet: SidecarSet): StatusCounts | null {
  const s = sidecarSet.status as Partial<Record<keyof StatusCounts, unknown>> | undefined;
  if (!s || typeof s.matchedPods !== 'number') return null;
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    matchedPods: n(s.matchedPods),
    updatedPods: n(s.updatedPods),
    readyPods: n(s.readyPods),
    updatedReadyPods: n(s.updatedReadyPods),
  };
}

// Kruise writes status.observedGeneration when it reconciles a generation: behind means it has not seen the change.
function staleStatus(sidecarSet: SidecarSet): string[] {
  const generation = sidecarSet.metadata?.generation;
  const observed = sidecarSet.status?.observedGeneration;
  if (typeof generation !== 'number' || typeof observed !== 'number' || observed >= generation) return [];
  return [
    `Kruise's controller has observed generation ${observed} of the SidecarSet, not ${generation}: it has not reconciled the latest change yet (is kruise-manager running?)`,
  ];
}
