// The plan in words: every reason, note and message a RolloutPlan carries, so the planning code above it
// decides and this module says. The texts are part of the documented output: change them as the schema.
import { formatGoDuration } from '../../go/duration.js';
import { countOf } from '../../words.js';
import { shortHash } from '../sidecarcontrol/short-hash.js';
import type { SidecarSetUpdateStrategy } from '../apis/types.js';
import type { PodDisposition, RolloutPlan } from './plan-schema.js';
import { isKruiseReady } from './pod-state.js';
import type {
  PodInRound,
  RolloutContext,
  RolloutPod,
  RoundResult,
  SimulatedRound,
  StrategyOverrides,
} from './types.js';
// "2/3": the same few texts for every Pod, made once each
const READY_TEXTS: string[][] = [];

export function readyText(ready: number, all: number): string {
  if (ready > 15 || all > 15) return `${ready}/${all}`;
  const row = (READY_TEXTS[ready] ??= []);
  return (row[all] ??= `${ready}/${all}`);
}

export function finalDisposition(
  p: RolloutPod,
  final: PodInRound,
  notUpgradable: () => string,
): [PodDisposition, string] {
  const r = final.round;
  if (r.kind === 'Paused') return ['paused', 'the rollout is paused (spec.updateStrategy.paused)'];
  if (r.kind === 'NotUpdate') return ['notUpdate', 'spec.updateStrategy.type is NotUpdate'];
  const s = r.strategy;
  switch (s ? final.place : undefined) {
    case 'notSelected':
      return ['notSelected', 'not selected by spec.updateStrategy.selector'];
    case 'notUpgradable':
      return ['notUpgradable', notUpgradable()];
    case 'inFlight':
      return ['inFlight', inFlightReason(p)];
    case 'heldByPartition':
      return ['heldByPartition', `held back by partition (${s!.partition.value})`];
    case 'waiting':
      return ['blocked', `maxUnavailable ${s!.maxUnavailable.value} stays used up by updated Pods that are not ready`];
    case 'updated':
      return ['updated', 'already updated'];
    default:
      throw new Error(`internal: Pod ${p.namespace}/${p.name} left without a disposition after a ${r.kind} round`);
  }
}

export function whyNotFirst(first: PodInRound): string {
  if (first.round.kind === 'HotUpgradeReset') return 'batch 1 only resets old HotUpgrade containers';
  if (!first.round.strategy) return `batch 1 upgrades nothing (${first.round.kind})`;
  switch (first.place) {
    case 'inFlight':
      return 'its sidecar update in flight finishes first';
    case 'heldByPartition':
      return 'held by partition in batch 1';
    case 'waiting':
      return 'waits for a maxUnavailable slot';
    default:
      return 'became a candidate after batch 1';
  }
}

function inFlightReason(p: RolloutPod): string {
  if (p.inPlace.kind === 'invalid') {
    return 'a sidecar is ready but kruise.io/sidecarset-inplace-update-state does not decode, so Kruise waits for an update that never completes';
  }
  if (p.containers.length !== p.statuses.length) {
    return `a sidecar is ready but the Pod has ${p.statuses.length} container statuses for ${p.containers.length} containers, so Kruise waits`;
  }
  return 'a sidecar in-place update is still in flight';
}

export function notUpgradableReason(ctx: RolloutContext, diffs: string[] | null, p: RolloutPod): string {
  // a Pod is not upgradable in place only when its hash-without-image differs, and then its record has these
  if (diffs === null)
    throw new Error(`internal: Pod ${p.namespace}/${p.name} is not upgradable but was read as upgradable`);
  const hashes = `hash-without-image ${shortHash(p.hashWithoutImage, 10)} on the Pod, ${shortHash(ctx.hashWithoutImage, 10)} on the SidecarSet`;
  const what =
    diffs.length > 0
      ? `differs in ${diffs.join(', ')}`
      : 'the SidecarSet changed more than images since the Pod was injected';
  return `needs a recreate: ${what} (${hashes}); Kruise only changes images in place`;
}

// A plan of 100,000 one-Pod batches says "1 Pod" 100,000 times: `notes` makes each text once.
export function upgradeNote(pods: number, free: number, notes: Map<number, string>): string {
  const key = pods * 0x100000000 + free;
  let note = notes.get(key);
  if (note === undefined) {
    note = countOf(pods, 'Pod') + (free > 0 ? ` (${free} not ready: upgraded without using maxUnavailable)` : '');
    notes.set(key, note);
  }
  return note;
}

export function firstRoundNote(first: RoundResult, ctx: RolloutContext, pods: readonly RolloutPod[]): string {
  switch (first.kind) {
    case 'NotUpdate':
      return 'nothing: spec.updateStrategy.type is NotUpdate';
    case 'Paused':
      return 'nothing: the rollout is paused';
    case 'Finished':
      return 'nothing: every matched Pod is updated';
    case 'HotUpgradeReset':
      return 'nothing is upgraded: Kruise first resets old HotUpgrade containers';
    case 'Upgrade':
      break;
  }
  const s = first.strategy!;
  const held = s.busy.length > 0 ? `; ${countOf(s.busy.length, 'slot')} held by ${names(s.busy, pods)}` : '';
  if (first.batch.length > 0) {
    const free = first.batch.filter((i) => !isKruiseReady(ctx, pods[i])).length;
    return (
      `what Kruise upgrades now: ${countOf(first.batch.length, 'Pod')}` +
      (free > 0 ? ` (${free} not ready, free)` : '') +
      `; maxUnavailable ${s.maxUnavailable.value}${held}`
    );
  }
  if (s.order.length === 0) return 'nothing: no Pod can be upgraded now';
  if (s.eligible.length === 0)
    return `nothing: partition ${s.partition.value} holds back all ${countOf(s.order.length, 'candidate')}`;
  return `nothing: maxUnavailable ${s.maxUnavailable.value}${held}`;
}

export function names(indexes: readonly number[], pods: readonly RolloutPod[], max = 3): string {
  const shown = indexes.slice(0, max).map((i) => `${pods[i].namespace}/${pods[i].name}`);
  return shown.join(', ') + (indexes.length > max ? ` and ${indexes.length - max} more` : '');
}

export function stopReason(final: RoundResult, pods: readonly RolloutPod[]): RolloutPlan['stop'] {
  switch (final.kind) {
    case 'NotUpdate':
      return { reason: 'NotUpdate', message: 'spec.updateStrategy.type is NotUpdate: Kruise upgrades no Pod' };
    case 'Paused':
      return {
        reason: 'Paused',
        message: 'spec.updateStrategy.paused is true: Kruise upgrades no Pod until it is unpaused (try --paused=false)',
      };
    case 'Finished':
      return { reason: 'Finished', message: 'every matched Pod is updated' };
    case 'HotUpgradeReset':
      throw new Error('internal: the simulation stopped on a HotUpgrade reset round');
    case 'Upgrade':
      break;
  }
  const s = final.strategy!;
  if (s.order.length === 0) {
    const parts = [
      s.notUpgradable.length ? `${s.notUpgradable.length} not upgradable in place` : '',
      s.notSelected.length ? `${s.notSelected.length} outside the update selector` : '',
      s.inFlight.length ? `${s.inFlight.length} waiting on an update in flight that does not complete` : '',
    ].filter(Boolean);
    return { reason: 'NoCandidates', message: `no Pod left that Kruise can upgrade: ${parts.join(', ')}` };
  }
  if (s.eligible.length === 0) {
    return {
      reason: 'Partition',
      message: `partition ${s.partition.value} holds back the remaining ${countOf(s.order.length, 'candidate')}`,
    };
  }
  return {
    reason: 'MaxUnavailable',
    message:
      `maxUnavailable ${s.maxUnavailable.value} stays used up by ${countOf(s.busy.length, 'updated Pod')} that ` +
      `${s.busy.length === 1 ? 'is' : 'are'} not ready (${names(s.busy, pods)}); the model does not make Pods ready, so the rollout stalls here`,
  };
}

export function warnings(
  pods: readonly RolloutPod[],
  strategy: SidecarSetUpdateStrategy,
  o: StrategyOverrides,
): string[] {
  const out: string[] = [];
  const noStatus = pods.filter((p) => !p.hasStatus);
  if (noStatus.length > 0) {
    out.push(
      `${countOf(noStatus.length, 'matched Pod')} ${noStatus.length === 1 ? 'has' : 'have'} no status (${names(
        noStatus.map((p) => p.index),
        pods,
      )}): ` + 'counted as not ready, so upgraded without using maxUnavailable, and then holding a slot for good',
    );
  }
  const overridden = o.partition !== undefined || o.selector !== undefined;
  const partitionSet = strategy.partition !== undefined && strategy.partition !== null && strategy.partition !== 0;
  if (overridden && partitionSet && strategy.selector && strategy.type === 'RollingUpdate') {
    out.push(
      "Kruise's webhook rejects partition together with updateStrategy.selector; the plan applies the controller's arithmetic anyway",
    );
  }
  return out;
}

export function estimate(rounds: readonly SimulatedRound[], perBatch: bigint): NonNullable<RolloutPlan['estimate']> {
  const moving = rounds.filter((r) => r.kind !== 'none').length;
  const batches = moving + (moving > 0 && rounds[0].kind === 'none' ? 1 : 0);
  const each = formatGoDuration(perBatch);
  return {
    batches,
    batchDuration: each,
    total: formatGoDuration(perBatch * BigInt(batches)),
    rule: `${countOf(batches, 'batch', 'batches')} × ${each} (one reconcile round per batch; a batch that only waits or resets counts too)`,
  };
}
