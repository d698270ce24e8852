// Conflicts between SidecarSets, ported from sidecarset_validating_test.go: TestSidecarSetNameConflict,
// TestSelectorConflict, TestSidecarSetPodMetadataConflict, TestSidecarSetVolumeConflict.
import { describe, expect, it } from 'vitest';
import type { LabelSelector, ObjectMeta, Volume } from '../../src/k8s/api.js';
import type { SidecarSet, SidecarSetPatchPodMetadata, SidecarSetSpec } from '../../src/kruise/apis/types.js';
import { findSidecarSetConflicts, formatFieldError, isSelectorOverlapping } from '../../src/kruise/validate/index.js';
import { validateSidecarConflict } from '../../src/kruise/validate/conflicts.js';

function sidecarSet(name: string, spec: SidecarSetSpec, metadata: Partial<ObjectMeta> = {}): SidecarSet {
  return { apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name, ...metadata }, spec };
}

const ab = { matchLabels: { a: 'b' } };

describe('TestSidecarSetNameConflict', () => {
  it('test1: same container and init-container names, same volume', () => {
    const spec = (): SidecarSetSpec => ({
      selector: ab,
      containers: [{ name: 'container-name' }],
      initContainers: [{ name: 'init-name' }],
      volumes: [{ name: 'volume-name' }],
    });
    const errs = validateSidecarConflict(
      sidecarSet('sidecarset2', spec()),
      [sidecarSet('sidecarset1', spec())],
      'spec.containers',
      true,
    );
    expect(errs.map(formatFieldError)).toEqual([
      'spec.containers.containers: Invalid value: "init-name": container init-name already exist in sidecarset1',
      'spec.containers.containers: Invalid value: "container-name": container container-name already exist in sidecarset1',
    ]);
  });

  it('test2: same namespace selector', () => {
    const spec = (): SidecarSetSpec => ({
      selector: ab,
      namespaceSelector: { matchLabels: { app: 'nginx' } },
      containers: [{ name: 'container-name' }],
    });
    expect(
      validateSidecarConflict(
        sidecarSet('sidecarset2', spec()),
        [sidecarSet('sidecarset1', spec())],
        'spec.containers',
        true,
      ),
    ).toHaveLength(1);
  });

  it('test3: namespace selectors that cannot both hold', () => {
    const obj = sidecarSet('sidecarset2', {
      selector: ab,
      namespaceSelector: { matchLabels: { app: 'nginx' } },
      containers: [{ name: 'container-name' }],
    });
    const other = sidecarSet('sidecarset1', {
      selector: ab,
      namespaceSelector: { matchLabels: { app: 'redis' } },
      containers: [{ name: 'container-name' }],
    });
    expect(validateSidecarConflict(obj, [other], 'spec.containers', true)).toHaveLength(0);
  });
});

describe('TestSelectorConflict (util.IsSelectorOverlapping)', () => {
  const cases: { a: LabelSelector; b: LabelSelector; overlap: boolean }[] = [
    { a: { matchLabels: { a: 'h' } }, b: { matchLabels: { a: 'h' } }, overlap: true },
    { a: { matchLabels: { a: 'h' } }, b: { matchLabels: { a: 'i' } }, overlap: false },
    { a: { matchLabels: { a: 'h' } }, b: { matchLabels: { b: 'i' } }, overlap: true },
    { a: { matchLabels: { a: 'h', b: 'i', c: 'j' } }, b: { matchLabels: { a: 'h', b: 'x', c: 'j' } }, overlap: false },
    {
      a: { matchLabels: { a: 'h' } },
      b: { matchExpressions: [{ key: 'a', operator: 'In', values: ['h', 'i', 'j'] }] },
      overlap: true,
    },
    {
      a: { matchLabels: { a: 'h' } },
      b: { matchExpressions: [{ key: 'a', operator: 'In', values: ['i', 'j'] }] },
      overlap: false,
    },
    {
      a: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['h', 'i'] }] },
      b: { matchLabels: { a: 'h' } },
      overlap: false,
    },
    { a: { matchLabels: { a: 'h' } }, b: { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, overlap: true },
    {
      a: { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] },
      b: { matchLabels: { a: 'h' } },
      overlap: false,
    },
  ];
  it.each(cases.map((c, i) => ({ ...c, i })))('case $i', ({ a, b, overlap }) => {
    expect(isSelectorOverlapping(a, b)).toBe(overlap);
  });

  it("keeps Kruise's looseness: a key one side never mentions cannot separate them", () => {
    expect(
      isSelectorOverlapping(
        { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['h'] }] },
        { matchLabels: { b: 'x' } },
      ),
    ).toBe(true);
    // an In without values pins nothing
    expect(
      isSelectorOverlapping(
        { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
        { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] },
      ),
    ).toBe(true);
  });
});

describe('TestSidecarSetPodMetadataConflict', () => {
  const withPatch = (name: string, patch: SidecarSetPatchPodMetadata) =>
    sidecarSet(name, { selector: ab, patchPodMetadata: [patch] });
  it.each<{ name: string; obj: SidecarSetPatchPodMetadata; other: SidecarSetPatchPodMetadata; expected: string[] }>([
    {
      name: 'sidecarset annotation key conflict',
      obj: { patchPolicy: 'Overwrite', annotations: { key1: 'value1' } },
      other: { patchPolicy: 'MergePatchJson', annotations: { key1: 'value1' } },
      expected: [
        'spec.patchPodMetadata: Invalid value: "key1": annotation key1 is in conflict with sidecarset sidecarset1',
      ],
    },
    {
      name: 'sidecarset annotation key different',
      obj: { patchPolicy: 'Retain', annotations: { key1: 'value1' } },
      other: { patchPolicy: 'Overwrite', annotations: { key2: 'value2' } },
      expected: [],
    },
    {
      name: 'sidecarset annotation key same, and json',
      obj: { patchPolicy: 'MergePatchJson', annotations: { 'oom-score': '{"log-agent": 1}' } },
      other: { patchPolicy: 'MergePatchJson', annotations: { 'oom-score': '{"envoy": 1}' } },
      expected: [],
    },
  ])('$name', ({ obj, other, expected }) => {
    const errs = validateSidecarConflict(
      withPatch('sidecarset2', obj),
      [withPatch('sidecarset1', other)],
      'spec',
      true,
    );
    expect(errs.map(formatFieldError)).toEqual(expected);
  });
});

describe('TestSidecarSetVolumeConflict', () => {
  const withVolumes = (name: string, volumes: Volume[]) => sidecarSet(name, { selector: ab, volumes });
  it.each([
    {
      name: 'sidecarset volume name different',
      obj: [{ name: 'volume-1' }, { name: 'volume-2' }],
      other: [{ name: 'volume-3' }, { name: 'volume-4' }],
      count: 0,
    },
    {
      name: 'sidecarset volume name same and equal',
      obj: [{ name: 'volume-1' }, { name: 'volume-2', hostPath: { path: '/home/work' } }],
      other: [{ hostPath: { path: '/home/work' }, name: 'volume-2' }, { name: 'volume-3' }],
      count: 0,
    },
    {
      name: 'sidecarset volume name same, but not equal',
      obj: [{ name: 'volume-1' }, { name: 'volume-2', hostPath: { path: '/home/work-1' } }],
      other: [{ name: 'volume-2', hostPath: { path: '/home/work-2' } }, { name: 'volume-3' }],
      count: 1,
    },
  ])('$name', ({ obj, other, count }) => {
    const errs = validateSidecarConflict(
      withVolumes('sidecarset2', obj),
      [withVolumes('sidecarset1', other)],
      'spec',
      true,
    );
    expect(errs).toHaveLength(count);
    if (count > 0) {
      expect(formatFieldError(errs[0])).toBe(
        'spec.volumes: Invalid value: "volume-2": volume volume-2 is in conflict with sidecarset sidecarset1',
      );
    }
  });
});

describe('findSidecarSetConflicts', () => {
  it('reports each conflicting pair once, ignoring non-overlapping SidecarSets', () => {
    const a = sidecarSet('a', { selector: ab, containers: [{ name: 'proxy' }] });
    const b = sidecarSet('b', { selector: { matchLabels: { a: 'b', c: 'd' } }, containers: [{ name: 'proxy' }] });
    const c = sidecarSet('c', { selector: { matchLabels: { a: 'x' } }, containers: [{ name: 'proxy' }] });
    const found = findSidecarSetConflicts([a, b, c], true);
    expect(found.map((f) => [f.a, f.b, f.error.field])).toEqual([['a', 'b', 'spec.containers']]);
  });

  it('does not compare a canary with its base', () => {
    const base = sidecarSet('base', { selector: ab, containers: [{ name: 'proxy' }] });
    const canary = sidecarSet(
      'canary',
      { selector: ab, containers: [{ name: 'proxy' }] },
      {
        annotations: { 'apps.kruise.io/sidecarset-canary': 'true', 'apps.kruise.io/sidecarset-base': 'base' },
      },
    );
    expect(findSidecarSetConflicts([base, canary], true)).toEqual([]);
    expect(validateSidecarConflict(canary, [base], 'spec', true)).toEqual([]);
    // the base, validated on its own, still sees the canary
    expect(validateSidecarConflict(base, [canary], 'spec', true)).toHaveLength(1);
  });
});
