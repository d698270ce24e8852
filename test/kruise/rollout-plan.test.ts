// planRollout: how the rounds become batches, dispositions and a stop reason.
import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from '../../src/go/duration.js';
import type { Pod } from '../../src/k8s/api.js';
import { type RolloutPlan } from '../../src/kruise/rollout/plan-schema.js';
import { planRollout } from '../../src/kruise/rollout/plan.js';
import { simulateReference } from '../../src/kruise/rollout/simulate-reference.js';
import { type Simulate } from '../../src/kruise/rollout/types.js';
import {
  copy,
  factoryPods,
  factorySidecarSet,
  INJECTED_LIST,
  podDemo,
  podHotUpgrade,
  sidecarSetDemo,
  sidecarSetHotUpgrade,
} from './rollout-helpers.js';

const refs = (list: { name: string }[]) => list.map((p) => p.name);
const injected = (pods: Pod[]) => {
  for (const p of pods) p.metadata.annotations![INJECTED_LIST] = 'test-sidecarset';
  return pods;
};

describe('planRollout', () => {
  it('HotUpgrade: each upgrade is followed by a reset batch', () => {
    const a = podHotUpgrade();
    const b = copy(a);
    b.metadata.name = 'test-pod-b';
    const plan = planRollout({
      sidecarSet: sidecarSetHotUpgrade(),
      pods: [a, b],
      namespaces: new Map(),
      batchDuration: parseGoDuration('10s'),
    });
    expect(plan.batches.map((x) => [x.batch, x.kind, refs(x.pods), refs(x.reset)])).toEqual([
      [1, 'upgrade', ['test-pod'], []],
      [2, 'reset', [], ['test-pod']],
      [3, 'upgrade', ['test-pod-b'], []],
      [4, 'reset', [], ['test-pod-b']],
    ]);
    expect(plan.batches[0].pods[0].images).toEqual([
      { container: 'test-sidecar-2', from: 'test-image:v1', to: 'test-image:v2' },
    ]);
    expect(plan.pods[0].images).toEqual([
      { sidecar: 'test-sidecar', container: 'test-sidecar-1', image: 'test-image:v1' },
    ]);
    expect(plan.stop.reason).toBe('Finished');
    expect(plan.estimate).toMatchObject({ batches: 4, total: '40s' });
  });

  it('partition holds the oldest candidates; the rest says why it waited in batch 1', () => {
    const ss = factorySidecarSet();
    ss.spec.updateStrategy = { partition: '40%', maxUnavailable: 2 };
    const plan = planRollout({ sidecarSet: ss, pods: injected(factoryPods(5, 0, 0)), namespaces: new Map() });
    expect(plan.resolved.partition).toEqual({ value: 2, rule: 'partition 40% of 5 → 2, rounded up' });
    expect(plan.batches.map((x) => refs(x.pods))).toEqual([['pod-4', 'pod-3'], ['pod-2']]);
    expect(refs(plan.heldByPartition)).toEqual(['pod-0', 'pod-1']);
    expect(plan.pods.find((p) => p.name === 'pod-2')).toMatchObject({
      disposition: 'batch',
      batch: 2,
      position: 1,
      reason: 'waits for a maxUnavailable slot',
    });
    expect(plan.stop).toEqual({ reason: 'Partition', message: 'partition 2 holds back the remaining 2 candidates' });
  });

  it('everything already updated: one empty batch, finished', () => {
    const pod = podDemo();
    pod.metadata.annotations!['kruise.io/sidecarset-hash'] = '{"test-sidecarset":{"hash":"bbb"}}';
    const plan = planRollout({
      sidecarSet: sidecarSetDemo(),
      pods: [pod],
      namespaces: new Map(),
      batchDuration: 30_000_000_000n,
    });
    expect(plan.batches).toEqual([
      { batch: 1, kind: 'none', pods: [], reset: [], note: 'nothing: every matched Pod is updated' },
    ]);
    expect(plan.stop.reason).toBe('Finished');
    expect(plan.estimate).toMatchObject({ batches: 0, total: '0s' });
  });

  it('no matched Pods at all', () => {
    const plan = planRollout({ sidecarSet: sidecarSetDemo(), pods: [], namespaces: new Map() });
    expect(plan.batches).toEqual([
      { batch: 1, kind: 'none', pods: [], reset: [], note: 'nothing: every matched Pod is updated' },
    ]);
    expect(plan.resolved.matchedPods).toBe(0);
  });

  it('a Pod given twice is an error', () => {
    expect(() =>
      planRollout({ sidecarSet: sidecarSetDemo(), pods: [podDemo(), podDemo()], namespaces: new Map() }),
    ).toThrow('Pod default/test-pod-1 is given twice');
  });

  it('an invalid spec.selector is an error with its field', () => {
    const ss = sidecarSetDemo();
    ss.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Near' }] };
    expect(() => planRollout({ sidecarSet: ss, pods: [podDemo()], namespaces: new Map() })).toThrow(
      /invalid label selector/,
    );
  });

  it('calls the simulation it is given (the fast one will plug in here)', () => {
    let calls = 0;
    const counting: Simulate = (ctx, pods) => {
      calls++;
      return simulateReference(ctx, pods);
    };
    const plan: RolloutPlan = planRollout(
      { sidecarSet: sidecarSetDemo(), pods: [podDemo()], namespaces: new Map() },
      counting,
    );
    expect(calls).toBe(1);
    expect(plan.batches[0].pods.map((p) => p.name)).toEqual(['test-pod-1']);
  });
});

describe('Go durations', () => {
  it('parses what time.ParseDuration takes', () => {
    expect(parseGoDuration('30s')).toBe(30_000_000_000n);
    expect(parseGoDuration('1m30s')).toBe(90_000_000_000n);
    expect(parseGoDuration('1.5h')).toBe(5_400_000_000_000n);
    expect(parseGoDuration('500ms')).toBe(500_000_000n);
    expect(parseGoDuration('0')).toBe(0n);
    expect(parseGoDuration('2h45m0.5s')).toBe(9_900_500_000_000n);
    for (const bad of ['', '30', 's', '1d', '.s', '1m30'])
      expect(() => parseGoDuration(bad), bad).toThrow(/invalid duration/);
  });

  it('formats as Duration.String', () => {
    expect(formatGoDuration(0n)).toBe('0s');
    expect(formatGoDuration(90_000_000_000n)).toBe('1m30s');
    expect(formatGoDuration(3_600_000_000_000n)).toBe('1h0m0s');
    expect(formatGoDuration(1_500_000_000n)).toBe('1.5s');
    expect(formatGoDuration(500_000_000n)).toBe('500ms');
    expect(formatGoDuration(1_500n)).toBe('1.5µs');
    expect(formatGoDuration(7n)).toBe('7ns');
  });
});
