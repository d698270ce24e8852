// upgradePod: what Kruise's controller writes on a Pod it upgrades in place, checked against the scenarios of
// Kruise's own tests (sidecarset_processor_test.go, sidecarset_hotupgrade_test.go, sidecarcontrol/util_test.go).
import { describe, expect, it } from 'vitest';
import { upgradePod } from '../../src/kruise/rollout/in-place-upgrade.js';
import type { Pod } from '../../src/k8s/api.js';
import { copy, HASH, INPLACE_STATE, podDemo, sidecarSetDemo, testImageV1ImageID } from './rollout-helpers.js';

const NOW = '2026-12-04T10:00:00Z';

function upgraded(pod: Pod): Pod {
  const r = upgradePod(sidecarSetDemo(), pod, { now: NOW });
  if (r.kind !== 'upgrade') throw new Error(`expected an upgrade, got ${JSON.stringify(r)}`);
  return r.pod;
}

describe('upgradePod, cold upgrade (testUpdateColdUpgradeSidecar)', () => {
  it('changes the sidecar image, the hash entry and records the previous imageID', () => {
    const before = podDemo();
    const r = upgradePod(sidecarSetDemo(), before, { now: NOW });
    expect(r.kind).toBe('upgrade');
    if (r.kind !== 'upgrade') return;
    expect(r.containers).toEqual(['test-sidecar']);
    expect(r.pod.spec.containers[1].image).toBe('test-image:v2');
    expect(r.pod.spec.containers[0]).toEqual(before.spec.containers[0]);
    expect(r.pod.metadata.annotations?.[HASH]).toBe(
      `{"test-sidecarset":{"updateTimestamp":"${NOW}","hash":"bbb","sidecarSetName":"test-sidecarset","sidecarList":["test-sidecar"]}}`,
    );
    expect(r.pod.metadata.annotations?.[INPLACE_STATE]).toBe(
      `{"test-sidecarset":{"revision":"bbb","updateTimestamp":"${NOW}","lastContainerStatuses":{"test-sidecar":{"imageID":"${testImageV1ImageID}"}}}}`,
    );
    expect(before).toEqual(podDemo());
  });

  it('is "updated" once the hash entry is the SidecarSet\'s', () => {
    expect(upgradePod(sidecarSetDemo(), upgraded(podDemo()), { now: NOW })).toEqual({ kind: 'updated' });
  });

  it('names Pods that were never injected', () => {
    const pod = copy(podDemo());
    delete pod.metadata.annotations!['kruise.io/sidecarset-injected-list'];
    expect(upgradePod(sidecarSetDemo(), pod, { now: NOW }).kind).toBe('not-injected');
  });
});
