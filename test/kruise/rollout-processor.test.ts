// Ported from pkg/controller/sidecarset/sidecarset_processor_test.go (TestUpdateColdUpgradeSidecar,
// TestScopeNamespacePods, TestCanUpgradePods), sidecarset_controller_test.go (TestUpdateWhenUseNotUpdateStrategy,
// TestUpdateWhenSidecarSetPaused, TestUpdateWhenMaxUnavailableNotZero, TestUpdateWhenPartitionFinished,
// TestRemoveSidecarSet) and sidecarset_hotupgrade_test.go (TestUpdateHotUpgradeSidecar): one reconcile at a
// time, with Kruise's writes applied by the model and kubelet's part done by hand as the Go tests do.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import { matchPods } from '../../src/kruise/rollout/matched.js';
import { applyHotUpgradeReset, applyKruiseUpgrade } from '../../src/kruise/rollout/model.js';
import { containerStatus, podContainer } from '../../src/kruise/rollout/pod-state.js';
import { reconcileRound } from '../../src/kruise/rollout/round.js';
import { type RoundResult } from '../../src/kruise/rollout/types.js';
import {
  copy,
  factoryPodsCommon,
  factorySidecarSet,
  HASH,
  HASH_WITHOUT_IMAGE,
  hotUpgradeEmptyImage,
  hotUpgradeEmptyImageID,
  INJECTED_LIST,
  names,
  podDemo,
  podHotUpgrade,
  sidecarSetDemo,
  sidecarSetHotUpgrade,
  state,
  testImageV2ImageID,
  type State,
} from './rollout-helpers.js';

/** One UpdateSidecarSet: the round, and Kruise's writes on the Pods it chose. */
function reconcile(st: State): RoundResult {
  const r = reconcileRound(st.ctx, st.pods);
  for (const i of r.batch) applyKruiseUpgrade(st.ctx, st.pods[i]);
  for (const i of r.reset) applyHotUpgradeReset(st.ctx, st.pods[i]);
  return r;
}

const counts = (r: RoundResult) => [
  r.status.matchedPods,
  r.status.updatedPods,
  r.status.readyPods,
  r.status.updatedReadyPods,
];
const image = (st: State, pod: number, container: string) => podContainer(st.pods[pod], container)?.image;

describe('TestUpdateColdUpgradeSidecar', () => {
  it('upgrades one Pod per round, waiting for kubelet in between', () => {
    const pod1 = podDemo();
    pod1.spec.containers[1].env = [{ name: 'nginx-env', value: 'nginx-value' }];
    pod1.spec.containers[1].volumeMounts = [{ name: 'v', mountPath: '/data/nginx' }];
    const pod2 = copy(pod1);
    pod2.metadata.name = 'test-pod-2';
    const st = state(sidecarSetDemo(), [pod1, pod2]);
    const restart = (i: number) => {
      const s = containerStatus(st.pods[i], 'test-sidecar')!;
      s.image = 'test-image:v2';
      s.imageID = testImageV2ImageID;
    };

    // sidecarset update pod test-pod-1
    let r = reconcile(st);
    expect(names(st, r.batch)).toEqual(['test-pod-1']);
    expect([image(st, 0, 'test-sidecar'), image(st, 1, 'test-sidecar')]).toEqual(['test-image:v2', 'test-image:v1']);
    expect(counts(r)).toEqual([2, 0, 2, 0]);

    // pod test-pod-1 is upgrading: its slot is taken, nothing moves
    r = reconcile(st);
    expect(r.batch).toEqual([]);
    expect(r.strategy?.busy).toEqual([0]);
    expect(image(st, 1, 'test-sidecar')).toBe('test-image:v1');
    expect(counts(r)).toEqual([2, 1, 1, 0]);
    restart(0);

    // pod test-pod-1 upgrade complete, and start update pod test-pod-2
    r = reconcile(st);
    expect(names(st, r.batch)).toEqual(['test-pod-2']);
    expect(image(st, 1, 'test-sidecar')).toBe('test-image:v2');
    expect(counts(r)).toEqual([2, 1, 2, 1]);

    // pod test-pod-2 is upgrading
    r = reconcile(st);
    expect(r.kind).toBe('Finished');
    expect(counts(r)).toEqual([2, 2, 1, 1]);
    restart(1);

    // pod test-pod-2 upgrade complete
    r = reconcile(st);
    expect(counts(r)).toEqual([2, 2, 2, 2]);
  });
});

describe('TestScopeNamespacePods', () => {
  it('namespaceSelector keeps the Pods of the selected namespaces', () => {
    const ss = sidecarSetDemo();
    ss.spec.namespaceSelector = { matchLabels: { test: 'true' } };
    const pods: Pod[] = [];
    for (let i = 0; i < 100; i++) {
      const p = podDemo();
      p.metadata.name = `test-pod-1-${i}`;
      if (i >= 50) p.metadata.namespace = 'test-ns';
      pods.push(p);
    }
    const namespaces = new Map<string, Record<string, string>>([
      ['test-ns', { test: 'true' }],
      ['default', {}],
    ]);
    const set = matchPods(ss, pods, namespaces);
    expect(set.matched.length).toBe(50);
    expect(set.notMatched.every((m) => m.reason === 'NamespaceMismatch')).toBe(true);
  });
});

describe('TestCanUpgradePods', () => {
  it('only Pods whose hash-without-image matches are upgraded; the others are reported', () => {
    const ss = factorySidecarSet();
    ss.metadata.annotations![HASH_WITHOUT_IMAGE] = 'without-bbb';
    ss.spec.updateStrategy = { maxUnavailable: '50%' };
    const pods = factoryPodsCommon(100, 0, ss);
    pods.forEach((p, i) => {
      p.metadata.annotations![INJECTED_LIST] = 'test-sidecarset';
      p.metadata.annotations![HASH_WITHOUT_IMAGE] =
        `{"test-sidecarset":{"hash":"${i < 50 ? 'without-aaa' : 'without-bbb'}"}}`;
    });
    const st = state(ss, pods);
    const r = reconcile(st);
    st.pods.forEach((_, i) => expect(image(st, i, 'test-sidecar')).toBe(i < 50 ? 'test-image:v1' : 'test-image:v2'));
    expect(r.strategy?.notUpgradable).toEqual([...Array(50).keys()]);
  });
});

describe('sidecarset_controller_test.go', () => {
  it('TestUpdateWhenUseNotUpdateStrategy', () => {
    const ss = sidecarSetDemo();
    ss.spec.updateStrategy = { type: 'NotUpdate' };
    const st = state(ss, [podDemo()]);
    expect(reconcile(st).kind).toBe('NotUpdate');
    expect(image(st, 0, 'test-sidecar')).toBe('test-image:v1');
  });

  it('TestUpdateWhenSidecarSetPaused', () => {
    const ss = sidecarSetDemo();
    ss.spec.updateStrategy = { paused: true };
    const st = state(ss, [podDemo()]);
    expect(reconcile(st).kind).toBe('Paused');
    expect(image(st, 0, 'test-sidecar')).toBe('test-image:v1');
  });

  it('TestUpdateWhenMaxUnavailableNotZero: a Pending Pod goes without using the budget', () => {
    const pod = podDemo();
    pod.status!.phase = 'Pending';
    const st = state(sidecarSetDemo(), [pod]);
    expect(reconcile(st).batch).toEqual([0]);
    expect(image(st, 0, 'test-sidecar')).toBe('test-image:v2');
  });

  it('TestUpdateWhenPartitionFinished: partition 1 of 1 holds the only Pod', () => {
    const ss = sidecarSetDemo();
    ss.spec.updateStrategy = { partition: 1 };
    const st = state(ss, [podDemo()]);
    const r = reconcile(st);
    expect(r.batch).toEqual([]);
    expect(r.strategy?.heldByPartition).toEqual([0]);
    expect(image(st, 0, 'test-sidecar')).toBe('test-image:v1');
  });

  it('TestRemoveSidecarSet: an updated Pod keeps its hash, and the rollout is finished', () => {
    const pod = podDemo();
    pod.metadata.annotations![HASH] = '{"test-sidecarset":{"hash":"bbb"}}';
    const st = state(sidecarSetDemo(), [pod]);
    expect(reconcile(st).kind).toBe('Finished');
    expect(st.pods[0].hash).toBe('bbb');
  });
});

describe('TestUpdateHotUpgradeSidecar', () => {
  it('upgrades the empty container, waits, resets the old one, and is done', () => {
    const pod = podHotUpgrade();
    pod.metadata.name = 'liheng-test';
    const st = state(sidecarSetHotUpgrade(), [pod]);
    const images = () => [image(st, 0, 'test-sidecar-1'), image(st, 0, 'test-sidecar-2')];

    // sidecarset hot update test-sidecar container test-image:v2
    let r = reconcile(st);
    expect(r.batch).toEqual([0]);
    expect(images()).toEqual(['test-image:v1', 'test-image:v2']);
    expect(counts(r)).toEqual([1, 0, 1, 0]);
    expect(st.pods[0].working.get('test-sidecar')).toBe('test-sidecar-2');

    // test-sidecar-2 container is upgrading
    r = reconcile(st);
    expect(r.kind).toBe('Finished');
    expect(images()).toEqual(['test-image:v1', 'test-image:v2']);
    expect(counts(r)).toEqual([1, 1, 0, 0]);
    const s2 = containerStatus(st.pods[0], 'test-sidecar-2')!;
    s2.image = 'test-image:v2';
    s2.imageID = testImageV2ImageID;

    // test-sidecar-2 container upgrade complete, and reset test-sidecar-1 empty image
    r = reconcile(st);
    expect(r.kind).toBe('HotUpgradeReset');
    expect(r.reset).toEqual([0]);
    expect(images()).toEqual([hotUpgradeEmptyImage, 'test-image:v2']);
    expect(counts(r)).toEqual([1, 1, 0, 0]);
    const s1 = containerStatus(st.pods[0], 'test-sidecar-1')!;
    s1.image = hotUpgradeEmptyImage;
    s1.imageID = hotUpgradeEmptyImageID;

    // sidecarset hot update test-sidecar container test-image:v2 complete
    r = reconcile(st);
    expect(r.kind).toBe('Finished');
    expect(images()).toEqual([hotUpgradeEmptyImage, 'test-image:v2']);
    expect(counts(r)).toEqual([1, 1, 1, 1]);
  });

  it('a reset anywhere ends the round: no other Pod is upgraded in it', () => {
    const done = podHotUpgrade();
    // mid hot upgrade: test-sidecar-2 works on v2 (consistent), test-sidecar-1 still runs v1
    done.metadata.annotations!['kruise.io/sidecarset-working-hotupgrade-container'] =
      '{"test-sidecar":"test-sidecar-2"}';
    done.spec.containers[2].image = 'test-image:v2';
    (done.status as { containerStatuses: { image: string; imageID: string }[] }).containerStatuses[2].image =
      'test-image:v2';
    const other = podHotUpgrade();
    other.metadata.name = 'other';
    const st = state(sidecarSetHotUpgrade(), [done, other]);
    const r = reconcile(st);
    expect(r.kind).toBe('HotUpgradeReset');
    expect(r.batch).toEqual([]);
    expect(r.reset).toEqual([0]);
    expect(image(st, 1, 'test-sidecar-2')).toBe(hotUpgradeEmptyImage);
  });
});
