// Ported from pkg/control/sidecarcontrol/util_test.go (TestIsSidecarContainerUpdateCompleted,
// TestGetPodSidecarSetRevision, TestUpdatePodSidecarSetHash), plus the other predicates of
// sidecarset_control.go (IsPodStateConsistent, IsSidecarSetUpgradable, IsPodReady) and getMatchingPods.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { buildRolloutContext } from '../../src/kruise/rollout/context.js';
import { matchPods } from '../../src/kruise/rollout/matched.js';
import { applyKruiseUpgrade, applyKubelet, recordInPlaceUpdate } from '../../src/kruise/rollout/model.js';
import { podSidecarSetHash, readInPlaceRecord } from '../../src/kruise/rollout/pod-annotations.js';
import {
  containerStatus,
  isConditionReady,
  isConsistent,
  isKruiseReady,
  isUpdateCompleted,
  readRolloutPod,
  sidecarInFlight,
} from '../../src/kruise/rollout/pod-state.js';
import { type RolloutPod } from '../../src/kruise/rollout/types.js';
import {
  copy,
  HASH,
  HASH_WITHOUT_IMAGE,
  INJECTED_LIST,
  INPLACE_STATE,
  podDemo,
  sidecarSetDemo,
  WORKING,
} from './rollout-helpers.js';

// util_test.go's Pod and SidecarSet: a cold and a hot sidecar.
const ImageIds: Record<string, string> = {
  'main:v1': '4120593193b4',
  'cold-sidecar:v1': 'docker-pullable://cold-sidecar@sha256:9ead06a1362e',
  'cold-sidecar:v2': 'docker-pullable://cold-sidecar@sha256:7223aa0f3a7a',
  'hot-sidecar:v1': 'docker-pullable://hot-sidecar@sha256:86618128c92e',
  'hot-sidecar:v2': 'docker-pullable://hot-sidecar@sha256:74abd85af1e9',
  'hotupgrade:empty': 'docker-pullable://hotupgrade@sha256:0e9daf5c02e7',
};

function utilPodDemo(): Pod {
  const c = (name: string, image: string) => ({ name, image });
  const s = (name: string, image: string) => ({ name, image, imageID: ImageIds[image], ready: true });
  return {
    metadata: { annotations: {}, name: 'test-pod-1', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      containers: [
        c('main', 'main:v1'),
        c('cold-sidecar', 'cold-sidecar:v1'),
        c('hot-sidecar-1', 'hot-sidecar:v1'),
        c('hot-sidecar-2', 'hotupgrade:empty'),
      ],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        s('main', 'main:v1'),
        s('cold-sidecar', 'cold-sidecar:v1'),
        s('hot-sidecar-1', 'hot-sidecar:v1'),
        s('hot-sidecar-2', 'hotupgrade:empty'),
      ],
    },
  };
}

const utilSidecarSetDemo: SidecarSet = {
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: {
    name: 'test-sidecarset',
    annotations: { [HASH]: 'bbb', [HASH_WITHOUT_IMAGE]: 'without-image-aaa' },
    labels: { app: 'sidecar' },
  },
  spec: {
    containers: [
      { name: 'cold-sidecar', image: 'cold-image:v1', upgradeStrategy: { upgradeType: 'ColdUpgrade' } },
      {
        name: 'hot-sidecar',
        image: 'hot-image:v1',
        upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'hotupgrade:empty' },
      },
    ],
  },
};

describe('TestIsSidecarContainerUpdateCompleted', () => {
  const all = new Set(['cold-sidecar', 'hot-sidecar-1', 'hot-sidecar-2']);
  const setImage = (p: RolloutPod, name: string, image: string) => {
    p.containers.find((c) => c.name === name)!.image = image;
  };
  const setImageID = (p: RolloutPod, name: string, image: string) => {
    containerStatus(p, name)!.imageID = ImageIds[image];
  };
  const pod = () => readRolloutPod(utilPodDemo(), 0, 'test-sidecarset');
  // "upgrade cold sidecar": the image changes, then UpdatePodSidecarSetHash and UpdatePodAnnotationsInUpgrade
  const upgradeCold = (p: RolloutPod) => {
    setImage(p, 'cold-sidecar', 'cold-sidecar:v2');
    p.hash = 'bbb';
    recordInPlaceUpdate(p, ['cold-sidecar']);
  };

  it('only inject sidecar, not upgrade', () => expect(isUpdateCompleted(pod(), all)).toBe(true));

  it('upgrade cold sidecar, upgrade not completed', () => {
    const p = pod();
    upgradeCold(p);
    expect(isUpdateCompleted(p, all)).toBe(false);
  });

  it('upgrade cold sidecar, upgrade completed', () => {
    const p = pod();
    upgradeCold(p);
    setImageID(p, 'cold-sidecar', 'cold-sidecar:v2');
    expect(isUpdateCompleted(p, all)).toBe(true);
  });

  it('upgrade hot sidecar, upgrade hot-sidecar-2 not completed', () => {
    const p = pod();
    upgradeCold(p);
    setImageID(p, 'cold-sidecar', 'cold-sidecar:v2');
    setImage(p, 'hot-sidecar-2', 'hot-sidecar:v2');
    recordInPlaceUpdate(p, ['hot-sidecar-2']);
    expect(isUpdateCompleted(p, all)).toBe(false);
  });

  it('upgrade hot sidecar, upgrade hot-sidecar-1 not completed', () => {
    const p = pod();
    upgradeCold(p);
    setImageID(p, 'cold-sidecar', 'cold-sidecar:v2');
    setImage(p, 'hot-sidecar-2', 'hot-sidecar:v2');
    recordInPlaceUpdate(p, ['hot-sidecar-2']);
    setImageID(p, 'hot-sidecar-2', 'hot-sidecar:v2');
    setImage(p, 'hot-sidecar-1', 'hotupgrade:empty');
    recordInPlaceUpdate(p, ['hot-sidecar-1']);
    expect(isUpdateCompleted(p, all)).toBe(false);
  });

  it('upgrade hot sidecar, upgrade hot-sidecar completed', () => {
    const p = pod();
    upgradeCold(p);
    setImageID(p, 'cold-sidecar', 'cold-sidecar:v2');
    setImage(p, 'hot-sidecar-2', 'hot-sidecar:v2');
    recordInPlaceUpdate(p, ['hot-sidecar-2']);
    setImageID(p, 'hot-sidecar-2', 'hot-sidecar:v2');
    setImage(p, 'hot-sidecar-1', 'hotupgrade:empty');
    recordInPlaceUpdate(p, ['hot-sidecar-1']);
    setImageID(p, 'hot-sidecar-1', 'hotupgrade:empty');
    expect(isUpdateCompleted(p, all)).toBe(true);
  });
});

describe('TestGetPodSidecarSetRevision', () => {
  const withHashes = (hash: string, withoutImage: string): Pod => {
    const p = utilPodDemo();
    p.metadata.annotations = { [HASH]: hash, [HASH_WITHOUT_IMAGE]: withoutImage };
    return p;
  };
  const cases: [string, Pod, string, string][] = [
    [
      'normal sidecarSet revision',
      withHashes('{"test-sidecarset":{"hash":"aaa"}}', '{"test-sidecarset":{"hash":"without-image-aaa"}}'),
      'aaa',
      'without-image-aaa',
    ],
    [
      'older sidecarSet revision',
      withHashes('{"test-sidecarset": "aaa"}', '{"test-sidecarset": "without-image-aaa"}'),
      'aaa',
      'without-image-aaa',
    ],
    ['failed sidecarSet revision', withHashes('failed-sidecarset-hash', 'failed-sidecarset-hash'), '', ''],
  ];
  for (const [name, pod, hash, withoutImage] of cases) {
    it(name, () => {
      expect(podSidecarSetHash(pod, HASH, 'test-sidecarset')).toBe(hash);
      expect(podSidecarSetHash(pod, HASH_WITHOUT_IMAGE, 'test-sidecarset')).toBe(withoutImage);
    });
  }

  it('mixed shapes, keys in another case, and other SidecarSets', () => {
    expect(podSidecarSetHash(withHashes('{"a":{"hash":"x"},"test-sidecarset":"y"}', ''), HASH, 'test-sidecarset')).toBe(
      '',
    );
    expect(podSidecarSetHash(withHashes('{"test-sidecarset":{"HASH":"x"}}', ''), HASH, 'test-sidecarset')).toBe('x');
    expect(podSidecarSetHash(withHashes('{"other":{"hash":"x"}}', ''), HASH, 'test-sidecarset')).toBe('');
    expect(podSidecarSetHash(withHashes('{"test-sidecarset":{"hash":5}}', ''), HASH, 'test-sidecarset')).toBe('');
  });
});

describe('TestUpdatePodSidecarSetHash (what an upgrade writes)', () => {
  const cases: [string, string, string, string][] = [
    [
      'normal sidecarSet revision',
      '{"test-sidecarset":{"hash":"aaa"}}',
      '{"test-sidecarset":{"hash":"without-image-aaa"}}',
      'without-image-aaa',
    ],
    [
      'older sidecarSet revision',
      '{"test-sidecarset": "aaa"}',
      '{"test-sidecarset": "without-image-aaa"}',
      'without-image-aaa',
    ],
    ['failed sidecarSet revision', 'failed-sidecarset-hash', 'failed-sidecarset-hash', ''],
  ];
  for (const [name, hash, withoutImage, expectedWithoutImage] of cases) {
    it(name, () => {
      const pod = utilPodDemo();
      pod.metadata.annotations = { [HASH]: hash, [HASH_WITHOUT_IMAGE]: withoutImage };
      const ctx = buildRolloutContext(utilSidecarSetDemo);
      const p = readRolloutPod(pod, 0, ctx.name);
      applyKruiseUpgrade(ctx, p);
      expect(p.hash).toBe('bbb');
      expect(p.hashWithoutImage).toBe(expectedWithoutImage); // never rewritten by an upgrade
    });
  }
});

describe('IsPodStateConsistent', () => {
  const ss = sidecarSetDemo();
  const ctx = buildRolloutContext(ss);
  const read = (pod: Pod) => readRolloutPod(pod, 0, ctx.name);

  it('a missing or extra container status makes a Pod inconsistent', () => {
    const pod = podDemo();
    (pod.status as { containerStatuses: unknown[] }).containerStatuses.pop();
    expect(isConsistent(ctx, read(pod))).toBe(false);
    const noStatus = podDemo();
    delete noStatus.status;
    expect(isConsistent(ctx, read(noStatus))).toBe(false);
  });

  it('digest images are compared with the status imageID (scheme removed, repository as written)', () => {
    const digest = 'test-image@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d';
    const pod = podDemo();
    pod.spec.containers[1].image = digest;
    expect(isConsistent(ctx, read(pod))).toBe(false); // status still shows the v1 digest
    (pod.status as { containerStatuses: { imageID: string }[] }).containerStatuses[1].imageID =
      `docker-pullable://${digest}`;
    expect(isConsistent(ctx, read(pod))).toBe(true);
    (pod.status as { containerStatuses: { imageID: string }[] }).containerStatuses[1].imageID =
      `docker-pullable://docker.io/library/${digest}`;
    expect(isConsistent(ctx, read(pod))).toBe(false);
  });

  it('an in-place record that does not decode (even "") means an update in progress', () => {
    for (const bad of [
      '',
      'nope',
      '{"test-sidecarset":{"revision":5}}',
      '{"test-sidecarset":{"lastContainerStatuses":{"x":{"imageID":1}}}}',
    ]) {
      const pod = podDemo();
      pod.metadata.annotations![INPLACE_STATE] = bad;
      expect(readInPlaceRecord(pod.metadata.annotations, ctx.name).kind).toBe('invalid');
      expect(isConsistent(ctx, read(pod))).toBe(false);
    }
    const pod = podDemo();
    pod.metadata.annotations![INPLACE_STATE] = '{"other":{"lastContainerStatuses":{"test-sidecar":{"imageID":"x"}}}}';
    expect(isConsistent(ctx, read(pod))).toBe(true);
  });

  it('IsSidecarSetUpgradable: a ready sidecar that is not consistent makes the Pod wait', () => {
    const pod = podDemo();
    pod.spec.containers[1].image = 'test-image:v0'; // a previous in-place update, not done yet
    pod.metadata.annotations![INPLACE_STATE] = JSON.stringify({
      'test-sidecarset': {
        lastContainerStatuses: {
          'test-sidecar': {
            imageID: (pod.status as { containerStatuses: { imageID: string }[] }).containerStatuses[1].imageID,
          },
        },
      },
    });
    expect(sidecarInFlight(ctx, read(pod))).toBe('test-sidecar');
    (pod.status as { containerStatuses: { ready: boolean }[] }).containerStatuses[1].ready = false;
    expect(sidecarInFlight(ctx, read(pod))).toBeUndefined(); // not ready: a candidate again
  });
});

describe('the two readies', () => {
  const ctx = buildRolloutContext(sidecarSetDemo());
  it('a Pending Pod with Ready=True is ready for the order but not for the budget', () => {
    const pod = podDemo();
    pod.status!.phase = 'Pending';
    const p = readRolloutPod(pod, 0, ctx.name);
    expect(isConditionReady(p)).toBe(true);
    expect(isKruiseReady(ctx, p)).toBe(false);
  });
  it('a Pod being deleted is not ready for the budget', () => {
    const pod = podDemo();
    pod.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    expect(isKruiseReady(ctx, readRolloutPod(pod, 0, ctx.name))).toBe(false);
  });
  it('HotUpgrade: a Pod whose idle container is not on the empty image is never ready for the budget', () => {
    const hot = buildRolloutContext(utilSidecarSetDemo);
    const pod = utilPodDemo();
    pod.metadata.annotations = { [WORKING]: '{"hot-sidecar":"hot-sidecar-1"}' };
    expect(isKruiseReady(hot, readRolloutPod(pod, 0, hot.name))).toBe(true);
    pod.metadata.annotations = { [WORKING]: '{"hot-sidecar":"hot-sidecar-2"}' }; // then hot-sidecar-1 is the idle one
    expect(isKruiseReady(hot, readRolloutPod(pod, 0, hot.name))).toBe(false);
    pod.metadata.annotations = {}; // no entry: the working one is NAME-2
    expect(isKruiseReady(hot, readRolloutPod(pod, 0, hot.name))).toBe(false);
  });
});

describe('getMatchingPods', () => {
  const ss = sidecarSetDemo();
  const reasons = (pods: Pod[], s: SidecarSet = ss) => {
    const set = matchPods(s, pods, new Map());
    return { matched: set.matched, reasons: set.notMatched.map((m) => m.reason) };
  };

  it('each excluded Pod says why', () => {
    const other = podDemo();
    other.metadata.labels = { app: 'other' };
    const done = podDemo();
    done.status!.phase = 'Succeeded';
    const notInjected = podDemo();
    delete notInjected.metadata.annotations![INJECTED_LIST];
    const otherList = podDemo();
    otherList.metadata.annotations![INJECTED_LIST] = 'a,test-sidecarset-2';
    const noSidecar = podDemo();
    noSidecar.spec.containers.pop();
    expect(reasons([podDemo(), other, done, notInjected, otherList, noSidecar])).toEqual({
      matched: [0],
      reasons: ['SelectorMismatch', 'InactivePod', 'NotInjected', 'NotInjected', 'MissingSidecarContainers'],
    });
  });

  it('a missing spec.selector matches nothing, an empty one everything', () => {
    const none = copy(ss);
    delete none.spec.selector;
    expect(reasons([podDemo()], none).matched).toEqual([]);
    const all = copy(ss);
    all.spec.selector = {};
    expect(reasons([podDemo()], all).matched).toEqual([0]);
  });

  it('HotUpgrade needs both containers and the working-container entry', () => {
    const hot = copy(utilSidecarSetDemo);
    hot.spec.selector = { matchLabels: { app: 'nginx' } };
    const pod = utilPodDemo();
    pod.metadata.annotations = { [INJECTED_LIST]: 'test-sidecarset' };
    expect(matchPods(hot, [pod], new Map()).notMatched[0].detail).toBe(
      'the Pod has no kruise.io/sidecarset-working-hotupgrade-container entry for hot-sidecar',
    );
    pod.metadata.annotations[WORKING] = '{"hot-sidecar":"hot-sidecar-1"}';
    expect(matchPods(hot, [pod], new Map()).matched).toEqual([0]);
  });
});

describe('the kubelet model', () => {
  it('restarts the containers Kruise changed on their new image, once', () => {
    const ctx = buildRolloutContext(sidecarSetDemo());
    const p = readRolloutPod(podDemo(), 0, ctx.name);
    expect(applyKruiseUpgrade(ctx, p)).toEqual([
      { sidecar: 'test-sidecar', container: 'test-sidecar', from: 'test-image:v1', to: 'test-image:v2' },
    ]);
    expect(isConsistent(ctx, p)).toBe(false);
    expect(applyKubelet(ctx, p)).toEqual(['test-sidecar']);
    expect(isConsistent(ctx, p)).toBe(true);
    expect(containerStatus(p, 'test-sidecar')).toMatchObject({ image: 'test-image:v2', restartCount: 1, ready: true });
    expect(applyKubelet(ctx, p)).toEqual([]);
  });
});
