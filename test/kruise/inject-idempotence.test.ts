// Injecting an injected Pod again must change nothing, for every kind of injection.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarContainer, SidecarSet } from '../../src/kruise/apis/types.js';
import { injectPod } from '../../src/kruise/inject/index.js';
import {
  copy,
  ctx,
  pod1,
  podWithStaragent,
  sidecarSet1,
  sidecarSet3,
  sidecarSetWithStaragent,
  sidecarsetWithTransferEnv,
} from './inject-fixtures.js';

function hot(set: SidecarSet): SidecarSet {
  const s = copy(set);
  (s.spec.containers as SidecarContainer[])[0].upgradeStrategy = {
    upgradeType: 'HotUpgrade',
    hotUpgradeEmptyImage: 'empty:1',
  };
  return s;
}

function nativeInit(): SidecarSet {
  const s = copy(sidecarSet1);
  s.spec.initContainers = [
    { name: 'native', image: 'n:1', restartPolicy: 'Always', podInjectPolicy: 'BeforeAppContainer' },
    {
      name: 'hot-native',
      image: 'h:1',
      restartPolicy: 'Always',
      upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'e:1' },
    },
    { name: 'plain', image: 'p:1', podInjectPolicy: 'AfterAppContainer' },
  ];
  return s;
}

function transferEnv(): SidecarSet {
  const s = copy(sidecarsetWithTransferEnv);
  s.spec.patchPodMetadata = [{ patchPolicy: 'Overwrite', annotations: { source: 'nginx' } }];
  (s.spec.containers as SidecarContainer[])[0].transferEnv = [
    {
      sourceContainerNameFrom: { fieldRef: { fieldPath: "metadata.annotations['source']" } },
      envNames: ['hello2', 'hello1'],
    },
    { sourceContainerNameFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } }, envName: 'x' },
  ];
  return s;
}

function shareVolumes(): [Pod, SidecarSet] {
  const pod = copy(podWithStaragent);
  const app = pod.spec.containers[0];
  app.volumeMounts?.push({ name: 'volume-expansion', mountPath: '/e/expansion', subPathExpr: 'foo/$(POD_NAME)' });
  app.env?.push({ name: 'POD_NAME', value: 'bar' });
  app.volumeDevices = [{ name: 'pvc', devicePath: '/dev/x' }];
  pod.spec.volumes?.push({ name: 'volume-expansion' }, { name: 'pvc' });
  const s = copy(sidecarSetWithStaragent);
  for (const c of [...(s.spec.initContainers ?? []), ...(s.spec.containers ?? [])])
    c.shareVolumeDevicePolicy = { type: 'enabled' };
  return [pod, s];
}

function patchMetadata(): SidecarSet {
  const s = copy(sidecarSet3);
  s.spec.patchPodMetadata = [
    { patchPolicy: 'Retain', annotations: { retained: 'r' } },
    { patchPolicy: 'Overwrite', annotations: { overwritten: 'o' } },
    { patchPolicy: 'MergePatchJson', annotations: { merged: '{"log-agent":1}' } },
  ];
  return s;
}

const scenarios: [string, Pod, SidecarSet[]][] = [
  ['plain', copy(pod1), [copy(sidecarSet1)]],
  [
    'several SidecarSets',
    copy(pod1),
    [
      copy(sidecarSet1),
      (() => {
        const s = copy(sidecarSet3);
        s.spec.containers = [{ name: 'other', image: 'o:1', podInjectPolicy: 'AfterAppContainer' }];
        return s;
      })(),
    ],
  ],
  ['init containers and native sidecars', copy(pod1), [nativeInit()]],
  ['hot upgrade', copy(pod1), [hot(sidecarSet1)]],
  ['transferEnv', copy(pod1), [transferEnv()]],
  ['shareVolumePolicy and shareVolumeDevicePolicy', ...(([p, s]) => [p, [s]] as [Pod, SidecarSet[]])(shareVolumes())],
  ['patchPodMetadata', copy(pod1), [patchMetadata()]],
];

describe('injecting twice equals injecting once', () => {
  for (const [name, pod, sets] of scenarios) {
    it(name, () => {
      const once = injectPod(pod, ctx(copy(sets)));
      expect(once.changed).toBe(true);
      // A later run, at another time, must keep everything, timestamps included.
      const twice = injectPod(once.pod, ctx(copy(sets), { now: '2030-01-01T00:00:00Z' }));
      expect(JSON.stringify(twice.pod)).toBe(JSON.stringify(once.pod));
      expect(twice.changed).toBe(false);
      expect(twice.injected).toEqual(once.injected);
    });
  }

  it('a changed SidecarSet hash gets a new timestamp', () => {
    const once = injectPod(copy(pod1), ctx([copy(sidecarSet3)]));
    const changed = copy(sidecarSet3);
    changed.metadata.annotations = { 'kruise.io/sidecarset-hash': 'new-hash' };
    const twice = injectPod(once.pod, ctx([changed], { now: '2030-01-01T00:00:00Z' }));
    const entry = JSON.parse(twice.pod.metadata.annotations?.['kruise.io/sidecarset-hash'] ?? '').sidecarset3;
    expect(entry).toMatchObject({ hash: 'new-hash', updateTimestamp: '2030-01-01T00:00:00Z' });
  });

  it('MergePatchJson re-serialises a value it stored as given, as Kruise does', () => {
    const s = copy(sidecarSet3);
    s.spec.patchPodMetadata = [{ patchPolicy: 'MergePatchJson', annotations: { merged: '{"b": 1, "a": 2}' } }];
    const once = injectPod(copy(pod1), ctx([s]));
    expect(once.pod.metadata.annotations?.merged).toBe('{"b": 1, "a": 2}');
    expect(injectPod(once.pod, ctx([s])).pod.metadata.annotations?.merged).toBe('{"a":2,"b":1}');
  });
});
