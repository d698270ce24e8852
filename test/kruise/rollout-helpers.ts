// Objects of Kruise's controller tests (pkg/controller/sidecarset/*_test.go, pkg/control/sidecarcontrol/util_test.go)
// in wire shape, and small helpers to run the rollout core on them.
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { buildRolloutContext } from '../../src/kruise/rollout/context.js';
import { readRolloutPod } from '../../src/kruise/rollout/pod-state.js';
import { type RolloutContext, type RolloutPod } from '../../src/kruise/rollout/types.js';

export const HASH = 'kruise.io/sidecarset-hash';
export const HASH_WITHOUT_IMAGE = 'kruise.io/sidecarset-hash-without-image';
export const INJECTED_LIST = 'kruise.io/sidecarset-injected-list';
export const INPLACE_STATE = 'kruise.io/sidecarset-inplace-update-state';
export const WORKING = 'kruise.io/sidecarset-working-hotupgrade-container';

export const testImageV1ImageID =
  'docker-pullable://test-image@sha256:a9286defaba7b3a519d585ba0e37d0b2cbee74ebfe590960b0b1d6a5e97d1e1d';
export const testImageV2ImageID =
  'docker-pullable://test-image@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d';
const nginxImageID = 'docker-pullable://nginx@sha256:a9286defaba7b3a519d585ba0e37d0b2cbee74ebfe590960b0b1d6a5e97d1e1d';

export function copy<T>(v: T): T {
  return structuredClone(v);
}

export interface State {
  ctx: RolloutContext;
  pods: RolloutPod[];
}

export function state(sidecarSet: SidecarSet, pods: Pod[]): State {
  const ctx = buildRolloutContext(sidecarSet);
  return { ctx, pods: pods.map((p, i) => readRolloutPod(p, i, ctx.name)) };
}

/** createFactorySidecarSet of sidecarset_strategy_test.go. */
export function createFactorySidecarSet(hash: string, hashWithoutImage: string): SidecarSet {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: {
      name: 'test-sidecarset',
      annotations: { [HASH]: hash, [HASH_WITHOUT_IMAGE]: hashWithoutImage },
      labels: {},
    },
    spec: {
      containers: [{ name: 'test-sidecar', image: 'test-image:v2' }],
      selector: { matchLabels: { app: 'sidecar' } },
      updateStrategy: {},
      revisionHistoryLimit: 10,
    },
  };
}

export const factorySidecarSet = () => createFactorySidecarSet('bbb', 'without-aaa');
export const factorySidecarSetNotUpgradable = () => createFactorySidecarSet('bbb', 'without-bbb');

/** An in-place record as UpdatePodAnnotationsInUpgrade writes it. */
export function inPlaceState(sidecarSet: string, revision: string, imageIDs: Record<string, string>): string {
  const last = Object.fromEntries(Object.entries(imageIDs).map(([c, id]) => [c, { imageID: id }]));
  return JSON.stringify({
    [sidecarSet]: { revision, updateTimestamp: '2024-01-01T00:00:00Z', lastContainerStatuses: last },
  });
}

/**
 * factoryPodsCommon: `count` Pods created one after the other (pod-0 oldest), the first `upgraded` of them
 * upgraded in place to test-image:v2 (hash entry set, status still v1).
 */
export function factoryPodsCommon(count: number, upgraded: number, sidecarSet: SidecarSet): Pod[] {
  const pods: Pod[] = [];
  for (let i = 0; i < count; i++) {
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `pod-${i}`,
        annotations: {
          [HASH]: '{"test-sidecarset":{"hash":"aaa","sidecarList":["test-sidecar"]}}',
          [HASH_WITHOUT_IMAGE]: '{"test-sidecarset":{"hash":"without-aaa","sidecarList":["test-sidecar"]}}',
        },
        labels: { app: 'sidecar' },
        creationTimestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.15.1' },
          { name: 'test-sidecar', image: 'test-image:v1' },
        ],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'nginx', image: 'nginx:1.15.1', imageID: nginxImageID, ready: true },
          { name: 'test-sidecar', image: 'test-image:v1', imageID: testImageV1ImageID, ready: true },
        ],
      },
    });
  }
  const hash = sidecarSet.metadata.annotations?.[HASH] ?? '';
  for (let i = 0; i < upgraded; i++) {
    pods[i].spec.containers[1].image = 'test-image:v2';
    pods[i].metadata.annotations![HASH] = JSON.stringify({
      'test-sidecarset': {
        updateTimestamp: '2024-01-01T00:00:00Z',
        hash,
        sidecarSetName: 'test-sidecarset',
        sidecarList: ['test-sidecar'],
      },
    });
    pods[i].metadata.annotations![INPLACE_STATE] = inPlaceState('test-sidecarset', hash, {
      'test-sidecar': testImageV1ImageID,
    });
  }
  return pods;
}

/** factoryPods: as above, and the first `upgradedAndReady` of them restarted on v2 by kubelet. */
export function factoryPods(count: number, upgraded: number, upgradedAndReady: number): Pod[] {
  const pods = factoryPodsCommon(count, upgraded, factorySidecarSet());
  for (let i = 0; i < upgradedAndReady; i++) {
    const s = statuses(pods[i])[1];
    s.image = 'test-image:v2';
    s.imageID = testImageV2ImageID;
  }
  return pods;
}

export function statuses(
  pod: Pod,
): { name: string; image: string; imageID: string; ready: boolean; restartCount?: number }[] {
  return (pod.status as { containerStatuses: never[] }).containerStatuses;
}

export function conditions(pod: Pod): { type: string; status: string; lastTransitionTime?: string }[] {
  return (pod.status as { conditions: never[] }).conditions;
}

/** A deterministic shuffle (Kruise's tests shuffle with math/rand). */
export function shuffle<T>(items: T[], seed = 7): T[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** sidecarSetDemo of sidecarset_controller_test.go: only the hash annotation. */
export function sidecarSetDemo(): SidecarSet {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name: 'test-sidecarset', annotations: { [HASH]: 'bbb' }, labels: {} },
    spec: {
      containers: [{ name: 'test-sidecar', image: 'test-image:v2' }],
      selector: { matchLabels: { app: 'nginx' } },
      updateStrategy: {},
      revisionHistoryLimit: 10,
    },
  };
}

/** podDemo of sidecarset_controller_test.go. */
export function podDemo(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: {
        [HASH]: '{"test-sidecarset":{"hash":"aaa","sidecarList":["test-sidecar"]}}',
        [INJECTED_LIST]: 'test-sidecarset',
      },
      name: 'test-pod-1',
      namespace: 'default',
      labels: { app: 'nginx' },
    },
    spec: {
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.15.1',
          env: [{ name: 'nginx-env', value: 'value-1' }],
          volumeMounts: [{ name: 'nginx-volume', mountPath: '/data/nginx' }],
        },
        { name: 'test-sidecar', image: 'test-image:v1', env: [{ name: 'IS_INJECTED', value: 'true' }] },
      ],
      volumes: [{ name: 'nginx-volume' }],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'nginx', image: 'nginx:1.15.1', imageID: nginxImageID, ready: true },
        { name: 'test-sidecar', image: 'test-image:v1', imageID: testImageV1ImageID, ready: true },
      ],
    },
  };
}

export const hotUpgradeEmptyImage = 'hotupgrade:empty';
export const hotUpgradeEmptyImageID =
  'docker-pullable://hotupgrade@sha256:91873971hhf0981293480lhhhgsfgs09809085024lddd092jjj44k4h4vv44';

/** sidecarSetHotUpgrade of sidecarset_hotupgrade_test.go. */
export function sidecarSetHotUpgrade(): SidecarSet {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: {
      name: 'test-sidecarset',
      annotations: { [HASH]: 'bbb', [HASH_WITHOUT_IMAGE]: '111111111' },
      labels: {},
    },
    spec: {
      containers: [
        {
          name: 'test-sidecar',
          image: 'test-image:v2',
          upgradeStrategy: { hotUpgradeEmptyImage, upgradeType: 'HotUpgrade' },
        },
      ],
      selector: { matchLabels: { app: 'nginx' } },
      updateStrategy: {},
      revisionHistoryLimit: 10,
    },
  };
}

/** podHotUpgrade of sidecarset_hotupgrade_test.go. */
export function podHotUpgrade(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: {
        [INJECTED_LIST]: 'test-sidecarset',
        [HASH]: '{"test-sidecarset":{"hash":"aaa","sidecarList":["test-sidecar"]}}',
        [HASH_WITHOUT_IMAGE]: '{"test-sidecarset":{"hash":"111111111"}}',
        'version.sidecarset.kruise.io/test-sidecar-1': '1',
        'version.sidecarset.kruise.io/test-sidecar-2': '1',
        [WORKING]: '{"test-sidecar":"test-sidecar-1"}',
      },
      name: 'test-pod',
      namespace: 'default',
      labels: { app: 'nginx' },
    },
    spec: {
      containers: [
        { name: 'nginx', image: 'nginx:1.15.1' },
        { name: 'test-sidecar-1', image: 'test-image:v1' },
        { name: 'test-sidecar-2', image: hotUpgradeEmptyImage },
      ],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'nginx', image: 'nginx:1.15.1', imageID: nginxImageID, ready: true },
        { name: 'test-sidecar-1', image: 'test-image:v1', imageID: testImageV1ImageID, ready: true },
        { name: 'test-sidecar-2', image: hotUpgradeEmptyImage, imageID: hotUpgradeEmptyImageID, ready: true },
      ],
    },
  };
}

export function names(st: State, indexes: readonly number[]): string[] {
  return indexes.map((i) => st.pods[i].name);
}
