// The verdict of `status`: complete, progressing, or stalled and why. "Stalled" means Kruise's controller,
// reconciling again and again on this state, and kubelet finishing what it has been asked, never make every
// matched Pod updated and ready; someone has to change the SidecarSet or the Pods. The rules follow
// Processor.UpdateSidecarSet (pkg/controller/sidecarset/sidecarset_processor.go) and calculateUpgradeCount
// (sidecarset_strategy.go); the first that applies wins.
import { countOf } from '../../words.js';
import type { RolloutPlan } from './plan-schema.js';
import type { LivePod } from './status-pod.js';
import type { StatusPod, Verdict, VerdictPhase, VerdictReason } from './status-schema.js';

const MAX_NAMED = 3;

export function decideVerdict(plan: RolloutPlan, pods: readonly StatusPod[], live: readonly LivePod[]): Verdict {
  const s = plan.status;
  const verdict = (
    phase: VerdictPhase,
    reason: VerdictReason,
    message: string,
    which: readonly StatusPod[] = [],
  ): Verdict => ({
    phase,
    reason,
    message,
    pods: which.map((p) => ({ namespace: p.namespace, name: p.name })),
  });
  const inState = (state: StatusPod['state']) => pods.filter((p) => p.state === state);
  const named = (which: readonly StatusPod[]) => {
    const shown = which.slice(0, MAX_NAMED).map((p) => `${p.namespace}/${p.name}`);
    return shown.join(', ') + (which.length > MAX_NAMED ? ` and ${which.length - MAX_NAMED} more` : '');
  };

  // calculateStatus: ready = IsPodStateConsistent && IsPodReady; done when every matched Pod is both
  if (s.updatedReadyPods >= s.matchedPods) {
    const all = s.matchedPods === 1 ? 'the 1 matched Pod is' : `all ${countOf(s.matchedPods, 'matched Pod')} are`;
    return verdict(
      'complete',
      'Complete',
      s.matchedPods === 0 ? 'no Pod matches the SidecarSet' : `${all} updated and ready`,
    );
  }

  // An updated Pod counts as busy in calculateUpgradeCount until it is ready, and nothing in Kruise recreates
  // or rolls it back: a container kubelet keeps in a back-off holds the rollout for good.
  const failing = inState('Failing');
  if (failing.length > 0) {
    const why = live[pods.indexOf(failing[0])].failing.join('; ');
    return verdict(
      'stalled',
      'UpdatedPodFailing',
      `${countOf(failing.length, 'updated Pod')} cannot become ready (${named(failing)}): ${why}`,
      failing,
    );
  }

  // UpdateSidecarSet returns before any upgrade or HotUpgrade reset when the type is NotUpdate or it is
  // paused; that matters only while Kruise has work left (a Pod not updated, or an old container to reset).
  const workLeft = s.updatedPods < s.matchedPods || live.some((p) => p.needsReset);
  if (workLeft && plan.strategy.type === 'NotUpdate') {
    return verdict(
      'stalled',
      'NotUpdate',
      `spec.updateStrategy.type is NotUpdate: Kruise upgrades none of the ${countOf(s.matchedPods - s.updatedPods, 'Pod')} left`,
    );
  }
  if (workLeft && plan.strategy.paused === true) {
    return verdict(
      'stalled',
      'Paused',
      `spec.updateStrategy.paused is true: Kruise upgrades none of the ${countOf(s.matchedPods - s.updatedPods, 'Pod')} left until it is unpaused`,
    );
  }

  const first = plan.batches[0];
  if (first?.kind === 'reset') return verdict('progressing', 'ResettingHotUpgrade', first.note);
  const now = inState('UpgradeNow');
  if (now.length > 0)
    return verdict(
      'progressing',
      'Upgrading',
      `Kruise upgrades ${countOf(now.length, 'Pod')} now (${named(now)})`,
      now,
    );

  // IsPodStateConsistent turns true once kubelet restarts the changed containers; an update whose record
  // does not decode, or a Pod whose statuses do not cover its containers, never gets there.
  const moving: StatusPod[] = [];
  const stuck: StatusPod[] = [];
  pods.forEach((p, i) => p.state === 'Updating' && (live[i].pending.length > 0 ? moving : stuck).push(p));
  if (moving.length > 0)
    return verdict(
      'progressing',
      'UpdateInFlight',
      `kubelet is restarting the updated sidecars of ${countOf(moving.length, 'Pod')} (${named(moving)})`,
      moving,
    );
  if (stuck.length > 0) {
    return verdict(
      'stalled',
      'InFlightNeverCompletes',
      `${countOf(stuck.length, 'updated Pod')} never ${stuck.length === 1 ? 'looks' : 'look'} consistent to Kruise (${named(stuck)}): ${stuck[0].reason}`,
      stuck,
    );
  }
  // A Pod that is not ready may still become ready (a slow start, a readiness probe): waiting, not stalled.
  const notReady = inState('UpdatedNotReady');
  if (notReady.length > 0)
    return verdict(
      'progressing',
      'WaitingForReady',
      `waiting for ${countOf(notReady.length, 'updated Pod')} to become ready (${named(notReady)})`,
      notReady,
    );
  // Nothing moves now, yet the plan upgrades these later: kubelet first finishes an earlier update of theirs.
  const waiting = inState('Waiting');
  if (waiting.length > 0)
    return verdict(
      'progressing',
      'UpdateInFlight',
      `${countOf(waiting.length, 'Pod')} wait for updates in flight (${named(waiting)})`,
      waiting,
    );

  // Nothing moves now and nothing will: the plan's stop reason says what holds the rest.
  return stopVerdict(plan, inState, verdict, named);
}

function stopVerdict(
  plan: RolloutPlan,
  inState: (state: StatusPod['state']) => StatusPod[],
  verdict: (phase: VerdictPhase, reason: VerdictReason, message: string, which?: readonly StatusPod[]) => Verdict,
  named: (which: readonly StatusPod[]) => string,
): Verdict {
  switch (plan.stop.reason) {
    case 'Partition': {
      // calculateUpgradeCount: no Pod when the candidates are no more than the partition
      const held = inState('HeldByPartition');
      return verdict(
        'stalled',
        'Partition',
        `partition ${plan.resolved.partition.value} holds back the remaining ${countOf(held.length, 'Pod')}: lower it to go on`,
        held,
      );
    }
    case 'NoCandidates': {
      // GetNextUpgradePods: not upgradable in place, outside the update selector, or waiting on an update in flight
      const notUpgradable = inState('NotUpgradable');
      if (notUpgradable.length > 0) {
        return verdict(
          'stalled',
          'NotUpgradable',
          `only Pods that cannot be upgraded in place are left (${named(notUpgradable)}): ${notUpgradable[0].reason}; recreate them`,
          notUpgradable,
        );
      }
      const notSelected = inState('NotSelected');
      if (notSelected.length > 0) {
        return verdict(
          'stalled',
          'NotSelected',
          `the ${countOf(notSelected.length, 'Pod')} left are outside spec.updateStrategy.selector (${named(notSelected)})`,
          notSelected,
        );
      }
      const inFlight = inState('InFlight');
      return verdict('stalled', 'InFlightNeverCompletes', `${plan.stop.message} (${named(inFlight)})`, inFlight);
    }
    case 'MaxUnavailable': {
      const blocked = [...inState('Blocked'), ...inState('Waiting')];
      return verdict(
        'stalled',
        'MaxUnavailable',
        `maxUnavailable ${plan.resolved.maxUnavailable.value} lets no ready Pod be upgraded (${plan.resolved.maxUnavailable.rule})`,
        blocked,
      );
    }
    default:
      // Finished, NotUpdate or Paused with Pods still not ready are caught above; say what the plan says
      return verdict('progressing', 'WaitingForReady', plan.stop.message);
  }
}
