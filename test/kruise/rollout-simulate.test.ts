// The multi-batch simulation: the round-by-round reference on worked scenarios, and a property test on random
// inputs. Every implementation of Simulate listed in IMPLEMENTATIONS must give the reference's rounds and leave
// the Pods in the same final state; the reference also checks its own invariants.
import { describe, expect, it } from 'vitest';
import { buildRolloutContext } from '../../src/kruise/rollout/context.js';
import { matchPods } from '../../src/kruise/rollout/matched.js';
import { pendingContainers } from '../../src/kruise/rollout/model.js';
import { readAllPodFacts } from '../../src/kruise/rollout/pod-facts.js';
import { isKruiseReady, readRolloutPod } from '../../src/kruise/rollout/pod-state.js';
import { reconcileRound } from '../../src/kruise/rollout/round.js';
import { simulateFast } from '../../src/kruise/rollout/simulate-fast.js';
import { simulateReference } from '../../src/kruise/rollout/simulate-reference.js';
import { type RolloutPod, type Simulate } from '../../src/kruise/rollout/types.js';
import { factoryPods, factorySidecarSet, podHotUpgrade, sidecarSetHotUpgrade, state } from './rollout-helpers.js';
import { randomRollout } from './rollout-random.js';

/** Every implementation must equal the reference on every random input. */
const IMPLEMENTATIONS: [string, Simulate][] = [
  ['reference', simulateReference],
  ['fast', simulateFast],
];

function matchedState(input: ReturnType<typeof randomRollout>) {
  const ctx = buildRolloutContext(input.sidecarSet);
  const set = matchPods(input.sidecarSet, input.pods, input.namespaces);
  const fresh = () => set.matched.map((i, k) => readRolloutPod(input.pods[i], k, ctx.name));
  return { ctx, fresh };
}

function comparable(pods: RolloutPod[]) {
  return pods.map((p) => ({
    hash: p.hash,
    containers: p.containers,
    statuses: p.statuses,
    working: [...p.working],
    inPlace: p.inPlace,
  }));
}

describe('simulateReference on worked scenarios', () => {
  it('maxUnavailable 2 over 7 fresh Pods: newest first, 2 per batch', () => {
    const ss = factorySidecarSet();
    ss.spec.updateStrategy = { maxUnavailable: 2 };
    const st = state(ss, factoryPods(7, 0, 0));
    const rounds = simulateReference(st.ctx, st.pods);
    expect(rounds.map((r) => r.pods.map((i) => st.pods[i].name))).toEqual([
      ['pod-6', 'pod-5'],
      ['pod-4', 'pod-3'],
      ['pod-2', 'pod-1'],
      ['pod-0'],
    ]);
    expect(reconcileRound(st.ctx, st.pods).kind).toBe('Finished');
  });

  it('an update in flight holds its slot in batch 1 only (kubelet finishes it before batch 2)', () => {
    const ss = factorySidecarSet();
    const st = state(ss, factoryPods(3, 1, 0)); // pod-0 updated, still on v1
    const rounds = simulateReference(st.ctx, st.pods);
    expect(rounds.map((r) => [r.kind, r.pods.map((i) => st.pods[i].name)])).toEqual([
      ['none', []],
      ['upgrade', ['pod-2']],
      ['upgrade', ['pod-1']],
    ]);
  });

  it('partition holds the oldest Pods back', () => {
    const ss = factorySidecarSet();
    ss.spec.updateStrategy = { maxUnavailable: 10, partition: 2 };
    const st = state(ss, factoryPods(5, 0, 0));
    const rounds = simulateReference(st.ctx, st.pods);
    expect(rounds.map((r) => r.pods.map((i) => st.pods[i].name))).toEqual([['pod-4', 'pod-3', 'pod-2']]);
    expect(reconcileRound(st.ctx, st.pods).strategy?.heldByPartition.map((i) => st.pods[i].name)).toEqual([
      'pod-1',
      'pod-0',
    ]);
  });

  it('a Pod that is not ready goes for free, then holds a slot for good', () => {
    const pods = factoryPods(3, 0, 0);
    (pods[0].status as { conditions: { status: string }[] }).conditions[0].status = 'False';
    const st = state(factorySidecarSet(), pods);
    const rounds = simulateReference(st.ctx, st.pods);
    expect(rounds.map((r) => r.pods.map((i) => st.pods[i].name))).toEqual([['pod-0', 'pod-2']]);
    const final = reconcileRound(st.ctx, st.pods);
    expect(final.strategy?.busy.map((i) => st.pods[i].name)).toEqual(['pod-0']);
    expect(final.strategy?.waiting.map((i) => st.pods[i].name)).toEqual(['pod-1']);
  });

  it('HotUpgrade: upgrade, then a reset round, then the next Pod', () => {
    const a = podHotUpgrade();
    const b = podHotUpgrade();
    b.metadata.name = 'test-pod-b';
    const st = state(sidecarSetHotUpgrade(), [a, b]);
    const rounds = simulateReference(st.ctx, st.pods);
    expect(rounds.map((r) => [r.round, r.kind, r.pods])).toEqual([
      [1, 'upgrade', [0]],
      [2, 'reset', [0]],
      [3, 'upgrade', [1]],
      [4, 'reset', [1]],
    ]);
    expect(rounds[0].changes).toEqual([
      [{ sidecar: 'test-sidecar', container: 'test-sidecar-2', from: 'test-image:v1', to: 'test-image:v2' }],
    ]);
    expect(st.pods.map((p) => p.containers.map((c) => c.image))).toEqual([
      ['nginx:1.15.1', 'hotupgrade:empty', 'test-image:v2'],
      ['nginx:1.15.1', 'hotupgrade:empty', 'test-image:v2'],
    ]);
  });
});

describe('property: random rollouts', () => {
  const SEEDS = Number(process.env.SEEDS ?? 1000);
  for (const [name, simulate] of IMPLEMENTATIONS) {
    it(`${name} equals the reference and keeps its invariants on ${SEEDS} random inputs`, () => {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const input = randomRollout(seed);
        const { ctx, fresh } = matchedState(input);
        const refPods = fresh();
        const first = reconcileRound(ctx, refPods);
        const expected = simulateReference(ctx, refPods);
        const pods = fresh();
        const got = simulate(ctx, pods);
        expect(got, `seed ${seed}`).toEqual(expected);
        expect(comparable(pods), `seed ${seed}`).toEqual(comparable(refPods));
        if (simulate.withBoundaries) {
          // the rounds around the simulation, as the plan reads them, equal reconcileRound's
          const again = fresh();
          const sim = simulate.withBoundaries(ctx, again, readAllPodFacts(ctx, again));
          expect(sim.first, `seed ${seed}: first`).toEqual(first);
          expect(sim.rounds, `seed ${seed}`).toEqual(expected);
          expect(sim.final, `seed ${seed}: final`).toEqual(reconcileRound(ctx, refPods));
        }

        // invariants of the round-by-round definition
        expect(expected[0].round, `seed ${seed}`).toBe(1);
        expect(expected[0].pods, `seed ${seed}`).toEqual(first.batch.length ? first.batch : first.reset);
        expected.forEach((r, k) => {
          expect(r.round, `seed ${seed}`).toBe(k + 1);
          if (k > 0) expect(r.pods.length, `seed ${seed}`).toBeGreaterThan(0);
        });
        const upgraded = expected.filter((r) => r.kind === 'upgrade').flatMap((r) => r.pods);
        expect(new Set(upgraded).size, `seed ${seed}: a Pod upgraded twice`).toBe(upgraded.length);
        const final = reconcileRound(ctx, refPods);
        expect(final.batch.length + final.reset.length, `seed ${seed}`).toBe(0);
        expect(
          refPods.every((p) => pendingContainers(ctx, p).length === 0),
          `seed ${seed}`,
        ).toBe(true);
      }
    });
  }

  it('the random inputs cover the interesting cases', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const input = randomRollout(seed);
      const { ctx, fresh } = matchedState(input);
      const pods = fresh();
      const first = reconcileRound(ctx, pods);
      seen.add(first.kind);
      const strategy = input.sidecarSet.spec.updateStrategy ?? {};
      const priority = strategy.priorityStrategy as { weightPriority?: unknown; orderPriority?: unknown } | undefined;
      if (priority?.weightPriority) seen.add('priority weight');
      if (priority?.orderPriority) seen.add('priority order');
      if (strategy.scatterStrategy?.some((t) => t.value === '*')) seen.add('scatter *');
      if ((strategy.scatterStrategy?.length ?? 0) > 1) seen.add('scatter terms');
      if (typeof strategy.partition === 'string') seen.add('partition %');
      if (typeof strategy.maxUnavailable === 'string') seen.add('maxUnavailable %');
      if (ctx.hotSidecars.length > 0) seen.add('hot');
      const s = first.strategy;
      if (s) {
        if (s.batch.length > 1) seen.add('batch>1');
        if (s.heldByPartition.length && s.eligible.length) seen.add('partition');
        if (s.waiting.length) seen.add('waiting');
        if (s.inFlight.length) seen.add('inFlight');
        if (s.notUpgradable.length) seen.add('notUpgradable');
        if (s.notSelected.length) seen.add('notSelected');
        if (s.busy.length) seen.add('busy');
        if (s.maxUnavailable.value === 0 && s.batch.length) seen.add('maxUnavailable 0');
        if (s.batch.some((i) => !isKruiseReady(ctx, pods[i]))) seen.add('free');
        if (s.candidates.some((i) => pendingContainers(ctx, pods[i]).length > 0)) seen.add('candidate restarts');
      }
      const rounds = simulateReference(ctx, pods);
      if (rounds.length > 3) seen.add('many rounds');
      if (rounds.length > 30) seen.add('long rollout');
      if (rounds.some((r) => r.kind === 'reset')) seen.add('reset');
    }
    for (const k of [
      'Upgrade',
      'Paused',
      'NotUpdate',
      'Finished',
      'HotUpgradeReset',
      'batch>1',
      'partition',
      'waiting',
      'inFlight',
      'notUpgradable',
      'notSelected',
      'busy',
      'many rounds',
      'long rollout',
      'reset',
      'priority weight',
      'priority order',
      'scatter *',
      'scatter terms',
      'partition %',
      'maxUnavailable %',
      'maxUnavailable 0',
      'hot',
      'free',
      'candidate restarts',
    ]) {
      expect(seen, k).toContain(k);
    }
  });
});
