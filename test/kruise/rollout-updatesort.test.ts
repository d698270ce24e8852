// Ported from pkg/util/updatesort/priority_sort_test.go (TestCompare, Test_prioritySort_Sort) and
// scatter_sort_test.go (TestGenerateRules, TestScatterPodsByRule, TestSort), plus the default order
// (Kubernetes' ActivePods) that Kruise applies before them.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import { readRolloutPod } from '../../src/kruise/rollout/pod-state.js';
import {
  compilePriority,
  intFromStringSuffix,
  priorityBefore,
  prioritySort,
} from '../../src/kruise/rollout/priority.js';
import { getScatterTerms, scatterPodsByRule, scatterSort } from '../../src/kruise/rollout/scatter.js';
import { sortDefault } from '../../src/kruise/rollout/sort-default.js';
import { type ScatterTerm } from '../../src/kruise/rollout/types.js';

type L = Record<string, string>;

describe('TestCompare', () => {
  const weights2 = {
    weightPriority: [
      { weight: 20, matchSelector: { matchLabels: { key: 'foo' } } },
      { weight: 10, matchSelector: { matchLabels: { key: 'bar' } } },
    ],
  };
  const order = { orderPriority: [{ orderedKey: 'key1' }, { orderedKey: 'key2' }] };
  const cases: [Record<string, unknown>, L, L, boolean][] = [
    [weights2, {}, {}, true],
    [weights2, { key: 'foo' }, { key: 'foo' }, true],
    [weights2, { key: 'bar' }, { key: 'foo' }, false],
    [weights2, {}, { key: 'bar' }, false],
    [weights2, {}, { key: 'foo' }, false],
    [
      {
        weightPriority: [
          { weight: 20, matchSelector: { matchLabels: { key1: 'foo' } } },
          { weight: 10, matchSelector: { matchLabels: { key2: 'bar' } } },
          { weight: 15, matchSelector: { matchLabels: { key3: 'baz' } } },
        ],
      },
      { key1: 'foo' },
      { key2: 'bar', key3: 'baz' },
      false,
    ],
    [
      {
        weightPriority: [
          { weight: 20, matchSelector: { matchLabels: { key1: 'foo' } } },
          { weight: 10, matchSelector: { matchLabels: { key2: 'bar' } } },
          { weight: 5, matchSelector: { matchLabels: { key3: 'baz' } } },
        ],
      },
      { key2: 'bar', key3: 'baz' },
      { key1: 'foo' },
      false,
    ],
    [order, {}, {}, true],
    [order, { key1: 'o-10' }, { key1: 'o-5' }, true],
    [order, { key1: 'o-10' }, { key1: 'o-10' }, true],
    [order, { key1: 'o-10' }, { key1: 'o-20' }, false],
    [order, { key2: 'o-20' }, { key1: 'o-10' }, false],
    [order, { key2: 'o-20' }, { key2: 'o-10' }, true],
  ];
  cases.forEach(([strategy, a, b, expected], i) => {
    it(`case #${i}`, () => expect(priorityBefore(compilePriority(strategy), a, b, true)).toBe(expected));
  });

  it('a Pod without any ordered key goes before those with one (level -1)', () => {
    expect(priorityBefore(compilePriority(order), {}, { key1: 'o-99' }, false)).toBe(true);
  });

  it('the integer suffix: trailing digits, 0 when none or out of int64', () => {
    expect(intFromStringSuffix('sts-10')).toBe(10n);
    expect(intFromStringSuffix('5')).toBe(5n);
    expect(intFromStringSuffix('abc')).toBe(0n);
    expect(intFromStringSuffix('x99999999999999999999')).toBe(0n);
  });
});

describe('Test_prioritySort_Sort', () => {
  const pods: L[] = [{ hello: 'world' }, {}, { foo: 'bar' }, {}];
  it('empty priority strategy', () => {
    expect(prioritySort(compilePriority({}), (i) => [{}, {}, {}][i], [0, 1, 2])).toEqual([0, 1, 2]);
  });
  it('priority strategy, keep original order if not match any priority rule', () => {
    const p = compilePriority({
      weightPriority: [
        { weight: 100, matchSelector: { matchLabels: { foo: 'bar' } } },
        { weight: 90, matchSelector: { matchLabels: { hello: 'world' } } },
      ],
    });
    expect(prioritySort(p, (i) => pods[i], [0, 1, 2, 3])).toEqual([2, 0, 1, 3]);
  });
  it('priority strategy, no Pods matched any priority rule, keep original order', () => {
    const p = compilePriority({
      weightPriority: [
        { weight: 100, matchSelector: { matchLabels: { not: 'match' } } },
        { weight: 90, matchSelector: { matchLabels: { not1: 'match1' } } },
      ],
    });
    expect(prioritySort(p, (i) => pods[i], [0, 1, 2, 3])).toEqual([0, 1, 2, 3]);
  });
  it('weights add up; a term with an invalid selector is ignored, an empty one matches all', () => {
    const p = compilePriority({
      weightPriority: [
        { weight: 10, matchSelector: { matchLabels: { a: '1' } } },
        { weight: 10, matchSelector: { matchLabels: { b: '1' } } },
        { weight: 15, matchSelector: { matchLabels: { c: '1' } } },
        { weight: 99, matchSelector: { matchExpressions: [{ key: 'a', operator: 'Bad' }] } },
        { weight: 1, matchSelector: {} },
      ],
    });
    const labels: L[] = [{ c: '1' }, { a: '1', b: '1' }, {}];
    expect(prioritySort(p, (i) => labels[i], [0, 1, 2])).toEqual([1, 0, 2]);
  });
});

// The Pods of scatter_sort_test.go: labels only, null for a nil Pod.
function scatterCase(labels: (L | null)[]): (L | null)[] {
  return labels;
}

describe('TestGenerateRules', () => {
  const cases: [string, L[], ScatterTerm[], ScatterTerm[]][] = [
    [
      'one pod one label',
      [{}, {}, {}, {}, { labelA: 'AAA' }, { labelA: 'AAA' }],
      [{ key: 'labelA', value: 'AAA' }],
      [{ key: 'labelA', value: 'AAA' }],
    ],
    [
      'same pods a label',
      [{}, {}, { labelB: 'B' }, { labelB: 'BBB' }, { labelA: 'AAA' }, { labelA: 'AAA' }],
      [
        { key: 'labelA', value: 'AAA' },
        { key: 'labelB', value: 'BBB' },
      ],
      [
        { key: 'labelA', value: 'AAA' },
        { key: 'labelB', value: 'BBB' },
      ],
    ],
  ];
  for (const [desc, labels, strategy, expected] of cases) {
    it(desc, () =>
      expect(
        getScatterTerms(
          strategy,
          labels,
          labels.map((_, i) => i),
        ),
      ).toEqual(expected),
    );
  }

  it('terms run by how many candidates they match, most first; unmatched terms are dropped', () => {
    const labels: L[] = [{ a: '1' }, { b: '1' }, { b: '1' }, {}];
    expect(
      getScatterTerms(
        [
          { key: 'a', value: '1' },
          { key: 'b', value: '1' },
          { key: 'c', value: '1' },
        ],
        labels,
        [0, 1, 2, 3],
      ),
    ).toEqual([
      { key: 'b', value: '1' },
      { key: 'a', value: '1' },
    ]);
  });
});

describe('TestScatterPodsByRule', () => {
  const term = { key: 'labelA', value: 'AAA' };
  const cases: [string, string[], number[]][] = [
    ['no label', [''], [0]],
    ['only one scattered pod', ['labelA=AAA'], [0]],
    ['odd scattered pod + odd ordinary pod', ['labelA=AAA', 'bbb'], [0, 1]],
    ['even scattered pods + even ordinary pods', ['', '', '', '', 'labelA=AAA', 'labelA=AAA'], [4, 0, 1, 2, 3, 5]],
    [
      'odd scattered pods + odd ordinary pods',
      ['', '', '', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA'],
      [3, 0, 1, 4, 2, 5],
    ],
    [
      'even scattered pods + odd ordinary pods',
      ['', '', '', 'labelA=AAA', '', '', 'labelA=AAA'],
      [3, 0, 1, 2, 4, 5, 6],
    ],
    [
      'odd scattered pods + even ordinary pods',
      ['', '', '', '', '', '', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA'],
      [6, 0, 1, 2, 7, 3, 4, 5, 8],
    ],
    [
      'even scattered pods + even ordinary pods + scattered pods more than ordinary pods',
      ['', '', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA'],
      [2, 3, 0, 4, 1, 5],
    ],
    [
      'odd scattered pods + odd ordinary pods + scattered pods more than ordinary pods',
      ['', '', '', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA'],
      [3, 0, 1, 4, 2, 5],
    ],
    [
      'even scattered pods + odd ordinary pods + scattered pods more than ordinary pods',
      ['', '', 'labelA=AAA', '', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA'],
      [2, 4, 0, 5, 6, 1, 7, 3, 8],
    ],
    [
      'odd scattered pods + even ordinary pods + scattered pods more than ordinary pods',
      ['', 'labelA=AAA', '', 'labelA=AAA', '', '', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA'],
      [1, 0, 3, 2, 6, 4, 7, 5, 8],
    ],
    [
      'invalid label',
      ['', '', '', '', 'ee', 'a', '', 'labelA=AAA', 'labelA=AAA', 'labelA=AAA,labelB=BBB'],
      [7, 0, 1, 2, 3, 8, 4, 5, 6, 9],
    ],
  ];
  for (const [desc, specs, expected] of cases) {
    it(desc, () => {
      // As in the Go test, only as many Pods as expected indexes exist.
      const labels: L[] = specs.slice(0, expected.length).map((s) => {
        const l: L = {};
        for (const part of s.split(',')) {
          const kv = part.split('=');
          if (kv.length >= 2) l[kv[0]] = kv.slice(1).join('=');
        }
        return l;
      });
      expect(
        scatterPodsByRule(
          term,
          labels,
          labels.map((_, i) => i),
        ),
      ).toEqual(expected);
    });
  }

  it('the worked examples of the semantics notes', () => {
    const a = { labelA: 'AAA' };
    expect(scatterPodsByRule(term, [{}, {}, {}, a, a, a], [0, 1, 2, 3, 4, 5])).toEqual([3, 0, 1, 4, 2, 5]);
    // one more AAA Pod that is not a candidate makes the population sparser than the candidates
    expect(scatterPodsByRule(term, [{}, {}, {}, {}, a, a, a], [0, 1, 2, 3, 4, 5])).toEqual([0, 1, 4, 2, 3, 5]);
  });
});

describe('TestSort', () => {
  const A = 'labelA';
  const B = 'labelB';
  const AB = [
    { key: A, value: 'AAA' },
    { key: B, value: 'BBB' },
  ];
  const cases: [string, (L | null)[], ScatterTerm[], number[]][] = [
    ['a scattered pod + an ordinary pod', [{ labelA: 'AAA', labelB: 'BBB' }], [{ key: A, value: 'AAA' }], [0]],
    ['all ordinary pods', [{}, {}, {}, {}, {}, {}], [], [0, 1, 2, 3, 4, 5]],
    [
      'one pod one label',
      [{}, {}, {}, {}, { labelA: 'AAA' }, { labelA: 'AAA' }],
      [{ key: A, value: 'AAA' }],
      [4, 0, 1, 2, 3, 5],
    ],
    [
      'one pod more labels',
      [
        {},
        {},
        {},
        {},
        { sdfb: 'eee' },
        { dsf: 'same' },
        { labelB: 'BBB' },
        { labelA: 'AAA' },
        { labelA: 'AAA' },
        { labelA: 'AAA', labelB: 'BBB' },
      ],
      [{ key: B, value: 'BBB' }],
      [6, 0, 1, 2, 3, 4, 5, 7, 8, 9],
    ],
    [
      '2 dimensions + one pod one label',
      [{ labelB: 'BBB' }, { labelB: 'BBB' }, {}, {}, { labelA: 'AAA' }, { labelA: 'AAA' }],
      AB,
      [0, 4, 2, 3, 5, 1],
    ],
    [
      '2 dimensions + one pod more labels',
      [{}, {}, {}, { labelB: 'BBB' }, { labelA: 'AAA', labelB: 'BBB' }, { labelA: 'AAA' }],
      AB,
      [4, 0, 1, 2, 5, 3],
    ],
    [
      '2 dimensions + same label + sequence: A + B',
      [
        {},
        {},
        {},
        {},
        { sdfb: 'eee' },
        { dsf: 'same' },
        { labelB: 'BBB' },
        { labelA: 'AAA' },
        { labelA: 'AAA' },
        { labelB: 'BBB' },
      ],
      [
        { key: B, value: 'BBB' },
        { key: A, value: 'AAA' },
      ],
      [7, 6, 0, 1, 2, 3, 4, 5, 9, 8],
    ],
    [
      '2 dimensions + same label + sequence: B + A',
      [
        {},
        {},
        {},
        {},
        { sdfb: 'eee' },
        { dsf: 'same' },
        { labelB: 'BBB' },
        { labelA: 'AAA' },
        { labelA: 'AAA' },
        { labelB: 'BBB' },
      ],
      AB,
      [6, 7, 0, 1, 2, 3, 4, 5, 8, 9],
    ],
    [
      '2 dimensions + same pod same label + even scatter pods + even ordinary pods',
      [
        {},
        {},
        {},
        {},
        { sdfb: 'eee' },
        { dsf: 'same' },
        { labelA: 'AAA', labelB: 'BBB' },
        {},
        {},
        { labelB: 'BBB', labelA: 'AAA' },
      ],
      AB,
      [6, 0, 1, 2, 3, 4, 5, 7, 8, 9],
    ],
    [
      '2 dimensions + same pod same label + even scatter pods + odd ordinary pods',
      [
        {},
        {},
        {},
        { sdfb: 'eee' },
        { dsf: 'same' },
        { labelA: 'AAA', labelB: 'BBB' },
        {},
        {},
        { labelB: 'BBB', labelA: 'AAA' },
      ],
      AB,
      [5, 0, 1, 2, 3, 4, 6, 7, 8],
    ],
    [
      '2 dimensions + same pod same label + odd scatter pods + odd ordinary pods',
      [{}, {}, {}, { labelA: 'AAA' }, { sdfb: 'eee' }, { dsf: 'same' }, { labelA: 'AAA', labelB: 'BBB' }, {}, {}, {}],
      AB,
      [3, 0, 1, 2, 4, 5, 7, 6],
    ],
    [
      '2 dimensions + same pod same label + odd scatter pods + odd ordinary pods (11)',
      [
        {},
        {},
        {},
        { labelA: 'AAA' },
        {},
        {},
        { sdfb: 'eee' },
        { dsf: 'same' },
        { labelA: 'AAA', labelB: 'BBB' },
        {},
        {},
        { labelB: 'BBB', labelA: 'AAA' },
      ],
      AB,
      [0, 1, 2, 4, 3, 5, 6, 7, 9, 10, 8],
    ],
    [
      '2 dimensions + same pod same label + even scatter pods + even ordinary pods + scatter pods more than ordinary pods',
      [
        {},
        {},
        {},
        { labelA: 'AAA' },
        { sdfb: 'eee', labelA: 'AAA' },
        { dsf: 'same' },
        { labelA: 'AAA', labelB: 'BBB' },
        {},
        {},
        { labelB: 'BBB', labelA: 'AAA' },
      ],
      AB,
      [6, 3, 0, 1, 4, 2, 5, 7, 8, 9],
    ],
    [
      '2 dimensions + same pod same label + even scatter pods + odd ordinary pods + scatter pods more than ordinary pods',
      [
        {},
        { labelA: 'AAA' },
        { labelA: 'AAA' },
        { sdfb: 'eee' },
        { dsf: 'same' },
        { labelA: 'AAA', labelB: 'BBB' },
        {},
        {},
        { labelB: 'BBB', labelA: 'AAA' },
      ],
      AB,
      [5, 1, 0, 3, 2, 4, 6, 7, 8],
    ],
    [
      '2 dimensions + same pod same label + odd scatter pods + odd ordinary pods + scatter pods more than ordinary pods',
      [
        { labelA: 'AAA' },
        {},
        {},
        { labelA: 'AAA' },
        { sdfb: 'eee', labelA: 'AAA' },
        { dsf: 'same' },
        { labelA: 'AAA', labelB: 'BBB' },
        {},
        {},
        { labelB: 'BBB', labelA: 'AAA' },
      ],
      AB,
      [1, 0, 2, 3, 5, 4, 7, 6],
    ],
    [
      '2 dimensions + same pod same label + odd scatter pods + odd ordinary pods + scatter pods more than ordinary pods (12)',
      [
        {},
        {},
        { labelA: 'AAA' },
        { labelA: 'AAA' },
        {},
        { labelA: 'AAA' },
        { sdfb: 'eee' },
        { dsf: 'same' },
        { labelA: 'AAA', labelB: 'BBB' },
        {},
        {},
        { labelB: 'BBB', labelA: 'AAA' },
      ],
      AB,
      [0, 2, 1, 4, 3, 6, 7, 5, 9, 10, 8],
    ],
    [
      '3 dimensions + one pod one label',
      [
        {},
        { labelA: 'AAA' },
        { labelA: 'AAA' },
        { labelB: 'BBB' },
        { labelB: 'BBB' },
        { labelC: 'CCC' },
        { labelC: 'CCC' },
        { labelC: 'CCC' },
        { labelC: 'CCC' },
        { labelC: 'CCC' },
      ],
      [...AB, { key: 'labelC', value: 'CCC' }],
      [3, 1, 5, 0, 6, 7, 8, 9, 2, 4],
    ],
    [
      '3 dimensions + one pod more label',
      [
        {},
        { labelA: 'AAA' },
        { labelA: 'AAA', labelC: 'CCC' },
        { labelB: 'BBB', labelC: 'CCC' },
        { labelB: 'BBB' },
        {},
        {},
        { labelC: 'CCC' },
        { labelC: 'CCC' },
        { labelC: 'CCC' },
      ],
      [...AB, { key: 'labelC', value: 'CCC' }],
      [3, 2, 0, 7, 8, 5, 6, 9, 1, 4],
    ],
    [
      'continuous sort 1',
      [{}, {}, {}, {}, { labelA: 'AAA' }, { labelA: 'AAA' }, { labelA: 'AAA' }],
      [{ key: A, value: 'AAA' }],
      [0, 1, 4, 2, 3, 5],
    ],
    [
      'continuous sort 2',
      [{ labelA: 'AAA' }, { labelA: 'AAA' }, {}, {}, {}, {}, {}, {}, {}, { labelA: 'AAA' }],
      [{ key: A, value: 'AAA' }],
      [2, 0, 3, 4, 5, 6, 1],
    ],
    [
      'reserveOrdinals nil in slice',
      [
        {},
        { labelA: 'AAA' },
        { labelA: 'AAA', labelC: 'CCC' },
        { labelB: 'BBB', labelC: 'CCC' },
        { labelB: 'BBB' },
        null,
        {},
        {},
        { labelC: 'CCC' },
        { labelC: 'CCC' },
        { labelC: 'CCC' },
      ],
      [...AB, { key: 'labelC', value: 'CCC' }],
      [3, 2, 0, 8, 9, 6, 7, 10, 1, 4],
    ],
  ];
  for (const [desc, labelsIn, strategy, expected] of cases) {
    it(desc, () => {
      const labels = scatterCase(labelsIn);
      // The candidates are the first Pods (skipping nil ones) up to the expected count, as in the Go test.
      const indexes: number[] = [];
      for (let i = 0; indexes.length < expected.length; i++) if (labels[i] !== null) indexes.push(i);
      expect(scatterSort(strategy, labels, indexes)).toEqual(expected);
    });
  }
});

describe('default order (ActivePods.Less)', () => {
  function pod(
    name: string,
    opts: { node?: string; phase?: string; ready?: boolean; readySince?: string; restarts?: number; created?: string },
  ): Pod {
    return {
      metadata: { name, namespace: 'default', ...(opts.created ? { creationTimestamp: opts.created } : {}) },
      spec: {
        containers: [{ name: 'c', image: 'c:1' }],
        ...(opts.node !== undefined ? { nodeName: opts.node } : { nodeName: 'n1' }),
      },
      status: {
        phase: opts.phase ?? 'Running',
        conditions: [
          {
            type: 'Ready',
            status: opts.ready === false ? 'False' : 'True',
            ...(opts.readySince ? { lastTransitionTime: opts.readySince } : {}),
          },
        ],
        containerStatuses: [{ name: 'c', image: 'c:1', imageID: 'x', ready: true, restartCount: opts.restarts ?? 0 }],
      },
    };
  }
  const order = (pods: Pod[]) => {
    const rp = pods.map((p, i) => readRolloutPod(p, i, 'ss'));
    return sortDefault(
      rp,
      rp.map((_, i) => i),
    ).map((i) => rp[i].name);
  };

  it('unscheduled, then Pending < Unknown < Running (unknown phases rank as Pending), not ready before ready', () => {
    expect(
      order([
        pod('running', {}),
        pod('unknown', { phase: 'Unknown' }),
        pod('weird', { phase: 'Succeeded' }),
        pod('pending', { phase: 'Pending' }),
        pod('not-ready', { ready: false }),
        pod('unscheduled', { node: '', phase: 'Running' }),
      ]),
    ).toEqual(['unscheduled', 'weird', 'pending', 'unknown', 'not-ready', 'running']);
  });

  it('ready Pods: no ready time first, then the most recently ready; then restarts, then newest, zero time first', () => {
    expect(
      order([
        pod('ready-old', { readySince: '2024-01-01T00:00:00Z' }),
        pod('ready-new', { readySince: '2024-02-01T00:00:00Z' }),
        pod('ready-unknown', {}),
      ]),
    ).toEqual(['ready-unknown', 'ready-new', 'ready-old']);
    expect(order([pod('calm', { restarts: 0 }), pod('flappy', { restarts: 5 })])).toEqual(['flappy', 'calm']);
    expect(
      order([
        pod('old', { created: '2024-01-01T00:00:00Z' }),
        pod('new', { created: '2024-03-01T00:00:00Z' }),
        pod('zero', {}),
        pod('tie-a', { created: '2024-02-01T00:00:00Z' }),
        pod('tie-b', { created: '2024-02-01T00:00:00Z' }),
      ]),
    ).toEqual(['zero', 'new', 'tie-a', 'tie-b', 'old']);
  });

  it('two scheduled Pods on different nodes are not ordered by their nodes', () => {
    expect(
      order([
        pod('b', { node: 'zz', created: '2024-01-01T00:00:00Z' }),
        pod('a', { node: 'aa', created: '2024-02-01T00:00:00Z' }),
      ]),
    ).toEqual(['a', 'b']);
  });
});
