// The status core on live-looking Pods. Scenarios ported from Kruise's controller tests
// (sidecarset_processor_test.go: TestUpdateColdUpgradeSidecar, TestCanUpgradePods; sidecarset_strategy_test.go:
// TestGetNextUpgradePods; sidecarset_controller_test.go: NotUpdate, paused, partition, Pending Pod;
// sidecarset_hotupgrade_test.go: TestUpdateHotUpgradeSidecar), each read back as `status` would report it,
// plus the stop reasons the verdict distinguishes.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { planRollout } from '../../src/kruise/rollout/plan.js';
import { simulateFast } from '../../src/kruise/rollout/simulate-fast.js';
import { rolloutStatus } from '../../src/kruise/rollout/status.js';
import type { PodRolloutState, RolloutStatus } from '../../src/kruise/rollout/status-schema.js';
// the annotations Kruise reads and writes, and the objects of Kruise's tests
import { HASH, HASH_WITHOUT_IMAGE, INJECTED_LIST, INPLACE_STATE, WORKING } from './rollout-helpers.js';
import {
  factoryPods,
  factorySidecarSet,
  podDemo,
  podHotUpgrade,
  sidecarSetDemo,
  sidecarSetHotUpgrade,
} from './rollout-helpers.js';
import {
  hotUpgradeEmptyImage,
  hotUpgradeEmptyImageID,
  testImageV1ImageID,
  testImageV2ImageID,
} from './rollout-helpers.js';
import { copy, inPlaceState, shuffle, statuses } from './rollout-helpers.js';

const NO_NAMESPACES = new Map<string, Record<string, string>>();

function status(ss: SidecarSet, pods: Pod[]): RolloutStatus {
  return rolloutStatus({ sidecarSet: ss, pods, namespaces: NO_NAMESPACES }, simulateFast);
}

const counts = (s: RolloutStatus) => [
  s.status.matchedPods,
  s.status.updatedPods,
  s.status.readyPods,
  s.status.updatedReadyPods,
];
const states = (s: RolloutStatus) => s.pods.map((p) => p.state);
const verdict = (s: RolloutStatus) => [s.verdict.phase, s.verdict.reason];
const injected = (pods: Pod[]) => {
  for (const p of pods) p.metadata.annotations![INJECTED_LIST] = 'test-sidecarset';
  return pods;
};
const nonZero = (s: RolloutStatus) =>
  Object.fromEntries(Object.entries(s.totals).filter(([, n]) => n > 0)) as Partial<Record<PodRolloutState, number>>;

/** What Kruise writes on a Pod it upgrades (updatePodSidecarContainer + UpdatePodAnnotationsInUpgrade). */
function kruiseUpgrades(pod: Pod, hash: string, container = 'test-sidecar', image = 'test-image:v2'): void {
  const before = statuses(pod).find((s) => s.name === container)!.imageID;
  pod.spec.containers.find((c) => c.name === container)!.image = image;
  pod.metadata.annotations![HASH] = JSON.stringify({
    'test-sidecarset': {
      updateTimestamp: '2024-01-01T00:00:00Z',
      hash,
      sidecarSetName: 'test-sidecarset',
      sidecarList: ['test-sidecar'],
    },
  });
  pod.metadata.annotations![INPLACE_STATE] = inPlaceState('test-sidecarset', hash, { [container]: before });
}

/** What kubelet does next: the container runs the new image. */
function kubeletRestarts(
  pod: Pod,
  container = 'test-sidecar',
  image = 'test-image:v2',
  imageID = testImageV2ImageID,
): void {
  const s = statuses(pod).find((x) => x.name === container)!;
  s.image = image;
  s.imageID = imageID;
  s.restartCount = (s.restartCount ?? 0) + 1;
}

describe('TestUpdateColdUpgradeSidecar, as status sees each step', () => {
  it('goes Upgrading → UpdateInFlight → Upgrading → UpdateInFlight → complete', () => {
    const pod1 = podDemo();
    const pod2 = copy(pod1);
    pod2.metadata.name = 'test-pod-2';
    const ss = sidecarSetDemo();
    const pods = [pod1, pod2];

    let s = status(ss, pods);
    expect(verdict(s)).toEqual(['progressing', 'Upgrading']);
    expect(states(s)).toEqual(['UpgradeNow', 'Waiting']);
    expect(s.pods[1].reason).toBe('waits for a maxUnavailable slot');
    expect(counts(s)).toEqual([2, 0, 2, 0]);

    kruiseUpgrades(pod1, 'bbb');
    s = status(ss, pods);
    expect(verdict(s)).toEqual(['progressing', 'UpdateInFlight']);
    expect(states(s)).toEqual(['Updating', 'Waiting']);
    expect(s.pods[0]).toMatchObject({
      updated: true,
      ready: false,
      inFlight: true,
      revision: { hash: 'bbb', updateTimestamp: '2024-01-01T00:00:00Z' },
    });
    expect(s.pods[0].reason).toContain('kubelet has not restarted test-sidecar on the new image yet');
    expect(s.pods[0].sidecars[0]).toMatchObject({
      image: 'test-image:v2',
      runningImage: 'test-image:v1',
      wantImage: 'test-image:v2',
    });
    expect(counts(s)).toEqual([2, 1, 1, 0]);

    kubeletRestarts(pod1);
    s = status(ss, pods);
    expect(states(s)).toEqual(['Updated', 'UpgradeNow']);
    expect(counts(s)).toEqual([2, 1, 2, 1]);

    kruiseUpgrades(pod2, 'bbb');
    s = status(ss, pods);
    expect(verdict(s)).toEqual(['progressing', 'UpdateInFlight']);
    expect(counts(s)).toEqual([2, 2, 1, 1]);

    kubeletRestarts(pod2);
    s = status(ss, pods);
    expect(verdict(s)).toEqual(['complete', 'Complete']);
    expect(s.verdict.message).toBe('all 2 matched Pods are updated and ready');
    expect(counts(s)).toEqual([2, 2, 2, 2]);
    expect(nonZero(s)).toEqual({ Updated: 2 });
  });
});

describe('TestGetNextUpgradePods, as status counts them', () => {
  const withStrategy = (strategy: SidecarSet['spec']['updateStrategy']) => {
    const ss = factorySidecarSet();
    ss.spec.updateStrategy = strategy;
    return ss;
  };

  it('maxUnavailable 10, 100 Pods, 30 updated of which 26 restarted: 6 now, 4 in flight', () => {
    const s = status(withStrategy({ maxUnavailable: 10 }), injected(shuffle(factoryPods(100, 30, 26))));
    expect(nonZero(s)).toEqual({ Updated: 26, Updating: 4, UpgradeNow: 6, Waiting: 64 });
    expect(verdict(s)).toEqual(['progressing', 'Upgrading']);
    expect(counts(s)).toEqual([100, 30, 96, 26]);
  });

  it('maxUnavailable 5% of 1000 with 50 updates in flight: nothing now, waiting for kubelet', () => {
    const s = status(withStrategy({ maxUnavailable: '5%' }), injected(shuffle(factoryPods(1000, 300, 250))));
    expect(s.totals.UpgradeNow).toBe(0);
    expect(s.totals.Updating).toBe(50);
    expect(verdict(s)).toEqual(['progressing', 'UpdateInFlight']);
  });

  it('partition 180 of 1000 with 800 updated: 20 now, 180 held; once they are done, the partition stalls it', () => {
    const ss = withStrategy({ maxUnavailable: 100, partition: 180 });
    let s = status(ss, injected(shuffle(factoryPods(1000, 800, 760))));
    expect(s.totals.UpgradeNow).toBe(20);
    expect(s.totals.HeldByPartition).toBe(180);
    expect(s.pods.find((p) => p.state === 'HeldByPartition')!.reason).toBe('held back by partition (180)');

    s = status(ss, injected(factoryPods(1000, 820, 820)));
    expect(verdict(s)).toEqual(['stalled', 'Partition']);
    expect(s.verdict.message).toBe('partition 180 holds back the remaining 180 Pods: lower it to go on');
    expect(s.verdict.pods).toHaveLength(180);
  });

  it('partition 18% is the same 180 Pods', () => {
    const s = status(
      withStrategy({ maxUnavailable: 100, partition: '18%' }),
      injected(shuffle(factoryPods(1000, 800, 760))),
    );
    expect([s.totals.UpgradeNow, s.totals.HeldByPartition]).toEqual([20, 180]);
  });

  it('update selector app=test on 30 of 1000 Pods: 30 now, the rest not selected; then stalled on the selector', () => {
    const pods = injected(factoryPods(1000, 0, 0));
    for (let i = 0; i < 30; i++) pods[i].metadata.labels!.app = 'test';
    const ss = withStrategy({ maxUnavailable: 100, selector: { matchLabels: { app: 'test' } } });
    ss.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['sidecar', 'test'] }] };
    let s = status(ss, pods);
    expect(nonZero(s)).toEqual({ UpgradeNow: 30, NotSelected: 970 });
    expect(s.pods.find((p) => p.state === 'NotSelected')!.reason).toBe('not selected by spec.updateStrategy.selector');

    for (let i = 0; i < 30; i++) {
      kruiseUpgrades(pods[i], 'bbb');
      kubeletRestarts(pods[i]);
    }
    s = status(ss, pods);
    expect(verdict(s)).toEqual(['stalled', 'NotSelected']);
  });
});

describe('TestCanUpgradePods: Pods whose hash-without-image differs', () => {
  it('are reported with the field; once the others are done, only they are left and the rollout stalls', () => {
    const ss = factorySidecarSet();
    ss.metadata.annotations![HASH_WITHOUT_IMAGE] = 'without-bbb';
    ss.spec.containers![0].env = [{ name: 'LOG_LEVEL', value: 'debug' }];
    ss.spec.updateStrategy = { maxUnavailable: '50%' };
    const pods = injected(factoryPods(4, 0, 0));
    pods.forEach((p, i) => {
      p.metadata.annotations![HASH_WITHOUT_IMAGE] =
        `{"test-sidecarset":{"hash":"${i < 2 ? 'without-aaa' : 'without-bbb'}"}}`;
      p.spec.containers[1].env = [{ name: 'LOG_LEVEL', value: i < 2 ? 'info' : 'debug' }];
    });
    let s = status(ss, pods);
    expect(states(s)).toEqual(['NotUpgradable', 'NotUpgradable', 'UpgradeNow', 'UpgradeNow']);
    expect(s.pods[0].notUpgradableFields).toEqual(['test-sidecar env LOG_LEVEL (Pod: "info", SidecarSet: "debug")']);
    expect(s.pods[0].reason).toContain('needs a recreate: differs in test-sidecar env LOG_LEVEL');

    for (const p of pods.slice(2)) {
      kruiseUpgrades(p, 'bbb');
      kubeletRestarts(p);
    }
    s = status(ss, pods);
    expect(verdict(s)).toEqual(['stalled', 'NotUpgradable']);
    expect(s.verdict.message).toContain(
      'only Pods that cannot be upgraded in place are left (default/pod-0, default/pod-1)',
    );
    expect(s.verdict.message).toContain('env LOG_LEVEL');
  });
});

describe('sidecarset_controller_test.go: the rounds that upgrade nothing', () => {
  it('NotUpdate stalls while a Pod is not updated', () => {
    const ss = sidecarSetDemo();
    ss.spec.updateStrategy = { type: 'NotUpdate' };
    const s = status(ss, [podDemo()]);
    expect(verdict(s)).toEqual(['stalled', 'NotUpdate']);
    expect(states(s)).toEqual(['NotUpdate']);
  });

  it('paused stalls, with the Pods left counted; a paused rollout whose Pods are all done is complete', () => {
    const ss = sidecarSetDemo();
    ss.spec.updateStrategy = { paused: true };
    const pod = podDemo();
    let s = status(ss, [pod]);
    expect(verdict(s)).toEqual(['stalled', 'Paused']);
    expect(s.verdict.message).toBe(
      'spec.updateStrategy.paused is true: Kruise upgrades none of the 1 Pod left until it is unpaused',
    );
    expect(s.pods[0].reason).toBe('the rollout is paused (spec.updateStrategy.paused)');

    kruiseUpgrades(pod, 'bbb');
    s = status(ss, [pod]);
    expect(verdict(s)).toEqual(['progressing', 'UpdateInFlight']); // kubelet finishes what was started
    kubeletRestarts(pod);
    expect(verdict(status(ss, [pod]))).toEqual(['complete', 'Complete']);
  });

  it('a Pending Pod is upgraded without using maxUnavailable', () => {
    const pod = podDemo();
    pod.status!.phase = 'Pending';
    const s = status(sidecarSetDemo(), [pod]);
    expect(states(s)).toEqual(['UpgradeNow']);
    expect(counts(s)).toEqual([1, 0, 0, 0]);
  });

  it('partition 1 of 1 holds the only Pod: stalled', () => {
    const ss = sidecarSetDemo();
    ss.spec.updateStrategy = { partition: 1 };
    const s = status(ss, [podDemo()]);
    expect(verdict(s)).toEqual(['stalled', 'Partition']);
    expect(states(s)).toEqual(['HeldByPartition']);
  });

  it('maxUnavailable 0 with every Pod ready lets nothing go: stalled', () => {
    const ss = sidecarSetDemo();
    ss.spec.updateStrategy = { maxUnavailable: 0 };
    const s = status(ss, [podDemo()]);
    expect(verdict(s)).toEqual(['stalled', 'MaxUnavailable']);
    expect(s.verdict.message).toContain('maxUnavailable 0 lets no ready Pod be upgraded');
  });

  it('no matched Pod is complete', () => {
    const s = status(sidecarSetDemo(), []);
    expect(verdict(s)).toEqual(['complete', 'Complete']);
    expect(s.verdict.message).toBe('no Pod matches the SidecarSet');
  });
});

describe('updated Pods that are not ready', () => {
  function midway(): { ss: SidecarSet; pods: Pod[] } {
    const pod1 = podDemo();
    const pod2 = copy(pod1);
    pod2.metadata.name = 'test-pod-2';
    kruiseUpgrades(pod1, 'bbb');
    kubeletRestarts(pod1);
    return { ss: sidecarSetDemo(), pods: [pod1, pod2] };
  }

  it('not ready after the restart, with no failure: the budget is in use but the Pod may still become ready', () => {
    const { ss, pods } = midway();
    (pods[0].status as { conditions: { type: string; status: string }[] }).conditions[0].status = 'False';
    statuses(pods[0])[1].ready = false;
    const s = status(ss, pods);
    expect(states(s)).toEqual(['UpdatedNotReady', 'Blocked']);
    expect(verdict(s)).toEqual(['progressing', 'WaitingForReady']);
    expect(s.pods[0].reason).toBe('not ready; holds a maxUnavailable slot until it is ready');
  });

  it('a patched sidecar in CrashLoopBackOff stalls the rollout, naming the container', () => {
    const { ss, pods } = midway();
    (pods[0].status as { conditions: { type: string; status: string }[] }).conditions[0].status = 'False';
    Object.assign(statuses(pods[0])[1], {
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
    });
    const s = status(ss, pods);
    expect(states(s)).toEqual(['Failing', 'Blocked']);
    expect(verdict(s)).toEqual(['stalled', 'UpdatedPodFailing']);
    expect(s.verdict.message).toBe(
      '1 updated Pod cannot become ready (default/test-pod-1): test-sidecar: CrashLoopBackOff (back-off 5m0s restarting failed container)',
    );
    expect(s.pods[0].sidecars[0].waiting).toBe('CrashLoopBackOff');
  });

  it('a new image kubelet cannot pull stalls it even before the Pod looks consistent', () => {
    const pod = podDemo();
    kruiseUpgrades(pod, 'bbb');
    (pod.status as { conditions: { type: string; status: string }[] }).conditions[0].status = 'False';
    Object.assign(statuses(pod)[1], { ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } });
    const s = status(sidecarSetDemo(), [pod]);
    expect(states(s)).toEqual(['Failing']);
    expect(verdict(s)).toEqual(['stalled', 'UpdatedPodFailing']);
  });

  it('a crash-looping Pod that is not updated yet is just upgraded (for free)', () => {
    const pod = podDemo();
    (pod.status as { conditions: { type: string; status: string }[] }).conditions[0].status = 'False';
    Object.assign(statuses(pod)[0], { ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    const s = status(sidecarSetDemo(), [pod]);
    expect(verdict(s)).toEqual(['progressing', 'Upgrading']);
  });

  it('an in-place record that does not decode never completes: stalled', () => {
    const pod = podDemo();
    kruiseUpgrades(pod, 'bbb');
    pod.metadata.annotations![INPLACE_STATE] = '{not json';
    const s = status(sidecarSetDemo(), [pod]);
    expect(states(s)).toEqual(['Updating']);
    expect(verdict(s)).toEqual(['stalled', 'InFlightNeverCompletes']);
  });
});

describe('TestUpdateHotUpgradeSidecar, as status sees each step', () => {
  it('upgrade of the empty container, its restart, the reset round, the reset, done', () => {
    const ss = sidecarSetHotUpgrade();
    const pod = podHotUpgrade();
    let s = status(ss, [pod]);
    expect(verdict(s)).toEqual(['progressing', 'Upgrading']);
    expect(s.pods[0].sidecars[0]).toMatchObject({
      sidecar: 'test-sidecar',
      container: 'test-sidecar-1',
      image: 'test-image:v1',
    });

    // Kruise puts v2 in the idle test-sidecar-2 and makes it the working one
    kruiseUpgrades(pod, 'bbb', 'test-sidecar-2');
    pod.metadata.annotations![WORKING] = '{"test-sidecar":"test-sidecar-2"}';
    s = status(ss, [pod]);
    expect(states(s)).toEqual(['Updating']);
    expect(s.pods[0].sidecars[0]).toMatchObject({
      container: 'test-sidecar-2',
      image: 'test-image:v2',
      runningImage: hotUpgradeEmptyImage,
    });

    kubeletRestarts(pod, 'test-sidecar-2');
    s = status(ss, [pod]);
    expect(verdict(s)).toEqual(['progressing', 'ResettingHotUpgrade']);
    expect(s.pods[0].reason).toContain('the old HotUpgrade container goes back to the empty image first');

    // the reset: test-sidecar-1 to the empty image, then kubelet restarts it
    const before = statuses(pod)[1].imageID;
    pod.spec.containers[1].image = hotUpgradeEmptyImage;
    pod.metadata.annotations![INPLACE_STATE] = inPlaceState('test-sidecarset', 'bbb', { 'test-sidecar-1': before });
    s = status(ss, [pod]);
    expect(verdict(s)).toEqual(['progressing', 'UpdateInFlight']);
    kubeletRestarts(pod, 'test-sidecar-1', hotUpgradeEmptyImage, hotUpgradeEmptyImageID);
    expect(verdict(status(ss, [pod]))).toEqual(['complete', 'Complete']);
  });
});

describe('the rest of what status reports', () => {
  it('Pods the selector selects but the rollout leaves out are listed with the reason', () => {
    const pod = podDemo();
    const other = copy(pod);
    other.metadata.name = 'not-injected';
    delete other.metadata.annotations![INJECTED_LIST];
    const s = status(sidecarSetDemo(), [pod, other]);
    expect(s.notMatched).toEqual([expect.objectContaining({ name: 'not-injected', reason: 'NotInjected' })]);
    expect(s.status.matchedPods).toBe(1);
  });

  it("the SidecarSet's own status is shown as reported, and a generation Kruise has not observed is a warning", () => {
    const ss = sidecarSetDemo();
    ss.metadata.generation = 3;
    ss.status = { observedGeneration: 2, matchedPods: 1, updatedPods: 1, readyPods: 1, updatedReadyPods: 1 };
    const s = status(ss, [podDemo()]);
    expect(s.reported).toEqual({ matchedPods: 1, updatedPods: 1, readyPods: 1, updatedReadyPods: 1 });
    expect(s.sidecarSet).toMatchObject({ name: 'test-sidecarset', generation: 3, observedGeneration: 2 });
    expect(s.warnings).toEqual([expect.stringContaining('observed generation 2 of the SidecarSet, not 3')]);
  });

  it("the per-Pod decisions are the plan's: same dispositions and reasons for Pods that are not updated", () => {
    const ss = factorySidecarSet();
    ss.spec.updateStrategy = { maxUnavailable: 3, partition: 2 };
    const pods = injected(shuffle(factoryPods(12, 4, 2)));
    const plan = planRollout({ sidecarSet: ss, pods: copy(pods), namespaces: NO_NAMESPACES });
    const s = status(ss, pods);
    s.pods.forEach((p, i) => {
      expect(p.disposition).toBe(plan.pods[i].disposition);
      if (!p.updated) expect(p.reason).toBe(plan.pods[i].reason || 'Kruise upgrades it in this reconcile round');
    });
    expect(s.status).toEqual(plan.status);
    expect(s.pods.every((p) => p.sidecars[0].wantImage === 'test-image:v2')).toBe(true);
    expect(testImageV1ImageID).not.toBe(testImageV2ImageID);
  });
});
