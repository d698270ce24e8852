import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import {
  dropCanaryBases,
  isActivePod,
  isCanarySidecarSet,
  podMatchedSidecarSet,
  podNamespace,
  sidecarSetInjectsPod,
} from '../../src/kruise/sidecarcontrol/match.js';

function set(spec: SidecarSet['spec'], annotations?: Record<string, string>, name = 'sidecarset-test'): SidecarSet {
  return { apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name, annotations }, spec };
}

function pod(labels: Record<string, string>, namespace?: string, status?: Pod['status']): Pod {
  return { metadata: { name: 'test-pod', labels, namespace }, spec: { containers: [] }, status };
}

const nginx = { matchLabels: { app: 'nginx' } };

describe('PodMatchedSidecarSet (TestPodMatchedSidecarSet)', () => {
  const cases: {
    name: string;
    nsSelector?: Record<string, string>;
    ns: [string, Record<string, string>][];
    expect: boolean;
  }[] = [
    { name: 'test1', ns: [], expect: true },
    { name: 'test2', nsSelector: { ns: 'app1' }, ns: [['app1', { ns: 'app1' }]], expect: true },
    { name: 'test3', nsSelector: { ns: 'app2' }, ns: [['app1', { ns: 'app1' }]], expect: false },
    {
      name: 'test4',
      nsSelector: { app: 'app1' },
      ns: [
        ['app1', { app: 'app1' }],
        ['app2', { app: 'app2' }],
      ],
      expect: true,
    },
    {
      name: 'test5',
      nsSelector: { app: 'app2' },
      ns: [
        ['app1', { app: 'app1' }],
        ['app2', { app: 'app2' }],
      ],
      expect: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = set({ selector: nginx, ...(c.nsSelector ? { namespaceSelector: { matchLabels: c.nsSelector } } : {}) });
      expect(podMatchedSidecarSet(pod({ app: 'nginx' }, 'app1'), s, new Map(c.ns)).matched).toBe(c.expect);
    });
  }

  it('an empty or missing spec.selector matches no Pod', () => {
    expect(podMatchedSidecarSet(pod({ app: 'nginx' }), set({ selector: {} }), new Map())).toMatchObject({
      matched: false,
      reason: 'SelectorMismatch',
    });
    expect(podMatchedSidecarSet(pod({ app: 'nginx' }), set({}), new Map()).matched).toBe(false);
  });

  it('a Pod without namespace is in default', () => {
    expect(podNamespace(pod({}))).toBe('default');
    const s = set({
      selector: nginx,
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } },
    });
    expect(podMatchedSidecarSet(pod({ app: 'nginx' }), s, new Map()).matched).toBe(true);
    expect(podMatchedSidecarSet(pod({ app: 'nginx' }, 'other'), s, new Map())).toMatchObject({
      reason: 'NamespaceMismatch',
    });
  });

  it('decides a metadata.name-only namespaceSelector without the Namespace, else says the labels are unknown', () => {
    const byName = set({
      selector: nginx,
      namespaceSelector: {
        matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['a', 'b'] }],
      },
    });
    expect(podMatchedSidecarSet(pod({ app: 'nginx' }, 'b'), byName, new Map()).matched).toBe(true);
    expect(podMatchedSidecarSet(pod({ app: 'nginx' }, 'c'), byName, new Map()).matched).toBe(false);
    const byLabel = set({ selector: nginx, namespaceSelector: { matchLabels: { team: 'x' } } });
    expect(podMatchedSidecarSet(pod({ app: 'nginx' }, 'a'), byLabel, new Map())).toMatchObject({
      matched: false,
      reason: 'NamespaceLabelsUnknown',
    });
    // The selector decides first when it rejects the Pod anyway.
    expect(podMatchedSidecarSet(pod({ app: 'other' }, 'a'), byLabel, new Map())).toMatchObject({
      reason: 'SelectorMismatch',
    });
    // A given Namespace carries kubernetes.io/metadata.name as the API server sets it.
    const both = set({
      selector: nginx,
      namespaceSelector: { matchLabels: { team: 'x', 'kubernetes.io/metadata.name': 'a' } },
    });
    expect(podMatchedSidecarSet(pod({ app: 'nginx' }, 'a'), both, new Map([['a', { team: 'x' }]])).matched).toBe(true);
  });
});

describe('sidecarSetInjectsPod', () => {
  it('skips paused SidecarSets and inactive Pods', () => {
    const s = set({ selector: nginx, injectionStrategy: { paused: true } });
    expect(sidecarSetInjectsPod(pod({ app: 'nginx' }), s, new Map())).toMatchObject({ reason: 'Paused' });
    const active = set({ selector: nginx });
    expect(sidecarSetInjectsPod(pod({ app: 'nginx' }, 'x', { phase: 'Succeeded' }), active, new Map())).toMatchObject({
      reason: 'InactivePod',
    });
    expect(isActivePod(pod({}, 'x', { phase: 'Failed' }))).toBe(false);
    expect(isActivePod({ ...pod({}), metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } })).toBe(false);
    expect(isActivePod(pod({}, 'x', { phase: 'Running' }))).toBe(true);
    expect(sidecarSetInjectsPod(pod({ app: 'nginx' }), active, new Map()).matched).toBe(true);
  });
});

describe('IsCanarySidecarSet (TestIsCanarySidecarSet)', () => {
  const C = 'apps.kruise.io/sidecarset-canary';
  const B = 'apps.kruise.io/sidecarset-base';
  const cases: [string, Record<string, string> | undefined, boolean, string][] = [
    [
      'canary sidecar set with valid base annotation',
      { [C]: 'true', [B]: 'base-sidecarset-123' },
      true,
      'base-sidecarset-123',
    ],
    ['canary annotation is true but base annotation is empty', { [C]: 'true', [B]: '' }, false, ''],
    [
      'canary annotation is not true but base annotation exists',
      { [C]: 'false', [B]: 'base-sidecarset-123' },
      false,
      'base-sidecarset-123',
    ],
    ['neither annotation exists', {}, false, ''],
    ['only canary annotation exists', { [C]: 'true' }, false, ''],
    ['only base annotation exists', { [B]: 'base-sidecarset-123' }, false, 'base-sidecarset-123'],
    [
      "canary annotation is '1' (not 'true') but base annotation exists",
      { [C]: '1', [B]: 'base-sidecarset-123' },
      false,
      'base-sidecarset-123',
    ],
    ['annotations is nil', undefined, false, ''],
    [
      "canary annotation is 'TRUE' (case sensitive)",
      { [C]: 'TRUE', [B]: 'base-sidecarset-123' },
      false,
      'base-sidecarset-123',
    ],
  ];
  for (const [name, annotations, canary, base] of cases) {
    it(name, () => expect(isCanarySidecarSet(set({}, annotations))).toEqual({ canary, base }));
  }

  it('a matching canary drops its base', () => {
    const base = { sidecarSet: set({}, {}, 'base') };
    const canary = { sidecarSet: set({}, { [C]: 'true', [B]: 'base' }, 'canary') };
    const other = { sidecarSet: set({}, {}, 'other') };
    const { kept, replaced } = dropCanaryBases([base, canary, other], 'master');
    expect(kept.map((k) => k.sidecarSet.metadata.name)).toEqual(['canary', 'other']);
    expect(replaced).toEqual([{ item: base, canary: 'canary' }]);
  });
});
