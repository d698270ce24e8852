// The multi-batch simulation, incremental: exactly the rounds of simulateReference, without recomputing
// everything each round. What makes that possible, under the model (model.ts):
// - Everything a round asks of a Pod (pod-facts.ts: updated, consistent, ready, candidate or why not, to be
//   reset) and whether kubelet has work on it depend on that Pod alone, and between two rounds only the Pods
//   Kruise wrote to and the Pods kubelet restarted change. So the facts and their counts (updated, busy,
//   candidates) are kept, and re-read only for those Pods; kubelet visits only Pods with a restart pending.
//   N, the partition and the maxUnavailable budget never change.
// - The order before scatter (priority, then the default order, then position) is one ranking of all Pods,
//   sorted once. Candidates are linked in that order; an upgraded one is unlinked, and the others keep
//   their order. A new candidate (kubelet finished an update in flight), or a Pod whose restart count moved
//   it in the default order (in practice only after round 1), makes the next round re-link the candidates
//   from the ranking, after moving those Pods in it (or sorting it again, as the reference does every round,
//   when many moved).
// - The batch is a prefix of the order, so only that prefix is computed: the walk reads the scattered order
//   lazily (scatter-incremental.ts), and partition comes from counts (the first `candidates - partition`).
// A round costs about its batch plus the Pods the walk and scatter look at, instead of a sort of every Pod.
// withBoundaries also gives reconcileRound of round 1 and of the round after the last, from the same state.
import { sortPositions } from '../../go/sort.js';
import { resolveMaxUnavailable } from './max-unavailable.js';
import { applyHotUpgradeReset, applyKruiseUpgrade, applyKubelet, pendingContainers } from './model.js';
import { resolvePartition } from './partition.js';
import { isBusy, isCandidate, readPodFacts, READY, RESET, UPDATED } from './pod-facts.js';
import { orderKeys, reconcileRound, type OrderKeys } from './round.js';
import { IncrementalScatter, type PodStream } from './scatter-incremental.js';
import { parseUpdateScatterTerms } from './scatter.js';
import { setDefaultSortKey } from './sort-default.js';
import type { RolloutContext, RolloutPod, Simulate, SimulatedRound, Simulation } from './types.js';
import { type RoundResult } from './types.js';

export const simulateFast: Simulate = Object.assign(
  (ctx: RolloutContext, pods: RolloutPod[]) => new FastSimulation(ctx, pods).run(),
  {
    withBoundaries(ctx: RolloutContext, pods: RolloutPod[], facts: Uint8Array): Simulation {
      const simulation = new FastSimulation(ctx, pods, facts);
      const first = simulation.reconcile();
      const rounds = simulation.run();
      return { first, rounds, final: simulation.reconcile() };
    },
  },
);

class FastSimulation {
  private readonly n: number;
  /** per Pod: its facts (pod-facts.ts), as the controller would see the Pod now */
  private readonly flags: Uint8Array;
  private updated = 0;
  private busy = 0;
  private candidates = 0;
  /** Pods whose idle HotUpgrade containers Kruise resets in the next round */
  private readonly resetting = new Set<number>();
  /** Pods with a container restart pending (kubelet's work) */
  private readonly pending = new Set<number>();
  /** the candidates in default-then-priority order: a doubly linked list, `n` is its head */
  private readonly after: Int32Array;
  private readonly before: Int32Array;
  private orderStale = true;
  /** the keys of the order before scatter, by Pod index */
  private readonly keys: OrderKeys;
  /** every Pod, in the order before scatter (by `keys`); empty until the first rank */
  private ranking: number[] = [];
  /** Pods not yet updated whose restart count changed since they were ranked */
  private readonly moved: number[] = [];
  /** scratch: Pods written this round */
  private readonly mark: Uint8Array;
  private readonly scatter: IncrementalScatter | null;
  private readonly partition: number;
  private readonly budget: number;

  /** `facts`, when given, are readAllPodFacts of `pods` as they are now. */
  constructor(
    private readonly ctx: RolloutContext,
    private readonly pods: RolloutPod[],
    facts?: Uint8Array,
  ) {
    const n = (this.n = pods.length);
    pods.forEach((p, i) => {
      if (p.index !== i) throw new Error('internal: Pod indexes must be their positions');
    });
    this.flags = new Uint8Array(n);
    this.mark = new Uint8Array(n);
    this.keys = orderKeys(
      ctx,
      pods,
      pods.map((_, i) => i),
    );
    this.after = new Int32Array(n + 1);
    this.before = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const f = (this.flags[i] = facts ? facts[i] : this.readFlags(i));
      if (f & UPDATED) this.updated++;
      if (isBusy(f)) this.busy++;
      if (isCandidate(f)) this.candidates++;
      if (f & RESET) this.resetting.add(i);
      if (pendingContainers(ctx, pods[i]).length > 0) this.pending.add(i);
    }
    const labels = pods.map((p) => p.labels);
    const terms = ctx.strategy.scatter;
    this.scatter = terms ? new IncrementalScatter(parseUpdateScatterTerms(terms, labels), labels) : null;
    this.partition = resolvePartition(ctx.strategy.partition, n).value;
    this.budget = resolveMaxUnavailable(ctx.strategy.maxUnavailable, n).value;
  }

  run(): SimulatedRound[] {
    const { ctx, pods } = this;
    const rounds: SimulatedRound[] = [];
    const limit = 3 * this.n + 4; // as the reference
    for (let round = 1; ; round++) {
      if (round > limit) throw new Error(`rollout simulation did not settle after ${limit} rounds`);
      let written: number[] = this.nextBatch();
      let moved = true;
      if (written.length > 0) {
        rounds.push({
          round,
          kind: 'upgrade',
          pods: written,
          changes: written.map((i) => applyKruiseUpgrade(ctx, pods[i])),
        });
      } else if ((written = this.nextReset()).length > 0) {
        for (const i of written) applyHotUpgradeReset(ctx, pods[i]);
        rounds.push({ round, kind: 'reset', pods: written, changes: [] });
      } else {
        moved = false;
        if (round === 1) rounds.push({ round, kind: 'none', pods: [], changes: [] });
      }
      const restarted = this.kubelet(written);
      if (!moved && !restarted) return rounds;
    }
  }

  /**
   * reconcileRound on the Pods as they are now, from the kept state: the facts of every Pod, and the order
   * of the candidates read to the end.
   */
  reconcile(): RoundResult {
    return reconcileRound(this.ctx, this.pods, {
      facts: this.flags,
      order: () => {
        if (this.candidates === 0) return []; // (no ranking to bring up to date for that)
        if (this.orderStale) this.rank();
        const stream = this.scatter ? this.scatter.order(this.baseOrder()) : this.baseOrder();
        const order: number[] = [];
        for (let i = stream.next(); i >= 0; i = stream.next()) order.push(i);
        return order;
      },
    });
  }

  // ---- one reconcile (reconcileRound), from the kept state ----

  private stopsBeforeStrategy(): boolean {
    const { strategy, hotSidecars } = this.ctx;
    return (
      strategy.type === 'NotUpdate' ||
      strategy.paused ||
      (hotSidecars.length > 0 && this.resetting.size > 0) ||
      this.updated >= this.n
    );
  }

  private nextReset(): number[] {
    const { strategy, hotSidecars } = this.ctx;
    if (strategy.type === 'NotUpdate' || strategy.paused || hotSidecars.length === 0) return [];
    return [...this.resetting].sort((a, b) => a - b);
  }

  /** nextUpgradePods' batch: the walk over the first `candidates - partition` Pods of the order. */
  private nextBatch(): number[] {
    if (this.stopsBeforeStrategy()) return [];
    const keep = this.candidates - this.partition;
    if (keep <= 0) return [];
    if (this.orderStale) this.rank();
    const order = this.scatter ? this.scatter.order(this.baseOrder()) : this.baseOrder();
    const batch: number[] = [];
    let used = this.busy;
    for (let k = 0; k < keep; k++) {
      const i = order.next();
      if (i < 0) throw new Error('internal: the order ran out before the eligible Pods');
      if (this.flags[i] & READY) {
        if (used >= this.budget) break;
        used++;
      }
      batch.push(i);
    }
    return batch;
  }

  /**
   * Links the candidates in the order before scatter. Every matched Pod has a place in one ranking, sorted
   * once (as the reference sorts, by priority, default order and position); Pods whose sort keys changed
   * since (kubelet restarted a container of a Pod not yet updated) are moved, or everything is sorted again
   * when many did.
   */
  private rank(): void {
    const { n } = this;
    const { compare } = this.keys;
    if (this.ranking.length === 0 || this.moved.length > 64) {
      for (const i of this.moved) setDefaultSortKey(this.keys.defaults, i, this.pods[i]);
      this.ranking = sortPositions(n, compare);
    } else if (this.moved.length > 0) {
      const moved = new Set(this.moved);
      this.ranking = this.ranking.filter((i) => !moved.has(i));
      for (const i of moved) {
        setDefaultSortKey(this.keys.defaults, i, this.pods[i]);
        let lo = 0;
        let hi = this.ranking.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (compare(this.ranking[mid], i) < 0) lo = mid + 1;
          else hi = mid;
        }
        this.ranking.splice(lo, 0, i);
      }
    }
    this.moved.length = 0;
    const order = this.ranking.filter((i) => isCandidate(this.flags[i]));
    let last = n;
    for (const i of order) {
      this.after[last] = i;
      this.before[i] = last;
      last = i;
    }
    this.after[last] = n;
    this.before[n] = last;
    this.scatter?.reset(order);
    this.orderStale = false;
  }

  private baseOrder(): PodStream {
    const { after, n } = this;
    let at = n;
    return {
      next: () => {
        at = after[at];
        return at === n ? -1 : at;
      },
    };
  }

  // ---- between rounds ----

  /**
   * The kubelet model on the Pods that have a restart pending (those Kruise just wrote to, and any left
   * over), then the flags of every Pod that changed. Returns whether some container restarted.
   */
  private kubelet(written: readonly number[]): boolean {
    const { ctx, pods, mark } = this;
    for (const i of written) mark[i] = 1;
    let visit = written;
    if (this.pending.size > 0) {
      const more: number[] = [];
      for (const i of this.pending) if (!mark[i]) more.push(i);
      visit = written.concat(more);
    }
    let restarted = false;
    for (const i of visit) {
      const restartedHere = applyKubelet(ctx, pods[i]).length > 0;
      restarted ||= restartedHere;
      if (pendingContainers(ctx, pods[i]).length > 0) this.pending.add(i);
      else this.pending.delete(i);
      if (restartedHere || mark[i]) this.setFlags(i, this.readFlags(i));
    }
    for (const i of written) mark[i] = 0;
    return restarted;
  }

  private readFlags(i: number): number {
    return readPodFacts(this.ctx, this.pods[i]);
  }

  private setFlags(i: number, f: number): void {
    const was = this.flags[i];
    this.flags[i] = f;
    this.updated += (f & UPDATED ? 1 : 0) - (was & UPDATED ? 1 : 0);
    this.busy += (isBusy(f) ? 1 : 0) - (isBusy(was) ? 1 : 0);
    const candidate = isCandidate(f);
    const wasCandidate = isCandidate(was);
    this.candidates += (candidate ? 1 : 0) - (wasCandidate ? 1 : 0);
    if ((f ^ was) & RESET) {
      if (f & RESET) this.resetting.add(i);
      else this.resetting.delete(i);
    }
    if (wasCandidate && !candidate) {
      // leaving the candidates keeps the others' order: unlink
      if (!this.orderStale) {
        const { after, before } = this;
        after[before[i]] = after[i];
        before[after[i]] = before[i];
        this.scatter?.remove(i);
      }
    } else if (candidate && !wasCandidate) {
      this.orderStale = true; // a new candidate: link it in
    }
    if (!(f & UPDATED) && -this.pods[i].maxRestarts !== this.keys.defaults.restarts[i]) {
      this.moved.push(i); // its place in the default order changed
      this.orderStale = true;
    }
  }
}
