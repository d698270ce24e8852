// Ported from pkg/controller/sidecarset/sidecarset_strategy_test.go (TestGetNextUpgradePods,
// TestParseUpdateScatterTerms, TestSortNextUpgradePods) and pkg/util/tools_test.go (TestCalculatePartitionReplicas,
// TestGetScaledValueFromIntOrPercent), plus the maxUnavailable parser (intstr.GetValueFromIntOrPercent).
import { describe, expect, it } from 'vitest';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { resolveMaxUnavailable } from '../../src/kruise/rollout/max-unavailable.js';
import { resolvePartition } from '../../src/kruise/rollout/partition.js';
import { nextUpgradePods } from '../../src/kruise/rollout/round.js';
import { parseUpdateScatterTerms } from '../../src/kruise/rollout/scatter.js';
import {
  conditions,
  factoryPods,
  factorySidecarSet,
  factorySidecarSetNotUpgradable,
  names,
  shuffle,
  state,
} from './rollout-helpers.js';
import type { Pod } from '../../src/k8s/api.js';

function withStrategy(ss: SidecarSet, strategy: NonNullable<SidecarSet['spec']['updateStrategy']>): SidecarSet {
  ss.spec.updateStrategy = { ...ss.spec.updateStrategy, ...strategy };
  return ss;
}

describe('TestGetNextUpgradePods', () => {
  const cases: {
    name: string;
    pods: () => Pod[];
    sidecarSet: () => SidecarSet;
    upgrade: number;
    notUpgradable: number;
  }[] = [
    {
      name: 'only maxUnavailable(int=10), and pods(count=100, upgraded=30, upgradedAndReady=26)',
      pods: () => shuffle(factoryPods(100, 30, 26)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 10 }),
      upgrade: 6,
      notUpgradable: 0,
    },
    {
      name: 'only maxUnavailable(string=10%), and pods(count=1000, upgraded=300, upgradedAndReady=260)',
      pods: () => shuffle(factoryPods(1000, 300, 260)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: '10%' }),
      upgrade: 60,
      notUpgradable: 0,
    },
    {
      name: 'only maxUnavailable(string=5%), and pods(count=1000, upgraded=300, upgradedAndReady=250)',
      pods: () => shuffle(factoryPods(1000, 300, 250)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: '5%' }),
      upgrade: 0,
      notUpgradable: 0,
    },
    {
      name: 'only maxUnavailable(int=100), and pods(count=100, upgraded=30, upgradedAndReady=27)',
      pods: () => shuffle(factoryPods(100, 30, 27)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 100 }),
      upgrade: 70,
      notUpgradable: 0,
    },
    {
      name: 'partition(int=180) maxUnavailable(int=100), and pods(count=1000, upgraded=800, upgradedAndReady=760)',
      pods: () => shuffle(factoryPods(1000, 800, 760)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 100, partition: 180 }),
      upgrade: 20,
      notUpgradable: 0,
    },
    {
      name: 'partition(int=100) maxUnavailable(int=100), and pods(count=1000, upgraded=800, upgradedAndReady=760)',
      pods: () => shuffle(factoryPods(1000, 800, 760)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 100, partition: 100 }),
      upgrade: 60,
      notUpgradable: 0,
    },
    {
      name: 'partition(string=18%) maxUnavailable(int=100), and pods(count=1000, upgraded=800, upgradedAndReady=760)',
      pods: () => shuffle(factoryPods(1000, 800, 760)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 100, partition: '18%' }),
      upgrade: 20,
      notUpgradable: 0,
    },
    {
      name: 'partition(string=10%) maxUnavailable(int=100), and pods(count=1000, upgraded=800, upgradedAndReady=760)',
      pods: () => shuffle(factoryPods(1000, 800, 760)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 100, partition: '10%' }),
      upgrade: 60,
      notUpgradable: 0,
    },
    {
      name: 'selector(app=test, count=30) maxUnavailable(int=100), and pods(count=1000, upgraded=0, upgradedAndReady=0)',
      pods: () => {
        const pods = factoryPods(1000, 0, 0);
        for (let i = 0; i < 30; i++) pods[i].metadata.labels!.app = 'test';
        return shuffle(pods);
      },
      sidecarSet: () =>
        withStrategy(factorySidecarSet(), { maxUnavailable: 100, selector: { matchLabels: { app: 'test' } } }),
      upgrade: 30,
      notUpgradable: 0,
    },
    {
      name: 'not upgradable sidecarset, maxUnavailable(int=100), and pods(count=100, upgraded=0, upgradedAndReady=0)',
      pods: () => shuffle(factoryPods(100, 0, 0)),
      sidecarSet: () => withStrategy(factorySidecarSetNotUpgradable(), { maxUnavailable: 100 }),
      upgrade: 0,
      notUpgradable: 100,
    },
    {
      name: 'only maxUnavailable(5%), and pods(count=5, upgraded=0, upgradedAndReady=0)',
      pods: () => shuffle(factoryPods(5, 0, 0)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: '5%' }),
      upgrade: 1,
      notUpgradable: 0,
    },
    {
      name: 'maxUnavailable(5) partition(99%), and pods(count=5, upgraded=0, upgradedAndReady=0)',
      pods: () => shuffle(factoryPods(5, 0, 0)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 5, partition: '99%' }),
      upgrade: 1,
      notUpgradable: 0,
    },
    {
      name: 'maxUnavailable(5) partition(1%), and pods(count=5, upgraded=0, upgradedAndReady=0)',
      pods: () => shuffle(factoryPods(5, 0, 0)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 5, partition: '1%' }),
      upgrade: 4,
      notUpgradable: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const st = state(c.sidecarSet(), c.pods());
      const round = nextUpgradePods(st.ctx, st.pods);
      expect(round.batch.length).toBe(c.upgrade);
      expect(round.notUpgradable.length).toBe(c.notUpgradable);
    });
  }
});

describe('TestParseUpdateScatterTerms', () => {
  const labelsOf = (pods: Pod[]) => pods.map((p) => p.metadata.labels ?? {});
  const plain = [
    { key: 'key-1', value: 'value-1' },
    { key: 'key-2', value: 'value-2' },
    { key: 'key-3', value: 'value-3' },
  ];

  it('only scatter terms', () => {
    expect(parseUpdateScatterTerms(plain, labelsOf(factoryPods(100, 0, 0)))).toEqual(plain);
  });

  it('regular and scatter terms', () => {
    const pods = factoryPods(100, 0, 0);
    pods[0].metadata.labels!['key-4'] = 'value-4-0';
    pods[1].metadata.labels!['key-4'] = 'value-4-1';
    pods[2].metadata.labels!['key-4'] = 'value-4-2';
    for (const i of [3, 4, 5]) pods[i].metadata.labels!['key-4'] = 'value-4';
    expect(parseUpdateScatterTerms([...plain, { key: 'key-4', value: '*' }], labelsOf(pods))).toEqual([
      ...plain,
      { key: 'key-4', value: 'value-4-0' },
      { key: 'key-4', value: 'value-4-1' },
      { key: 'key-4', value: 'value-4-2' },
      { key: 'key-4', value: 'value-4' },
    ]);
  });
});

describe('TestSortNextUpgradePods', () => {
  const setReady = (pod: Pod, status: string) => {
    conditions(pod).find((c) => c.type === 'Ready')!.status = status;
  };
  const cases: { name: string; pods: () => Pod[]; sidecarSet: () => SidecarSet; expected: string[] }[] = [
    {
      name: 'sort by pod.CreationTimestamp, maxUnavailable(int=10) and pods(count=20, upgraded=10, upgradedAndReady=5)',
      pods: () => shuffle(factoryPods(20, 10, 5)),
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 10 }),
      expected: ['pod-19', 'pod-18', 'pod-17', 'pod-16', 'pod-15'],
    },
    {
      name: 'not ready priority, maxUnavailable(int=10) and pods(count=20, upgraded=10, upgradedAndReady=5)',
      pods: () => {
        const pods = factoryPods(20, 10, 5);
        setReady(pods[10], 'False');
        setReady(pods[13], 'False');
        return shuffle(pods);
      },
      sidecarSet: () => withStrategy(factorySidecarSet(), { maxUnavailable: 10 }),
      expected: ['pod-13', 'pod-10', 'pod-19', 'pod-18', 'pod-17', 'pod-16', 'pod-15'],
    },
    {
      name: 'with weight priority strategy, maxUnavailable(int=10) and pods(count=20, upgraded=10, upgradedAndReady=2)',
      pods: () => {
        const pods = factoryPods(20, 10, 2);
        pods[15].metadata.labels!['test-key'] = 'bar';
        pods[16].metadata.labels!['test-key'] = 'foo';
        return shuffle(pods);
      },
      sidecarSet: () =>
        withStrategy(factorySidecarSet(), {
          maxUnavailable: 10,
          priorityStrategy: {
            weightPriority: [
              { weight: 50, matchSelector: { matchLabels: { 'test-key': 'foo' } } },
              { weight: 30, matchSelector: { matchLabels: { 'test-key': 'bar' } } },
            ],
          },
        }),
      expected: ['pod-16', 'pod-15'],
    },
    {
      name: 'with order priority strategy, maxUnavailable(int=10) and pods(count=20, upgraded=10, upgradedAndReady=2)',
      pods: () => {
        const pods = factoryPods(20, 10, 2);
        for (const p of pods) p.metadata.labels!.key1 = '5';
        pods[17].metadata.labels!.key1 = '10';
        pods[18].metadata.labels!.key1 = '20';
        return shuffle(pods);
      },
      sidecarSet: () =>
        withStrategy(factorySidecarSet(), {
          maxUnavailable: 10,
          priorityStrategy: { orderPriority: [{ orderedKey: 'key1' }] },
        }),
      expected: ['pod-18', 'pod-17'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const st = state(c.sidecarSet(), c.pods());
      expect(names(st, nextUpgradePods(st.ctx, st.pods).batch)).toEqual(c.expected);
    });
  }

  it('the same with the Pods in another order (ties aside, the input order does not matter)', () => {
    for (const seed of [1, 2, 3]) {
      const st = state(
        withStrategy(factorySidecarSet(), { maxUnavailable: 10 }),
        shuffle(factoryPods(20, 10, 5), seed),
      );
      expect(names(st, nextUpgradePods(st.ctx, st.pods).batch)).toEqual([
        'pod-19',
        'pod-18',
        'pod-17',
        'pod-16',
        'pod-15',
      ]);
    }
  });
});

describe('partition: TestCalculatePartitionReplicas (replicas given)', () => {
  const cases: [number, number | string, number][] = [
    [0, '99%', 0],
    [9, '99%', 8],
    [10, '90%', 9],
    [10, '1%', 1],
    [99, '99%', 98],
    [99, '100%', 99],
    [99, '0%', 0],
    [10, 5, 5],
    [10, 1, 1],
    [10, 0, 0],
    [10, 10, 10],
    [9, '99', 0], // not a percentage: an error, ignored by the controller
    [9, '0.01%', 1],
    [999, '99.99%', 998],
  ];
  for (const [replicas, partition, expected] of cases) {
    it(`replicas=${replicas}, partition=${JSON.stringify(partition)} → ${expected}`, () => {
      expect(resolvePartition(partition, replicas).value).toBe(expected);
    });
  }

  it('absent means 0', () =>
    expect(resolvePartition(undefined, 10)).toEqual({ value: 0, rule: 'partition not set → 0' }));

  it('rounds up, and only the literal "100%" may hold every Pod', () => {
    expect(resolvePartition('18%', 1000)).toEqual({ value: 180, rule: 'partition 18% of 1000 → 180, rounded up' });
    expect(resolvePartition('100.0%', 5).value).toBe(4);
    expect(resolvePartition('100%', 5).value).toBe(5);
    expect(resolvePartition('99%', 5).rule).toBe(
      'partition 99% of 5 → 5, rounded up, then 4: a percentage below 100% always lets one Pod move',
    );
  });

  it('clamps to [0, matched]; unparsable percentages count as 0 (GetScaledValueFromIntOrPercent errors)', () => {
    expect(resolvePartition(50, 37)).toEqual({ value: 37, rule: 'partition 50 → 37 (at most the 37 matched Pods)' });
    expect(resolvePartition(-3, 37).value).toBe(0);
    expect(resolvePartition('-10%', 37).value).toBe(0);
    expect(resolvePartition('200%', 10).value).toBe(10);
    for (const bad of ['%', '90#', '#%', '90', 'abc%']) expect(resolvePartition(bad, 95).value).toBe(0);
    expect(resolvePartition('1e1%', 100).value).toBe(10); // strconv.ParseFloat takes exponents
    expect(resolvePartition('NaN%', 100).value).toBe(0);
  });
});

describe('maxUnavailable: intstr.GetValueFromIntOrPercent (roundUp) over the matched Pods', () => {
  it('absent means 1; integers are Pods', () => {
    expect(resolveMaxUnavailable(undefined, 100).value).toBe(1);
    expect(resolveMaxUnavailable(10, 100)).toEqual({ value: 10, rule: 'maxUnavailable 10 → 10' });
  });

  it('percentages round up (5% of 5 Pods is 1)', () => {
    expect(resolveMaxUnavailable('5%', 5)).toEqual({ value: 1, rule: 'maxUnavailable 5% of 5 → 1, rounded up' });
    expect(resolveMaxUnavailable('10%', 37)).toEqual({ value: 4, rule: 'maxUnavailable 10% of 37 → 4, rounded up' });
  });

  it('a string without % is a percentage too', () => {
    expect(resolveMaxUnavailable('10', 37).value).toBe(4);
    expect(resolveMaxUnavailable('10', 37).rule).toContain('(a string, read as 10%)');
    expect(resolveMaxUnavailable('%1%0%', 100).value).toBe(10); // every % is removed
  });

  it('decimals and junk give 0: only Pods that are not ready move', () => {
    expect(resolveMaxUnavailable('12.5%', 100)).toEqual({
      value: 0,
      rule: 'maxUnavailable "12.5%" is not an integer percentage → 0 (Kruise\'s parser fails): only Pods that are not ready move',
    });
    expect(resolveMaxUnavailable('abc', 100).value).toBe(0);
    expect(resolveMaxUnavailable(0, 100).rule).toBe('maxUnavailable 0 → 0: only Pods that are not ready move');
    expect(resolveMaxUnavailable('-10%', 100).value).toBe(-10);
  });
});
