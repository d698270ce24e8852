// Scenarios of Kruise's pkg/webhook/pod/mutating/sidecarset_test.go and sidecarset_hotupgrade_test.go.
import { kruiseProfile } from '../../src/kruise/apis/version.js';
import { describe, expect, it } from 'vitest';
import { SidecarsetError } from '../../src/errors.js';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarContainer, SidecarSet } from '../../src/kruise/apis/types.js';
import { buildSidecars } from '../../src/kruise/inject/build-sidecars.js';
import { injectPod } from '../../src/kruise/inject/index.js';
import { mergeSidecarContainers } from '../../src/kruise/inject/merge.js';
import {
  copy,
  ctx,
  names,
  NOW,
  pod1,
  podWithStaragent,
  sidecarSet1,
  sidecarSet3,
  sidecarSetWithInitContainer,
  sidecarSetWithStaragent,
  sidecarsetWithTransferEnv,
} from './inject-fixtures.js';

const HASH = 'kruise.io/sidecarset-hash';
const HASH_NO_IMAGE = 'kruise.io/sidecarset-hash-without-image';
const LIST = 'kruise.io/sidecarset-injected-list';
const WORKING = 'kruise.io/sidecarset-working-hotupgrade-container';
const INJECTED = { name: 'IS_INJECTED', value: 'true' };

function podRevision(pod: Pod, set: string, key = HASH): string | undefined {
  return JSON.parse(pod.metadata.annotations?.[key] ?? '{}')[set]?.hash;
}

describe('Pod webhook injection', () => {
  it('TestPodHasNoMatchedSidecarSet', () => {
    const pod = copy(pod1);
    pod.metadata.labels = { app: 'doesnt-match' };
    const out = injectPod(pod, ctx([copy(sidecarSet1)]));
    expect(out.pod).toEqual(pod);
    expect(out.changed).toBe(false);
    expect(out.skipped).toEqual([
      { sidecarSet: 'sidecarset1', reason: 'SelectorMismatch', detail: expect.any(String) },
    ]);
  });

  describe('TestMergeSidecarSecrets', () => {
    const cases: [string, string[] | undefined, string[] | undefined, string[]][] = [
      ['3 + 3 - 2 = 4', ['s0', 's1', 's2'], ['s2', 's3', 's3'], ['s2', 's3', 's0', 's1']],
      ['3 + 3 - 0 = 6', ['s0', 's1', 's2'], ['s3', 's4', 's5'], ['s3', 's4', 's5', 's0', 's1', 's2']],
      ['3 + 0 - 0 = 3', ['s0', 's1', 's2'], undefined, ['s0', 's1', 's2']],
      ['0 + 3 - 0 = 3', undefined, ['s3', 's4', 's5'], ['s3', 's4', 's5']],
    ];
    for (const [name, inSet, inPod, expected] of cases) {
      it(name, () => {
        const set = copy(sidecarSet1);
        if (inSet) set.spec.imagePullSecrets = inSet.map((n) => ({ name: n }));
        const pod = copy(pod1);
        if (inPod) pod.spec.imagePullSecrets = inPod.map((n) => ({ name: n }));
        expect(names(injectPod(pod, ctx([set])).pod.spec.imagePullSecrets as { name: string }[])).toEqual(expected);
      });
    }
  });

  it('TestInjectionStrategyPaused', () => {
    const set = copy(sidecarSet1);
    set.spec.injectionStrategy = { paused: true };
    const out = injectPod(copy(pod1), ctx([set]));
    expect(names(out.pod.spec.containers)).toEqual(['nginx']);
    expect(out.skipped[0].reason).toBe('Paused');
  });

  it('TestInjectMetadata', () => {
    const demo1 = copy(sidecarSet1);
    demo1.spec.patchPodMetadata = [
      { patchPolicy: 'MergePatchJson', annotations: { key1: '{"log-agent":1}' } },
      { patchPolicy: 'Retain', annotations: { key: 'envoy=1,log=2' } },
    ];
    // Kruise's test gives both SidecarSets the same containers; they must differ to make a valid Pod.
    const demo2 = copy(sidecarSet1);
    demo2.metadata.name = 'sidecarset2';
    demo2.spec.initContainers = [];
    demo2.spec.containers = [{ name: 'envoy', image: 'envoy:1' }];
    demo2.spec.patchPodMetadata = [{ patchPolicy: 'MergePatchJson', annotations: { key1: '{"envoy":2}' } }];
    const out = injectPod(copy(pod1), ctx([demo2, demo1]));
    expect(out.pod.metadata.annotations?.key1).toBe('{"envoy":2,"log-agent":1}');
    expect(out.pod.metadata.annotations?.key).toBe('envoy=1,log=2');
  });

  it('TestSidecarSetPodInjectPolicy', () => {
    const out = injectPod(copy(pod1), ctx([copy(sidecarSet1)]));
    expect(names(out.pod.spec.containers)).toEqual(['dns-f', 'nginx', 'log-agent']);
    expect(names(out.pod.spec.initContainers)).toEqual(['init-0', 'init-1', 'init-2']);
    for (const c of out.pod.spec.initContainers?.slice(1) ?? []) expect(c.env).toContainEqual(INJECTED);
    expect(out.injected).toEqual([
      { sidecarSet: 'sidecarset1', containers: ['dns-f', 'log-agent'], initContainers: ['init-2', 'init-1'] },
    ]);
  });

  it('TestSidecarVolumesAppend', () => {
    const out = injectPod(copy(pod1), ctx([copy(sidecarsetWithTransferEnv)]));
    expect(names(out.pod.spec.volumes)).toEqual(['volume-a', 'volume-b', 'volume-1']);
  });

  it('TestPodSidecarSetHashCompatibility', () => {
    const pod = copy(pod1);
    pod.metadata.annotations = {
      [HASH]: '{"sidecarset-test":"bv6d2fbw97wz8xx5x4v4wddwbd5z744wcf7c786dd4dvxvd5w6w424df7vx47989"}',
      [HASH_NO_IMAGE]: '{"sidecarset-test":"54x5977vf9zz4248w7v44456zf655b8bcffv7x74w88f6dwb994fw48b8f9b8959"}',
    };
    const built = new Map(buildSidecars(pod, [], NOW).annotations);
    expect(built.get(HASH)).toBe(
      '{"sidecarset-test":{"updateTimestamp":null,"hash":"bv6d2fbw97wz8xx5x4v4wddwbd5z744wcf7c786dd4dvxvd5w6w424df7vx47989",' +
        '"sidecarSetName":"sidecarset-test","sidecarList":null}}',
    );
    expect(JSON.parse(built.get(HASH_NO_IMAGE) ?? '')['sidecarset-test'].hash).toBe(
      '54x5977vf9zz4248w7v44456zf655b8bcffv7x74w88f6dwb994fw48b8f9b8959',
    );
  });

  describe('TestPodVolumeMountsAppend', () => {
    const set = (): SidecarSet => {
      const s = copy(sidecarSetWithStaragent);
      s.spec.containers = s.spec.containers?.slice(0, 1);
      return s;
    };
    const withExpansion = (subPathExpr: string, env = false): Pod => {
      const pod = copy(podWithStaragent);
      const c = pod.spec.containers[0];
      c.volumeMounts?.push({ name: 'volume-expansion', mountPath: '/e/expansion', subPathExpr });
      if (env) c.env?.push({ name: 'POD_NAME', value: 'bar' }, { name: 'OD_NAME', value: 'od_name' });
      return pod;
    };
    const cases: { name: string; pod: Pod; init: string[]; main: string[]; envs: string[] }[] = [
      {
        name: 'append normal volumeMounts',
        pod: copy(podWithStaragent),
        init: ['/g/h/i', '/j/k/l', '/staragent', '/a/b', '/e/f'],
        main: ['/a/b/c', '/d/e/f', '/staragent', '/a/b', '/e/f'],
        envs: [],
      },
      {
        name: 'append volumeMounts SubPathExpr, volumes with expanded subpath',
        pod: withExpansion('foo/$(POD_NAME)/$(OD_NAME)/conf', true),
        init: ['/g/h/i', '/j/k/l', '/staragent', '/a/b', '/e/f', '/e/expansion'],
        main: ['/a/b/c', '/d/e/f', '/staragent', '/a/b', '/e/f', '/e/expansion'],
        envs: ['POD_NAME', 'OD_NAME'],
      },
      {
        name: 'append volumeMounts SubPathExpr, subpath with no expansion',
        pod: withExpansion('foo'),
        init: ['/g/h/i', '/j/k/l', '/staragent', '/a/b', '/e/f', '/e/expansion'],
        main: ['/a/b/c', '/d/e/f', '/staragent', '/a/b', '/e/f', '/e/expansion'],
        envs: [],
      },
      {
        name: 'append volumeMounts SubPathExpr, volumes expanded with empty subpath',
        pod: withExpansion(''),
        init: ['/g/h/i', '/j/k/l', '/staragent', '/a/b', '/e/f', '/e/expansion'],
        main: ['/a/b/c', '/d/e/f', '/staragent', '/a/b', '/e/f', '/e/expansion'],
        envs: [],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const out = injectPod(c.pod, ctx([set()]));
        const init = out.pod.spec.initContainers?.[0];
        const main = out.pod.spec.containers[1];
        expect(main.name).toBe('dns-f');
        expect(init?.volumeMounts?.map((m) => m.mountPath)).toEqual(c.init);
        expect(main.volumeMounts?.map((m) => m.mountPath)).toEqual(c.main);
        expect(names(init?.env)).toEqual(['IS_INJECTED', ...c.envs]);
        expect(names(main.env)).toEqual(['IS_INJECTED', ...c.envs]);
        if (c.envs.length) expect(main.env?.[1]).toEqual({ name: 'POD_NAME', value: 'bar' });
      });
    }
  });

  it('TestSidecarSetTransferEnv', () => {
    const set = copy(sidecarsetWithTransferEnv);
    (set.spec.initContainers as SidecarContainer[])[0].podInjectPolicy = '';
    const out = injectPod(copy(pod1), ctx([set]));
    expect(out.pod.spec.initContainers?.[1].env).toEqual([INJECTED, { name: 'hello2', value: 'world2' }]);
    expect(out.pod.spec.containers[0].env).toEqual([INJECTED, { name: 'hello2', value: 'world2' }]);
  });

  it('TestSidecarSetHashInject', () => {
    const set1 = copy(sidecarSet1);
    set1.spec.selector = { matchLabels: { app: 'doesnt-match' } };
    // In Kruise's test sidecarset2 and sidecarset3 both inject dns-f, an invalid Pod; see the conflict test.
    const set3 = copy(sidecarSet3);
    (set3.spec.containers as SidecarContainer[])[0].name = 'dns-g';
    const out = injectPod(copy(pod1), ctx([set1, copy(sidecarsetWithTransferEnv), set3]));
    expect(podRevision(out.pod, 'sidecarset2')).toBe('c4k2dbb95d');
    expect(podRevision(out.pod, 'sidecarset3')).toBe('gm967682cm');
    expect(podRevision(out.pod, 'sidecarset1')).toBeUndefined();
  });

  it('TestSidecarSetNameInject', () => {
    const set3 = copy(sidecarSet3);
    set3.spec.containers = [{ name: 'dns-g', image: 'dns-g:1' }];
    const out = injectPod(copy(pod1), ctx([set3, copy(sidecarSet1)]));
    expect(out.pod.metadata.annotations?.[LIST]).toBe('sidecarset1,sidecarset3');
  });

  describe('TestMergeSidecarContainers', () => {
    const pod = [{ name: 'sidecar-1' }, { name: 'app-container' }, { name: 'sidecar-2' }];
    const sidecars: SidecarContainer[] = [
      { name: 'sidecar-2', podInjectPolicy: 'AfterAppContainer' },
      { name: 'sidecar-1', podInjectPolicy: 'AfterAppContainer' },
      { name: 'new-sidecar-1', podInjectPolicy: 'BeforeAppContainer' },
    ];
    const cases: [string, { name: string }[], SidecarContainer[], string[]][] = [
      [
        'origins not sidecar, and inject new sidecar',
        pod.slice(1, 2),
        sidecars,
        ['new-sidecar-1', 'app-container', 'sidecar-1', 'sidecar-2'],
      ],
      [
        'origins not sidecar, and inject new sidecar, only before app container',
        pod.slice(1, 2),
        sidecars.slice(2),
        ['new-sidecar-1', 'app-container'],
      ],
      [
        'origins not sidecar, and inject new sidecar, only after app container',
        pod.slice(1, 2),
        sidecars.slice(0, 2),
        ['app-container', 'sidecar-1', 'sidecar-2'],
      ],
      [
        'origin have sidecars, sidecar no new containers',
        pod,
        sidecars.slice(0, 2),
        ['sidecar-1', 'app-container', 'sidecar-2'],
      ],
      [
        'origin have sidecars, sidecar have new containers',
        pod,
        sidecars,
        ['new-sidecar-1', 'sidecar-1', 'app-container', 'sidecar-2'],
      ],
      ['origin no sidecar, sidecar have new containers', [], sidecars, ['new-sidecar-1', 'sidecar-1', 'sidecar-2']],
    ];
    for (const [name, origins, injected, expected] of cases) {
      it(name, () => {
        const sorted = copy(injected).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const merged = mergeSidecarContainers(copy(origins), sorted);
        expect(names(merged)).toEqual(expected);
        for (const c of merged) expect(c).not.toHaveProperty('podInjectPolicy');
      });
    }
  });

  it('TestInjectInitContainer', () => {
    const obj1 = copy(sidecarSetWithInitContainer);
    obj1.metadata.name = 'sidecarset-1';
    obj1.metadata.annotations = { [HASH]: 'sidecarset-1-hash', [HASH_NO_IMAGE]: 'sidecarset-1-without-image-hash' };
    Object.assign((obj1.spec.initContainers as SidecarContainer[])[0], { name: 'init-1', restartPolicy: 'Always' });
    const obj2 = copy(sidecarSetWithInitContainer);
    obj2.metadata.name = 'sidecarset-2';
    obj2.metadata.annotations = { [HASH]: 'sidecarset-2-hash', [HASH_NO_IMAGE]: 'sidecarset-2-without-image-hash' };
    Object.assign((obj2.spec.initContainers as SidecarContainer[])[0], {
      name: 'hot-init',
      restartPolicy: 'Always',
      upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'empty:v1' },
    });
    const out = injectPod(copy(pod1), ctx([obj1, obj2]));
    const entry = (set: string, hash: string, list: string[]): string =>
      `"${set}":{"updateTimestamp":"${NOW}","hash":"${hash}","sidecarSetName":"${set}","sidecarList":${JSON.stringify(list)}}`;
    expect(out.pod.metadata.annotations).toEqual({
      [HASH]: `{${entry('sidecarset-1', 'sidecarset-1-hash', ['init-1'])},${entry('sidecarset-2', 'sidecarset-2-hash', ['hot-init'])}}`,
      [HASH_NO_IMAGE]:
        `{${entry('sidecarset-1', 'sidecarset-1-without-image-hash', ['init-1'])},` +
        `${entry('sidecarset-2', 'sidecarset-2-without-image-hash', ['hot-init'])}}`,
      [LIST]: 'sidecarset-1,sidecarset-2',
      [WORKING]: '{"hot-init":"hot-init-1"}',
      'version.sidecarset.kruise.io/hot-init-1': '1',
      'versionalt.sidecarset.kruise.io/hot-init-1': '0',
      'version.sidecarset.kruise.io/hot-init-2': '0',
      'versionalt.sidecarset.kruise.io/hot-init-2': '1',
    });
    expect(names(out.pod.spec.initContainers)).toEqual(['init-0', 'hot-init-1', 'hot-init-2', 'init-1']);
    expect(out.pod.spec.initContainers?.[2].image).toBe('empty:v1');
    expect(names(out.pod.spec.volumes)).toEqual(['volume-a', 'volume-b', 'volume-1']);
  });

  describe('TestInjectInitContainerSort', () => {
    const abc = (policies: (string | undefined)[]): SidecarContainer[] =>
      ['a-init', 'c-init', 'b-init'].map((name, i) => ({
        name,
        ...(policies[i] ? { podInjectPolicy: policies[i] } : {}),
      }));
    const apps = [{ name: 'app1-init' }, { name: 'app2-init' }];
    const cases: [string, { name: string }[], SidecarContainer[], string[]][] = [
      ['origins nil, inject containers(a, b, c)', [], abc([]), ['a-init', 'b-init', 'c-init']],
      [
        'origin init, inject containers(a, b, c)',
        apps,
        abc([]),
        ['app1-init', 'app2-init', 'a-init', 'b-init', 'c-init'],
      ],
      [
        'origins nil, inject containers(a, b, c)-2',
        apps,
        abc(['AfterAppContainer', 'BeforeAppContainer', 'BeforeAppContainer']),
        ['b-init', 'c-init', 'app1-init', 'app2-init', 'a-init'],
      ],
    ];
    for (const [name, origins, injected, expected] of cases) {
      it(name, () => {
        const sorted = [...injected].sort((a, b) => (a.name < b.name ? -1 : 1));
        expect(names(mergeSidecarContainers(copy(origins), sorted))).toEqual(expected);
      });
    }

    it('through the webhook: injected init containers sorted by name, placed by policy', () => {
      const set = copy(sidecarSet1);
      set.spec.initContainers = abc(['AfterAppContainer', 'BeforeAppContainer', 'BeforeAppContainer']).map((c) => ({
        ...c,
        image: 'i',
      }));
      const pod = copy(pod1);
      pod.spec.initContainers = copy(apps);
      expect(names(injectPod(pod, ctx([set])).pod.spec.initContainers)).toEqual([
        'b-init',
        'c-init',
        'app1-init',
        'app2-init',
        'a-init',
      ]);
    });
  });

  describe('TestPodVolumeDevicesAppend', () => {
    const pod = (): Pod => {
      const p = copy(podWithStaragent);
      p.spec.containers[0].volumeDevices = [
        { name: 'origin-pvc-1', devicePath: '/origin-1' },
        { name: 'origin-pvc-share', devicePath: '/share' },
      ];
      p.spec.volumes?.push({ name: 'origin-pvc-1' }, { name: 'origin-pvc-share' });
      return p;
    };
    const set = (share: boolean): SidecarSet => {
      const s = copy(sidecarSetWithStaragent);
      s.spec.containers = s.spec.containers?.slice(0, 1);
      const init = (s.spec.initContainers as SidecarContainer[])[0];
      const main = (s.spec.containers as SidecarContainer[])[0];
      init.volumeDevices = [{ name: 'disk0', devicePath: '/dev/nvme0' }];
      init.shareVolumePolicy = {};
      main.volumeDevices = [{ name: 'disk0', devicePath: '/dev/nvme1' }];
      delete main.volumeMounts;
      main.shareVolumePolicy = {};
      if (share) {
        init.shareVolumeDevicePolicy = { type: 'enabled' };
        main.shareVolumeDevicePolicy = { type: 'enabled' };
        s.spec.volumes = [{ name: 'volume-3' }, { name: 'volume-4' }, { name: 'volume-staragent' }, { name: 'disk0' }];
      } else {
        delete init.volumeMounts;
        s.spec.volumes = [{ name: 'disk0' }];
      }
      return s;
    };
    const shared = [
      { name: 'origin-pvc-1', devicePath: '/origin-1' },
      { name: 'origin-pvc-share', devicePath: '/share' },
    ];
    it('append normal volumeDevices, ShareVolumeDevicePolicy=disable', () => {
      const out = injectPod(pod(), ctx([set(false)]));
      expect(out.pod.spec.initContainers?.[0].volumeDevices).toEqual([{ name: 'disk0', devicePath: '/dev/nvme0' }]);
      expect(out.pod.spec.containers[1].volumeDevices).toEqual([{ name: 'disk0', devicePath: '/dev/nvme1' }]);
      expect(names(out.pod.spec.volumes)).toEqual([
        'volume-a',
        'volume-b',
        'volume-staragent',
        'origin-pvc-1',
        'origin-pvc-share',
        'disk0',
      ]);
    });
    it('append normal volumeDevices, ShareVolumeDevicePolicy=enable', () => {
      const out = injectPod(pod(), ctx([set(true)]));
      expect(out.pod.spec.initContainers?.[0].volumeDevices).toEqual([
        { name: 'disk0', devicePath: '/dev/nvme0' },
        ...shared,
      ]);
      expect(out.pod.spec.containers[1].volumeDevices).toEqual([
        { name: 'disk0', devicePath: '/dev/nvme1' },
        ...shared,
      ]);
      expect(names(out.pod.spec.volumes)).toEqual([
        'volume-a',
        'volume-b',
        'volume-staragent',
        'origin-pvc-1',
        'origin-pvc-share',
        'volume-3',
        'volume-4',
        'disk0',
      ]);
    });
  });

  describe('TestBuildSidecarVolumes_WithDifferentVolumeScenarios', () => {
    it('missing volume in sidecarSet', () => {
      const s = copy(sidecarSetWithStaragent);
      s.spec.volumes = [{ name: 'volume-a1' }, { name: 'volume-b2' }, { name: 'volume-c3' }];
      (s.spec.initContainers as SidecarContainer[])[0].volumeDevices = [{ name: 'disk0', devicePath: '/dev/nvme0' }];
      (s.spec.containers as SidecarContainer[])[0].volumeDevices = [{ name: 'disk0', devicePath: '/dev/nvme1' }];
      expect(buildSidecars(copy(pod1), [s], NOW).volumes).toEqual([]);
    });
    it('existing volumes in sidecarSet', () => {
      const s = copy(sidecarSetWithStaragent);
      const init = (s.spec.initContainers as SidecarContainer[])[0];
      const main = (s.spec.containers as SidecarContainer[])[0];
      init.volumeMounts = [
        { name: 'volume-1', mountPath: '/a/b' },
        { name: 'volume-2', mountPath: '/c/d' },
      ];
      main.volumeMounts = [
        { name: 'volume-3', mountPath: '/a/b' },
        { name: 'volume-4', mountPath: '/c/d' },
      ];
      init.volumeDevices = [{ name: 'disk0', devicePath: '/dev/nvme0' }];
      main.volumeDevices = [{ name: 'disk1', devicePath: '/dev/nvme1' }];
      s.spec.volumes?.push({ name: 'disk0' }, { name: 'disk1' });
      expect(buildSidecars(copy(pod1), [s], NOW).volumes.map((v) => v.item)).toEqual([
        { name: 'volume-1' },
        { name: 'volume-2' },
        { name: 'disk0' },
        { name: 'volume-3' },
        { name: 'volume-4' },
        { name: 'disk1' },
      ]);
    });
  });

  it('TestInjectHotUpgradeSidecar', () => {
    const set = copy(sidecarSet1);
    set.metadata.annotations = { ...set.metadata.annotations, [HASH_NO_IMAGE]: 'without-c4k2dbb95d' };
    (set.spec.containers as SidecarContainer[])[0].upgradeStrategy = {
      upgradeType: 'HotUpgrade',
      hotUpgradeEmptyImage: 'busy:hotupgrade-empty',
    };
    const out = injectPod(copy(pod1), ctx([set]));
    const c = out.pod.spec.containers;
    expect(names(c)).toEqual(['dns-f-1', 'dns-f-2', 'nginx', 'log-agent']);
    expect(c[0].image).toBe('dns-f-image:1.0');
    expect(c[1].image).toBe('busy:hotupgrade-empty');
    expect(podRevision(out.pod, 'sidecarset1')).toBe('c4k2dbb95d');
    expect(podRevision(out.pod, 'sidecarset1', HASH_NO_IMAGE)).toBe('without-c4k2dbb95d');
    const a = out.pod.metadata.annotations ?? {};
    expect(a[LIST]).toBe('sidecarset1');
    expect(JSON.parse(a[WORKING])['dns-f']).toBe('dns-f-1');
    expect(a['version.sidecarset.kruise.io/dns-f-1']).toBe('1');
    expect(a['version.sidecarset.kruise.io/dns-f-2']).toBe('0');
    expect(c[1].env).toEqual([
      INJECTED,
      {
        name: 'SIDECARSET_VERSION',
        valueFrom: { fieldRef: { fieldPath: "metadata.annotations['version.sidecarset.kruise.io/dns-f-2']" } },
      },
      {
        name: 'SIDECARSET_VERSION_ALT',
        valueFrom: { fieldRef: { fieldPath: "metadata.annotations['versionalt.sidecarset.kruise.io/dns-f-2']" } },
      },
    ]);
    // sidecarList names the SidecarSet's container, not the pair.
    expect(JSON.parse(a[HASH]).sidecarset1.sidecarList).toEqual(['dns-f', 'log-agent']);
  });
});

describe('the injected Pod, exactly', () => {
  it('sidecarSet3 into pod1: containers, volumes and annotations byte for byte', () => {
    const input = copy(pod1);
    const out = injectPod(input, ctx([copy(sidecarSet3)]));
    expect(input).toEqual(pod1); // the input is never modified
    expect(out.changed).toBe(true);
    expect(JSON.stringify(out.pod)).toBe(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'test-pod',
          namespace: 'default',
          labels: { app: 'suxing-test' },
          annotations: {
            [HASH]: `{"sidecarset3":{"updateTimestamp":"${NOW}","hash":"gm967682cm","sidecarSetName":"sidecarset3","sidecarList":["dns-f","log-agent"]}}`,
            [HASH_NO_IMAGE]: `{"sidecarset3":{"updateTimestamp":"${NOW}","hash":"","sidecarSetName":"sidecarset3","sidecarList":["dns-f","log-agent"]}}`,
            [LIST]: 'sidecarset3',
          },
        },
        spec: {
          initContainers: [{ name: 'init-0', image: 'busybox:1.0.0' }],
          containers: [
            pod1.spec.containers[0],
            {
              name: 'dns-f',
              image: 'dns-f-image:1.0',
              // keys in Go's Container field order: env before volumeMounts
              env: [INJECTED],
              volumeMounts: [
                { name: 'volume-1', mountPath: '/a/b/c' },
                { name: 'volume-2', mountPath: '/d/e/f' },
                { name: 'volume-a', mountPath: '/a/b' },
                { name: 'volume-b', mountPath: '/e/f' },
              ],
            },
            { name: 'log-agent', image: 'log-agent-image:1.0', env: [INJECTED] },
          ],
          volumes: [{ name: 'volume-a' }, { name: 'volume-b' }, { name: 'volume-1' }, { name: 'volume-2' }],
        },
      }),
    );
  });

  it('hash annotations: controllerRevision, other entries kept, legacy converted, list merged, Go escaping', () => {
    const pod = copy(pod1);
    pod.metadata.annotations = {
      first: 'stays first',
      [HASH]: '{"zz-other":"legacy-hash"}',
      [HASH_NO_IMAGE]:
        '{"aa-other":{"updateTimestamp":"2020-01-01T08:00:00+08:00","hash":"x","sidecarSetName":"aa-other","sidecarList":["c"],"extra":1}}',
      [LIST]: 'zz-other,aa-other',
    };
    const set = copy(sidecarSet3);
    set.metadata.annotations = { [HASH]: 'a<b&c', [HASH_NO_IMAGE]: 'n' };
    set.status = { latestRevision: 'sidecarset3-rev' };
    const a = injectPod(pod, ctx([set])).pod.metadata.annotations ?? {};
    expect(Object.keys(a)[0]).toBe('first');
    expect(a[HASH]).toBe(
      `{"sidecarset3":{"updateTimestamp":"${NOW}","hash":"a\\u003cb\\u0026c","sidecarSetName":"sidecarset3",` +
        `"sidecarList":["dns-f","log-agent"],"controllerRevision":"sidecarset3-rev"},` +
        '"zz-other":{"updateTimestamp":null,"hash":"legacy-hash","sidecarSetName":"zz-other","sidecarList":null}}',
    );
    expect(a[HASH_NO_IMAGE]).toBe(
      '{"aa-other":{"updateTimestamp":"2020-01-01T00:00:00Z","hash":"x","sidecarSetName":"aa-other","sidecarList":["c"]},' +
        `"sidecarset3":{"updateTimestamp":"${NOW}","hash":"n","sidecarSetName":"sidecarset3","sidecarList":["dns-f","log-agent"]}}`,
    );
    expect(a[LIST]).toBe('aa-other,sidecarset3,zz-other');
  });

  it('an unreadable hash annotation is an error, as in Kruise', () => {
    const pod = copy(pod1);
    pod.metadata.annotations = { [HASH]: 'failed-sidecarset-hash' };
    expect(() => injectPod(pod, ctx([copy(sidecarSet3)]))).toThrow(/invalid annotations\[kruise.io\/sidecarset-hash\]/);
  });

  it('inactive Pods are left untouched', () => {
    const pod = { ...copy(pod1), status: { phase: 'Succeeded' } };
    const out = injectPod(pod, ctx([copy(sidecarSet1)]));
    expect(out.pod).toEqual(pod);
    expect(out.skipped.map((s) => s.reason)).toEqual(['InactivePod']);
  });

  it('a canary replaces its base entirely (master only: v1.9.0 has no canary SidecarSets)', () => {
    const base = copy(sidecarSet3);
    base.spec.patchPodMetadata = [{ annotations: { 'from-base': 'x' } }];
    const canary = copy(sidecarSet3);
    canary.metadata.name = 'sidecarset3-canary';
    canary.metadata.annotations = {
      'apps.kruise.io/sidecarset-canary': 'true',
      'apps.kruise.io/sidecarset-base': 'sidecarset3',
    };
    const out = injectPod(copy(pod1), ctx([base, canary], { profile: kruiseProfile('master') }));
    expect(out.injected.map((i) => i.sidecarSet)).toEqual(['sidecarset3-canary']);
    expect(out.skipped).toEqual([
      { sidecarSet: 'sidecarset3', reason: 'ReplacedByCanary', detail: expect.stringContaining('sidecarset3-canary') },
    ]);
    expect(out.pod.metadata.annotations?.['from-base']).toBeUndefined();
    expect(out.pod.metadata.annotations?.[LIST]).toBe('sidecarset3-canary');
    // v1.9.0 takes both as ordinary SidecarSets: the same container twice
    expect(() => injectPod(copy(pod1), ctx([base, canary]))).toThrow(/both inject a container named/);
  });

  it('a namespaceSelector needing unknown Namespace labels is reported, not guessed', () => {
    const set = copy(sidecarSet3);
    set.spec.namespaceSelector = { matchLabels: { team: 'a' } };
    expect(injectPod(copy(pod1), ctx([set])).skipped[0].reason).toBe('NamespaceLabelsUnknown');
    const out = injectPod(copy(pod1), ctx([set], { namespaces: new Map([['default', { team: 'a' }]]) }));
    expect(out.injected).toHaveLength(1);
  });

  it('conflicts between SidecarSets name both and the container or volume', () => {
    // Kruise's TestSidecarSetHashInject setup: sidecarset2 and sidecarset3 both inject dns-f.
    expect(() => injectPod(copy(pod1), ctx([copy(sidecarsetWithTransferEnv), copy(sidecarSet3)]))).toThrow(
      /SidecarSets "sidecarset2" and "sidecarset3" both inject a container named "dns-f"/,
    );
    const a = copy(sidecarSet3);
    a.spec.containers = [{ name: 'a', image: 'a', volumeMounts: [{ name: 'logs', mountPath: '/l' }] }];
    a.spec.volumes = [{ name: 'logs', emptyDir: {} }];
    const b = copy(a);
    b.metadata.name = 'sidecarset4';
    b.spec.containers = [{ name: 'b', image: 'b', volumeMounts: [{ name: 'logs', mountPath: '/l' }] }];
    b.spec.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }];
    expect(() => injectPod(copy(pod1), ctx([a, b]))).toThrow(
      /"sidecarset3" and "sidecarset4" both add a volume named "logs"/,
    );
    // Identical definitions are shared, and a Pod volume of that name wins without conflict.
    b.spec.volumes = [{ name: 'logs', emptyDir: {} }];
    expect(names(injectPod(copy(pod1), ctx([a, b])).pod.spec.volumes)).toEqual(['volume-a', 'volume-b', 'logs']);
    b.spec.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }];
    const pod = copy(pod1);
    pod.spec.volumes?.push({ name: 'logs', configMap: { name: 'x' } });
    expect(injectPod(pod, ctx([a, b])).pod.spec.volumes?.at(-1)).toEqual({ name: 'logs', configMap: { name: 'x' } });
  });

  it('native sidecars: restartPolicy Always init containers are listed in sidecarList', () => {
    const set = copy(sidecarSet1);
    set.spec.containers = [];
    set.spec.initContainers = [
      { name: 'native', image: 'n', restartPolicy: 'Always', podInjectPolicy: 'BeforeAppContainer' },
      { name: 'plain', image: 'p' },
    ];
    const out = injectPod(copy(pod1), ctx([set]));
    expect(names(out.pod.spec.initContainers)).toEqual(['native', 'init-0', 'plain']);
    expect(JSON.parse(out.pod.metadata.annotations?.[HASH] ?? '').sidecarset1.sidecarList).toEqual(['native']);
    set.spec.initContainers = [{ name: 'plain', image: 'p' }];
    const plain = injectPod(copy(pod1), ctx([set]));
    expect(JSON.parse(plain.pod.metadata.annotations?.[HASH] ?? '').sidecarset1.sidecarList).toEqual([]);
  });

  it('env order: own env, IS_INJECTED, transferred env; the sidecar value wins', () => {
    const set = copy(sidecarSet3);
    set.spec.containers = [
      {
        name: 's',
        image: 's',
        env: [{ name: 'hello1', value: 'mine' }],
        transferEnv: [{ sourceContainerName: 'nginx', envName: 'hello2', envNames: ['hello1', 'missing'] }],
        resources: {},
      },
    ];
    const c = injectPod(copy(pod1), ctx([set])).pod.spec.containers[1];
    expect(c).toEqual({
      name: 's',
      image: 's',
      env: [{ name: 'hello1', value: 'mine' }, INJECTED, { name: 'hello2', value: 'world2' }],
    });
  });

  it('resourcesPolicy (TestApplyResourcesPolicy "sum mode with percentage - basic", through the webhook)', () => {
    const pod: Pod = {
      metadata: { name: 'p', labels: { app: 'suxing-test' } },
      spec: {
        containers: [
          {
            name: 'app1',
            image: 'nginx:1.14.2',
            resources: { limits: { cpu: '200m', memory: '200Mi' }, requests: { cpu: '50m', memory: '100Mi' } },
          },
          {
            name: 'app2',
            image: 'nginx:1.14.2',
            resources: { limits: { cpu: '400m', memory: '400Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
          },
        ],
      },
    };
    const set = copy(sidecarSet3);
    set.spec.containers = [
      {
        name: 'sidecar1',
        image: 'sidecar:latest',
        podInjectPolicy: 'AfterAppContainer',
        resourcesPolicy: {
          targetContainersMode: 'sum',
          targetContainersNameRegex: '.*',
          resourcesExpr: { limits: { cpu: 'cpu*50%', memory: '200Mi' }, requests: { cpu: 'cpu*50%', memory: '100Mi' } },
        },
      },
    ];
    const sidecar = injectPod(pod, ctx([set])).pod.spec.containers[2];
    expect(sidecar).not.toHaveProperty('resourcesPolicy');
    expect(sidecar.resources).toMatchObject({
      limits: { cpu: '300m', memory: '200Mi' },
      requests: { cpu: '75m', memory: '100Mi' },
    });
  });

  it('rejects a malformed injection time', () => {
    expect(() => injectPod(copy(pod1), ctx([copy(sidecarSet3)], { now: 'yesterday' }))).toThrow(SidecarsetError);
  });
});
