// Kruise's helper tests: pkg/util/pods_test.go (merges) and the injection parts of
// pkg/control/sidecarcontrol/util_test.go; plus the JSON merge patch output of patchPodMetadata.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarContainer } from '../../src/kruise/apis/types.js';
import { mergeEnvVar, mergeVolumeDevices, mergeVolumeMounts, mergeVolumes } from '../../src/kruise/inject/merge.js';
import { goMergePatch } from '../../src/k8s/merge-patch.js';
import { patchPodMetadata } from '../../src/kruise/sidecarcontrol/patch-metadata.js';
import { parseUpgradeSpecs } from '../../src/kruise/sidecarcontrol/pod-annotations.js';
import { getInjectedVolumeDevices, getInjectedVolumeMountsAndEnvs } from '../../src/kruise/inject/share-volumes.js';
import { extractContainerNameFromFieldPath, getSidecarTransferEnvs } from '../../src/kruise/inject/transfer-env.js';

describe('pkg/util/pods.go merges', () => {
  it('TestMergeVolumeMounts', () => {
    const container = {
      name: 'c',
      volumeMounts: [
        { name: '', mountPath: '/origin-1' },
        { name: 'origin-share', mountPath: '/share' },
      ],
      volumeDevices: [{ name: '', devicePath: '/device-1' }],
    };
    const additional = [
      { name: '', mountPath: '/addition-1' },
      { name: 'addition-share', mountPath: '/share' },
      { name: '', mountPath: '/device-1' },
    ];
    expect(mergeVolumeMounts(container, additional)).toEqual([
      { name: '', mountPath: '/origin-1' },
      { name: 'origin-share', mountPath: '/share' },
      { name: '', mountPath: '/addition-1' },
    ]);
  });

  it('TestMergeVolumeDevices', () => {
    const container = {
      name: 'c',
      volumeMounts: [{ name: '', mountPath: '/log' }],
      volumeDevices: [
        { name: '', devicePath: '/origin-1' },
        { name: 'origin-pvc', devicePath: '/share' },
      ],
    };
    const additional = [
      { name: '', devicePath: '/addition-1' },
      { name: 'target-pvc', devicePath: '/share' },
      { name: '', devicePath: '/log' },
    ];
    expect(mergeVolumeDevices(container, additional)).toEqual([
      { name: '', devicePath: '/origin-1' },
      { name: 'origin-pvc', devicePath: '/share' },
      { name: '', devicePath: '/addition-1' },
    ]);
  });

  it('TestMergeEnvVars', () => {
    const merged = mergeEnvVar(
      [{ name: 'origin-1' }, { name: 'share' }],
      [{ name: 'addition-1' }, { name: 'share', value: 'x' }],
    );
    expect(merged).toEqual([{ name: 'origin-1' }, { name: 'share' }, { name: 'addition-1' }]);
  });

  it('TestMergeVolumes', () => {
    const merged = mergeVolumes(
      [{ name: 'origin-1' }, { name: 'share' }],
      [{ name: 'addition-1' }, { name: 'share', emptyDir: {} }],
    );
    expect(merged).toEqual([{ name: 'origin-1' }, { name: 'share' }, { name: 'addition-1' }]);
  });
});

function podWith(
  meta: Pod['metadata'],
  env: { name: string; value: string }[] = [{ name: 'test-env', value: 'test-value' }],
): Pod {
  return { metadata: meta, spec: { containers: [{ name: 'main', image: 'main:v1', env }] } };
}

describe('transferEnv', () => {
  describe('TestExtractContainerNameFromFieldPath', () => {
    it('label', () => {
      const pod = podWith({ name: 'test-pod-label', labels: { 'test-label': 'test-pod-label' } });
      expect(
        extractContainerNameFromFieldPath({ apiVersion: 'v1', fieldPath: "metadata.labels['test-label']" }, pod),
      ).toBe('test-pod-label');
    });
    it('missing label', () => {
      const pod = podWith({ name: 'test-pod-label' });
      expect(extractContainerNameFromFieldPath({ fieldPath: "metadata.labels['test-label']" }, pod)).toBe('');
    });
    it('annotation', () => {
      const pod = podWith({ name: 'test-pod-anno', annotations: { 'test-anno': 'test-pod-anno' } });
      expect(extractContainerNameFromFieldPath({ fieldPath: "metadata.annotations['test-anno']" }, pod)).toBe(
        'test-pod-anno',
      );
    });
    it('unsupported paths and invalid keys are errors (undefined)', () => {
      const pod = podWith({ name: 'p', labels: { 'bad key': 'x' } });
      expect(extractContainerNameFromFieldPath({ fieldPath: 'metadata.name' }, pod)).toBeUndefined();
      expect(extractContainerNameFromFieldPath({ fieldPath: "spec.nodeName['x']" }, pod)).toBeUndefined();
      expect(extractContainerNameFromFieldPath({ fieldPath: "metadata.labels['bad key']" }, pod)).toBeUndefined();
    });
  });

  describe('TestGetSidecarTransferEnvs', () => {
    const sidecar = (t: SidecarContainer['transferEnv']): SidecarContainer => ({
      name: 'cold-sidecar',
      image: 'cold-image:v1',
      upgradeStrategy: { upgradeType: 'ColdUpgrade' },
      transferEnv: t,
    });
    const expected = [{ name: 'test-env', value: 'test-value' }];
    it('sourceContainerName', () => {
      const pod = podWith({ name: 'test-pod-1', namespace: 'default', labels: { app: 'nginx' } });
      expect(getSidecarTransferEnvs(sidecar([{ envName: 'test-env', sourceContainerName: 'main' }]), pod)).toEqual(
        expected,
      );
    });
    it('sourceContainerNameFrom label', () => {
      const pod = podWith({ name: 'test-pod-1', labels: { app: 'main' } });
      const s = sidecar([
        {
          envName: 'test-env',
          sourceContainerNameFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['app']" } },
        },
      ]);
      expect(getSidecarTransferEnvs(s, pod)).toEqual(expected);
    });
    it('sourceContainerNameFrom annotation', () => {
      const pod = podWith({ name: 'test-pod-1', annotations: { app: 'main' }, labels: { app: 'main' } });
      const s = sidecar([
        { envName: 'test-env', sourceContainerNameFrom: { fieldRef: { fieldPath: "metadata.annotations['app']" } } },
      ]);
      expect(getSidecarTransferEnvs(s, pod)).toEqual(expected);
    });
    it('envName and envNames together, sorted, de-duplicated; unresolvable entries skipped', () => {
      const pod = podWith({ name: 'p' }, [
        { name: 'b', value: '2' },
        { name: 'a', value: '1' },
        { name: 'c', value: '3' },
      ]);
      const s = sidecar([
        { sourceContainerName: 'main', envName: 'c', envNames: ['b', 'a', 'c', 'nope'] },
        { sourceContainerNameFrom: { fieldRef: { fieldPath: 'metadata.name' } }, envName: 'a' },
        { sourceContainerName: 'absent', envName: 'a' },
      ]);
      expect(getSidecarTransferEnvs(s, pod).map((e) => e.name)).toEqual(['a', 'b', 'c']);
    });
  });
});

describe('volume sharing', () => {
  const pod: Pod = {
    metadata: {},
    spec: {
      containers: [
        { name: 'a', volumeDevices: [{ name: 'vd-1', devicePath: '/data/volume-1' }] },
        { name: 'b', volumeDevices: [{ name: 'vd-2', devicePath: '/data/volume-2' }] },
        {
          name: 'c',
          volumeDevices: [{ name: 'vd-3', devicePath: '/data/volume-3' }],
          env: [{ name: 'IS_INJECTED', value: 'true' }],
        },
      ],
    },
  };
  it('TestGetInjectedVolumeDevices: disabled', () => {
    expect(getInjectedVolumeDevices({ name: 's' }, pod)).toEqual([]);
  });
  it('TestGetInjectedVolumeDevices: enabled, injected containers skipped', () => {
    expect(getInjectedVolumeDevices({ name: 's', shareVolumeDevicePolicy: { type: 'enabled' } }, pod)).toEqual([
      { name: 'vd-1', devicePath: '/data/volume-1' },
      { name: 'vd-2', devicePath: '/data/volume-2' },
    ]);
  });
  it('shared mounts come from app containers, with the env their subPathExpr names', () => {
    const p: Pod = {
      metadata: {},
      spec: {
        containers: [
          {
            name: 'app',
            env: [{ name: 'X', value: '1' }],
            volumeMounts: [{ name: 'v', mountPath: '/v', subPathExpr: '$(X)/$(Y)' }],
          },
          {
            name: 'side',
            env: [{ name: 'IS_INJECTED', value: 'true' }],
            volumeMounts: [{ name: 'w', mountPath: '/w' }],
          },
        ],
      },
    };
    expect(getInjectedVolumeMountsAndEnvs({ name: 's', shareVolumePolicy: { type: 'enabled' } }, p)).toEqual({
      mounts: [{ name: 'v', mountPath: '/v', subPathExpr: '$(X)/$(Y)' }],
      envs: [{ name: 'X', value: '1' }],
    });
    expect(getInjectedVolumeMountsAndEnvs({ name: 's' }, p)).toEqual({ mounts: [], envs: [] });
  });
});

describe('TestPatchPodMetadata', () => {
  const cases: {
    name: string;
    annotations?: Record<string, string>;
    patches: Parameters<typeof patchPodMetadata>[1];
    expect: Record<string, string>;
    changed: boolean;
  }[] = [
    {
      name: 'add pod annotation',
      patches: [
        { patchPolicy: 'Retain', annotations: { key1: 'value1' } },
        { patchPolicy: 'Overwrite', annotations: { key2: 'value2' } },
      ],
      expect: { key1: 'value1', key2: 'value2' },
      changed: true,
    },
    {
      name: 'add pod annotation, exist',
      annotations: { key1: 'old', key2: 'old' },
      patches: [
        { patchPolicy: 'Retain', annotations: { key1: 'value1' } },
        { patchPolicy: 'Overwrite', annotations: { key2: 'value2' } },
      ],
      expect: { key1: 'old', key2: 'value2' },
      changed: true,
    },
    {
      name: 'json merge pod annotation',
      annotations: { key1: '{"log-agent":1}', key2: '{"log-agent":1}' },
      patches: [
        {
          patchPolicy: 'MergePatchJson',
          annotations: { key1: '{"log-agent":1}', key2: '{"envoy":2}', key3: '{"probe":5}' },
        },
      ],
      expect: { key1: '{"log-agent":1}', key2: '{"envoy":2,"log-agent":1}', key3: '{"probe":5}' },
      changed: true,
    },
    {
      name: 'json merge pod annotation, skip',
      annotations: { key1: '{"log-agent":1}' },
      patches: [{ patchPolicy: 'MergePatchJson', annotations: { key1: '{"log-agent":1}' } }],
      expect: { key1: '{"log-agent":1}' },
      changed: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const meta: Pod['metadata'] = c.annotations ? { annotations: { ...c.annotations } } : {};
      expect(patchPodMetadata(meta, c.patches, 's')).toBe(c.changed);
      expect(meta.annotations).toEqual(c.expect);
    });
  }

  it('a patch that cannot merge is an error naming the SidecarSet and the annotation', () => {
    const meta: Pod['metadata'] = { annotations: { k: 'not json' } };
    expect(() => patchPodMetadata(meta, [{ patchPolicy: 'MergePatchJson', annotations: { k: '{}' } }], 'sc')).toThrow(
      /SidecarSet "sc" cannot merge its patch into the Pod annotation "k": Invalid JSON Document/,
    );
  });
});

describe('json-patch MergePatch, byte for byte', () => {
  const cases: [string, string, string, string][] = [
    ['merged keys sorted', '{"log-agent":1}', '{"envoy":2}', '{"envoy":2,"log-agent":1}'],
    [
      'untouched values keep their spelling and order',
      '{"z":{"y":1.50,"b":[1, 2]},"a":1e3}',
      '{"m":true}',
      '{"a":1e3,"m":true,"z":{"y":1.50,"b":[1,2]}}',
    ],
    [
      'objects on both sides are merged and sorted',
      '{"o":{"z":1,"b":2}}',
      '{"o":{"c":3}}',
      '{"o":{"b":2,"c":3,"z":1}}',
    ],
    ['null deletes', '{"a":1,"b":2}', '{"a":null}', '{"b":2}'],
    [
      'an added object is pruned of nulls and sorted',
      '{}',
      '{"n":{"z":1,"x":null,"a":{"q":null}}}',
      '{"n":{"a":{},"z":1}}',
    ],
    [
      'an added array keeps nulls, prunes inside objects',
      '{}',
      '{"l":[null,{"b":null,"a":1}]}',
      '{"l":[null,{"a":1}]}',
    ],
    [
      'a replaced value is the raw patch value',
      '{"a":{"x":1}}',
      '{"a":[{"z":1, "y":null}]}',
      '{"a":[{"z":1,"y":null}]}',
    ],
    ['HTML characters escaped the Go way', '{"a":"<x>"}', '{"b":"&"}', '{"a":"\\u003cx\\u003e","b":"\\u0026"}'],
    ['escapes in keys re-encoded, in raw values kept', '{"\\u0041":"\\u0042"}', '{}', '{"A":"\\u0042"}'],
    ['a non-object document gives the pruned patch', '[1]', '{"b":null,"a":1}', '{"a":1}'],
    ['an array patch replaces the document', '{"a":1}', '[{"x":null}, 2]', '[{},2]'],
  ];
  for (const [name, doc, patch, expected] of cases) it(name, () => expect(goMergePatch(doc, patch)).toBe(expected));

  it('errors', () => {
    expect(() => goMergePatch('{', '{}')).toThrow('Invalid JSON Document');
    expect(() => goMergePatch('{}', '{')).toThrow('Invalid JSON Patch');
    expect(() => goMergePatch('null', '{}')).toThrow('Invalid JSON Document');
    expect(() => goMergePatch('{}', 'null')).toThrow('Invalid JSON Patch');
    expect(() => goMergePatch('{}', '"str"')).toThrow('Invalid JSON Patch');
  });
});

describe('TestGetPodSidecarSetRevision (reading the hash annotations)', () => {
  const HASH = 'kruise.io/sidecarset-hash';
  const pod = (value: string): Pod => ({
    metadata: { name: 'test-pod-1', namespace: 'default', annotations: { [HASH]: value } },
    spec: { containers: [] },
  });
  it('normal sidecarSet revision', () => {
    expect(parseUpgradeSpecs(pod('{"test-sidecarset":{"hash":"aaa"}}'), HASH).get('test-sidecarset')?.hash).toBe('aaa');
  });
  it('older sidecarSet revision', () => {
    expect(parseUpgradeSpecs(pod('{"test-sidecarset": "aaa"}'), HASH).get('test-sidecarset')).toEqual({
      updateTimestamp: null,
      hash: 'aaa',
      sidecarSetName: 'test-sidecarset',
      sidecarList: null,
      controllerRevision: '',
    });
  });
  it('failed sidecarSet revision', () => {
    expect(() => parseUpgradeSpecs(pod('failed-sidecarset-hash'), HASH)).toThrow(/invalid annotations/);
  });
  it('keys match case-insensitively, timestamps are normalised to UTC, type errors fail', () => {
    const specs = parseUpgradeSpecs(
      pod('{"s":{"HASH":"h","updateTimestamp":"2024-01-01T01:30:00.5+01:30","unknown":1}}'),
      HASH,
    );
    expect(specs.get('s')).toMatchObject({ hash: 'h', updateTimestamp: '2024-01-01T00:00:00Z' });
    expect(() => parseUpgradeSpecs(pod('{"s":{"hash":1}}'), HASH)).toThrow(/invalid annotations/);
    expect(() => parseUpgradeSpecs(pod('{"s":{"updateTimestamp":""}}'), HASH)).toThrow(/invalid annotations/);
  });
});
