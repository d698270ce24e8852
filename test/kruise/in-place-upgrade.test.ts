// upgradePod: what Kruise's controller writes on a Pod it upgrades in place, checked against the scenarios of
// Kruise's own tests (sidecarset_processor_test.go, sidecarset_hotupgrade_test.go, sidecarcontrol/util_test.go).
import { describe, expect, it } from 'vitest';
import { upgradePod } from '../../src/kruise/rollout/in-place-upgrade.js';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { sidecarSetUpgradableCondition } from '../../src/kruise/rollout/upgradable-condition.js';
import { planRollout } from '../../src/kruise/rollout/plan.js';
import { rolloutStatus } from '../../src/kruise/rollout/status.js';
import {
  copy,
  HASH,
  HASH_WITHOUT_IMAGE,
  INPLACE_STATE,
  inPlaceState,
  podDemo,
  sidecarSetDemo,
  testImageV1ImageID,
  WORKING,
} from './rollout-helpers.js';

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

// podHotUpgrade / sidecarSetHotUpgrade of sidecarset_hotupgrade_test.go
const EMPTY = 'busy-box:empty';
function hotSidecarSet(): SidecarSet {
  const ss = sidecarSetDemo();
  ss.metadata.resourceVersion = '123';
  ss.spec.containers = [
    {
      name: 'test-sidecar',
      image: 'test-image:v2',
      upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: EMPTY },
    },
  ];
  return ss;
}
function hotPod(): Pod {
  const pod = podDemo();
  const env = [{ name: 'IS_INJECTED', value: 'true' }];
  pod.metadata.annotations![WORKING] = '{"test-sidecar":"test-sidecar-1"}';
  Object.assign(pod.metadata.annotations!, {
    'version.sidecarset.kruise.io/test-sidecar-1': '1',
    'versionalt.sidecarset.kruise.io/test-sidecar-1': '0',
    'version.sidecarset.kruise.io/test-sidecar-2': '0',
    'versionalt.sidecarset.kruise.io/test-sidecar-2': '1',
  });
  pod.spec.containers = [
    pod.spec.containers[0],
    { name: 'test-sidecar-1', image: 'test-image:v1', env },
    { name: 'test-sidecar-2', image: EMPTY, env },
  ];
  statusesOf(pod).splice(
    1,
    1,
    { name: 'test-sidecar-1', image: 'test-image:v1', imageID: testImageV1ImageID, ready: true },
    { name: 'test-sidecar-2', image: EMPTY, imageID: 'docker-pullable://busy-box@sha256:00', ready: true },
  );
  return pod;
}
function statusesOf(pod: Pod): { name: string; image: string; imageID: string; ready: boolean }[] {
  return (pod.status as { containerStatuses: never[] }).containerStatuses;
}
/** kubelet restarts `name` on its spec image, with a new imageID */
function kubelet(pod: Pod, name: string): void {
  const s = statusesOf(pod).find((x) => x.name === name)!;
  s.image = pod.spec.containers.find((c) => c.name === name)!.image!;
  s.imageID = `docker-pullable://${s.image}@sha256:new`;
}

describe('upgradePod, hot upgrade (testUpdateHotUpgradeSidecar)', () => {
  it('upgrades the empty container, swaps the working container, then resets the old one', () => {
    const ss = hotSidecarSet();
    const first = upgradePod(ss, hotPod(), { now: NOW });
    if (first.kind !== 'upgrade') throw new Error(first.kind);
    expect(first.containers).toEqual(['test-sidecar-2']);
    const pod = first.pod;
    expect(pod.spec.containers.map((c) => c.image)).toEqual(['nginx:1.15.1', 'test-image:v1', 'test-image:v2']);
    expect(pod.metadata.annotations).toMatchObject({
      [WORKING]: '{"test-sidecar":"test-sidecar-2"}',
      'version.sidecarset.kruise.io/test-sidecar-2': '123',
      'versionalt.sidecarset.kruise.io/test-sidecar-2': '1',
      'versionalt.sidecarset.kruise.io/test-sidecar-1': '123',
      'version.sidecarset.kruise.io/test-sidecar-1': '1',
    });
    expect(JSON.parse(pod.metadata.annotations![HASH])['test-sidecarset'].sidecarList).toEqual(['test-sidecar']);
    // test-sidecar-2 is upgrading: nothing to do until kubelet has restarted it
    expect(upgradePod(ss, pod, { now: NOW })).toEqual({ kind: 'updated' });
    kubelet(pod, 'test-sidecar-2');
    const reset = upgradePod(ss, pod, { now: '2026-12-04T11:00:00Z' });
    if (reset.kind !== 'upgrade') throw new Error(reset.kind);
    expect(reset.containers).toEqual(['test-sidecar-1']);
    expect(reset.pod.spec.containers.map((c) => c.image)).toEqual(['nginx:1.15.1', EMPTY, 'test-image:v2']);
    expect(reset.pod.metadata.annotations).toMatchObject({
      'version.sidecarset.kruise.io/test-sidecar-1': '0',
      'versionalt.sidecarset.kruise.io/test-sidecar-2': '0',
    });
    expect(reset.pod.metadata.annotations![HASH]).toBe(pod.metadata.annotations![HASH]);
    // the entry of the upgrade keeps its revision and time; the reset container is added
    const state = JSON.parse(reset.pod.metadata.annotations![INPLACE_STATE])['test-sidecarset'];
    expect(state.updateTimestamp).toBe(NOW);
    expect(Object.keys(state.lastContainerStatuses)).toEqual(['test-sidecar-1', 'test-sidecar-2']);
    kubelet(reset.pod, 'test-sidecar-1');
    expect(upgradePod(ss, reset.pod, { now: NOW })).toEqual({ kind: 'updated' });
  });
});

describe('upgradePod, what it reads and keeps', () => {
  it('converts the legacy hash form and keeps the entries of other SidecarSets', () => {
    const pod = podDemo();
    pod.metadata.annotations![HASH] = '{"test-sidecarset":"aaa","other":"ccc"}';
    // the SidecarSet carries no hash-without-image, nor does the Pod for it: upgradable
    pod.metadata.annotations![HASH_WITHOUT_IMAGE] = '{"other":"w-ccc"}';
    const out = upgraded(pod);
    expect(out.metadata.annotations![HASH]).toBe(
      `{"other":{"updateTimestamp":"${NOW}","hash":"ccc","sidecarSetName":"test-sidecarset","sidecarList":null},` +
        `"test-sidecarset":{"updateTimestamp":"${NOW}","hash":"bbb","sidecarSetName":"test-sidecarset","sidecarList":["test-sidecar"]}}`,
    );
    // Kruise decodes it into the map that holds the legacy hash entries: they end up in it too
    expect(out.metadata.annotations![HASH_WITHOUT_IMAGE]).toBe(
      `{"other":{"updateTimestamp":"${NOW}","hash":"w-ccc","sidecarSetName":"test-sidecarset","sidecarList":null},` +
        `"test-sidecarset":{"updateTimestamp":"${NOW}","hash":"aaa","sidecarSetName":"test-sidecarset","sidecarList":null}}`,
    );
  });

  it('writes controllerRevision from status.latestRevision and applies patchPodMetadata', () => {
    const ss = sidecarSetDemo();
    ss.status = { latestRevision: 'test-sidecarset-5f8d' };
    ss.spec.patchPodMetadata = [{ annotations: { 'team/owner': 'mesh' }, patchPolicy: 'Overwrite' }];
    const r = upgradePod(ss, podDemo(), { now: NOW });
    if (r.kind !== 'upgrade') throw new Error(r.kind);
    expect(JSON.parse(r.pod.metadata.annotations![HASH])['test-sidecarset'].controllerRevision).toBe(
      'test-sidecarset-5f8d',
    );
    expect(r.pod.metadata.annotations!['team/owner']).toBe('mesh');
  });

  it('keeps the in-place entry of another SidecarSet', () => {
    const pod = podDemo();
    pod.metadata.annotations![INPLACE_STATE] = inPlaceState('other', 'r1', { log: 'id-1' });
    const state = JSON.parse(upgraded(pod).metadata.annotations![INPLACE_STATE]);
    expect(Object.keys(state)).toEqual(['other', 'test-sidecarset']);
    expect(state.other.lastContainerStatuses).toEqual({ log: { imageID: 'id-1' } });
  });

  it('refuses a time that is not metav1.Time text', () => {
    expect(() => upgradePod(sidecarSetDemo(), podDemo(), { now: 'yesterday' })).toThrow(/RFC 3339/);
  });
});

describe('upgradePod, Pods that cannot go in place (IsSidecarSetUpgradable)', () => {
  it('names the container and the field when the hash-without-image differs', () => {
    const ss = sidecarSetDemo();
    ss.metadata.annotations![HASH_WITHOUT_IMAGE] = 'without-new';
    ss.spec.containers![0].env = [{ name: 'LOG_LEVEL', value: 'debug' }];
    const r = upgradePod(ss, podDemo(), { now: NOW });
    expect(r).toEqual({ kind: 'recreate', container: 'test-sidecar', field: 'env LOG_LEVEL (not in the Pod)' });
  });

  it('points at the hash when no field of the Pod shows the difference', () => {
    const ss = sidecarSetDemo();
    ss.metadata.annotations![HASH_WITHOUT_IMAGE] = 'without-new';
    expect(upgradePod(ss, podDemo(), { now: NOW })).toEqual({
      kind: 'recreate',
      container: 'test-sidecar',
      field: 'metadata.annotations[kruise.io/sidecarset-hash-without-image]',
    });
  });

  it('says why a Pod is not matched', () => {
    const pod = podDemo();
    pod.metadata.labels = { app: 'other' };
    expect(upgradePod(sidecarSetDemo(), pod, { now: NOW }).kind).toBe('not-matched');
  });
});

describe('round trip: an upgraded Pod counts as updated', () => {
  it('for planRollout and rolloutStatus', () => {
    const pods = [podDemo(), podDemo(), podDemo()].map((p, i) => ({
      ...p,
      metadata: { ...p.metadata, name: `pod-${i}` },
    }));
    const after = pods.map((p, i) => (i < 2 ? upgraded(p) : p));
    const plan = planRollout({ sidecarSet: sidecarSetDemo(), pods: after, namespaces: new Map() });
    expect(plan.totals.updated).toBe(2);
    expect(plan.updated.map((p) => p.name)).toEqual(['pod-0', 'pod-1']);
    for (const p of after.slice(0, 2)) kubelet(p, 'test-sidecar');
    const status = rolloutStatus({ sidecarSet: sidecarSetDemo(), pods: after, namespaces: new Map() });
    expect(status.status.updatedPods).toBe(2);
    expect(status.pods.filter((p) => p.updated).map((p) => p.name)).toEqual(['pod-0', 'pod-1']);
  });
});

describe('sidecarSetUpgradableCondition (updatePodSidecarSetUpgradableCondition)', () => {
  it('is True with the SidecarSet listed after an upgrade, False once any SidecarSet is not upgradable', () => {
    const pod = podDemo();
    const first = sidecarSetUpgradableCondition('test-sidecarset', pod, true, NOW);
    expect(first).toEqual({
      type: 'SidecarSetUpgradable',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: NOW,
      reason: 'AllSidecarsetUpgradable',
      message: '{"test-sidecarset":true}',
    });
    conditionsOf(pod).push(first!);
    expect(sidecarSetUpgradableCondition('test-sidecarset', pod, true, '2026-12-05T00:00:00Z')).toBeUndefined();
    expect(sidecarSetUpgradableCondition('other', pod, false, '2026-12-05T00:00:00Z')).toEqual({
      ...first,
      status: 'False',
      reason: 'UpdateImmutableField',
      lastTransitionTime: '2026-12-05T00:00:00Z',
      message: '{"other":false,"test-sidecarset":true}',
    });
  });
});

function conditionsOf(pod: Pod): unknown[] {
  return (pod.status as { conditions: unknown[] }).conditions;
}
