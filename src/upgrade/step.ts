// The upgrade's step function: from the live state (the Pods as watched), the target and what this run has
// patched so far, what to do next. Pure: the executor (./execute.ts) acts and feeds the new state back.
//
//   in flight      Pods patched in the current batch; the batch is done when each patched container reports the
//                  new image with a new imageID and the Pod is Ready. A Pod deleted or recreated, or a patched
//                  container in ImagePullBackOff / CrashLoopBackOff, pauses the rollout.
//   next batch     planRollout on the live Pods (plan-rollout's own code): its first batch is what Kruise's
//                  controller would upgrade now; each Pod of it gets upgradePod's change as one guarded patch.
import { isContainerImageEqual } from '../k8s/imageref.js';
import type { Pod } from '../k8s/api.js';
import type { SidecarSet } from '../kruise/apis/types.js';
import { upgradePod, type PodUpgrade } from '../kruise/rollout/in-place-upgrade.js';
import { planRollout } from '../kruise/rollout/plan.js';
import type { PodRef, RolloutPlan } from '../kruise/rollout/plan-schema.js';
import { simulateFast } from '../kruise/rollout/simulate-fast.js';
import type { StrategyOverrides } from '../kruise/rollout/types.js';
import type { NamespaceLabels } from '../kruise/sidecarcontrol/match.js';
import { upgradePatch } from './pod-patch.js';
import type { JsonPatchOperation } from '../cluster/write.js';

/** Waiting reasons of a patched container that no wait will cure. */
export const FAILING_REASONS: ReadonlySet<string> = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
]);

export interface LiveState {
  pods: readonly Pod[];
  namespaces: NamespaceLabels;
}

/** A Pod this run patched and waits for. */
export interface InFlightPod {
  namespace: string;
  name: string;
  uid: string;
  /** patched container → the image it must report */
  images: Record<string, string>;
  /** patched container → its imageID before the patch ("" when it reported none) */
  imageIDs: Record<string, string>;
  /** Ready before the patch: only then must it be Ready again (a Pod that was not is upgraded as it is) */
  wasReady: boolean;
}

export interface RunState {
  /** the target as the plan reads it (./target.ts) */
  target: SidecarSet;
  overrides: StrategyOverrides;
  /** the metav1.Time text Kruise's controller would write now */
  now: string;
  /** key (namespace/name) → Pod patched in the current batch and not yet done */
  inFlight: ReadonlyMap<string, InFlightPod>;
}

/** One Pod's change: the live Pod, the Pod as Kruise would write it, and the guarded patch between them. */
export interface PodChange {
  key: string;
  pod: Pod;
  after: Pod;
  containers: string[];
  patch: JsonPatchOperation[];
}

export interface NeedsRecreate extends PodRef {
  container: string;
  field: string;
}

export type PauseReason = 'PodDeleted' | 'PodRecreated' | 'ContainerFailing';

export type Step =
  | { kind: 'patch'; plan: RolloutPlan; changes: PodChange[]; reset: boolean }
  /** in-flight Pods not done yet, or the budget is held by Pods that are not ready */
  | { kind: 'wait'; pods: PodRef[]; why: string }
  | { kind: 'done'; plan: RolloutPlan }
  | { kind: 'pause'; reason: PauseReason; pods: PodRef[]; message: string };

export const podKey = (p: PodRef): string => `${p.namespace}/${p.name}`;

export function nextStep(live: LiveState, run: RunState): Step {
  const byKey = new Map<string, Pod>();
  for (const p of live.pods) byKey.set(`${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`, p);

  if (run.inFlight.size > 0) {
    const waiting: PodRef[] = [];
    for (const [key, f] of run.inFlight) {
      const pod = byKey.get(key);
      const verdict = inFlightVerdict(f, pod);
      if (verdict === 'done') continue;
      if (verdict === 'waiting') waiting.push(ref(f));
      else return verdict;
    }
    if (waiting.length > 0) return { kind: 'wait', pods: waiting, why: 'the patched Pods restart their sidecars' };
  }

  const plan = planRollout(
    { sidecarSet: run.target, pods: live.pods, namespaces: live.namespaces, overrides: run.overrides },
    simulateFast,
  );
  const first = plan.batches[0];
  if (first && (first.kind === 'upgrade' || first.kind === 'reset')) {
    const refs = first.kind === 'upgrade' ? first.pods : first.reset;
    const changes: PodChange[] = [];
    for (const r of refs) {
      const key = podKey(r);
      const pod = byKey.get(key);
      if (!pod) continue;
      const change = podChange(run, pod, live.namespaces);
      if (change) changes.push(change);
    }
    if (changes.length > 0) return { kind: 'patch', plan, changes, reset: first.kind === 'reset' };
  }
  // updated Pods (of an earlier, interrupted run, or Kruise's) whose sidecars have not restarted yet
  const settling = plan.updated.filter((r) => restartPending(byKey.get(podKey(r)), run.target));
  if (settling.length > 0) return { kind: 'wait', pods: settling, why: 'updated Pods restart their sidecars' };
  if (plan.stop.reason === 'MaxUnavailable')
    return { kind: 'wait', pods: plan.blocked.map(ref), why: plan.stop.message };
  return { kind: 'done', plan };
}

/** upgradePod's change of one Pod as a guarded patch; undefined when there is nothing to write. */
export function podChange(
  run: Pick<RunState, 'target' | 'now'>,
  pod: Pod,
  namespaces: NamespaceLabels,
): PodChange | undefined {
  const upgrade: PodUpgrade = upgradePod(run.target, pod, { now: run.now, namespaces });
  if (upgrade.kind !== 'upgrade') return undefined;
  const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  return { key, pod, after: upgrade.pod, containers: upgrade.containers, patch: upgradePatch(pod, upgrade.pod) };
}

/** What this run waits for on a Pod it patched. */
export function inFlightOf(change: PodChange): InFlightPod {
  const images: Record<string, string> = {};
  const imageIDs: Record<string, string> = {};
  for (const name of change.containers) {
    images[name] = change.after.spec.containers.find((c) => c.name === name)?.image ?? '';
    imageIDs[name] = containerStatuses(change.pod).find((s) => s.name === name)?.imageID ?? '';
  }
  return {
    namespace: change.pod.metadata.namespace ?? '',
    name: change.pod.metadata.name ?? '',
    uid: String(change.pod.metadata.uid ?? ''),
    images,
    imageIDs,
    wasReady: isPodReady(change.pod),
  };
}

function inFlightVerdict(f: InFlightPod, pod: Pod | undefined): 'done' | 'waiting' | Step {
  if (!pod || pod.metadata.deletionTimestamp)
    return {
      kind: 'pause',
      reason: 'PodDeleted',
      pods: [ref(f)],
      message: `Pod ${podKey(f)} was deleted while its sidecars were being upgraded`,
    };
  if (f.uid !== '' && pod.metadata.uid !== f.uid)
    return {
      kind: 'pause',
      reason: 'PodRecreated',
      pods: [ref(f)],
      message: `Pod ${podKey(f)} was deleted and created again while its sidecars were being upgraded`,
    };
  const statuses = containerStatuses(pod);
  let done = true;
  for (const [name, image] of Object.entries(f.images)) {
    const s = statuses.find((x) => x.name === name);
    const waiting = s?.state?.waiting?.reason;
    if (waiting && FAILING_REASONS.has(waiting))
      return {
        kind: 'pause',
        reason: 'ContainerFailing',
        pods: [ref(f)],
        message: `Pod ${podKey(f)}: container ${name} is in ${waiting} on ${image}${s?.state?.waiting?.message ? `: ${s.state.waiting.message}` : ''}`,
      };
    if (!s || !isContainerImageEqual(s.image ?? '', image) || !s.imageID || s.imageID === f.imageIDs[name])
      done = false;
  }
  return done && (!f.wasReady || isPodReady(pod)) ? 'done' : 'waiting';
}

/** A sidecar container of the Pod whose status does not show its spec image yet. */
function restartPending(pod: Pod | undefined, target: SidecarSet): boolean {
  if (!pod) return false;
  const names = new Set((target.spec?.containers ?? []).map((c) => c.name));
  const statuses = containerStatuses(pod);
  return pod.spec.containers.some((c) => {
    if (!names.has(c.name) && !names.has(c.name.replace(/-[12]$/, ''))) return false;
    const s = statuses.find((x) => x.name === c.name);
    return s !== undefined && !isContainerImageEqual(s.image ?? '', c.image ?? '');
  });
}

export interface ContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; running?: unknown; terminated?: unknown };
}

export function containerStatuses(pod: Pod): ContainerStatus[] {
  return (pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? [];
}

export function isPodReady(pod: Pod): boolean {
  const conditions = (pod.status?.conditions as { type: string; status: string }[] | undefined) ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

const ref = (p: PodRef): PodRef => ({ namespace: p.namespace, name: p.name });
