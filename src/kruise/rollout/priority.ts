// updateStrategy.priorityStrategy (pkg/util/updatesort/priority_sort.go): a stable re-sort of the default
// order. weightPriority (whenever non-empty) sums the weights of the terms whose selector matches, higher
// first; orderPriority takes the first term whose key the Pod has, lower term index first (a Pod with none of
// the keys gets -1, so it goes first), then the larger integer suffix of the label value.
import { SidecarsetError } from '../../errors.js';
import { sortPositions } from '../../go/sort.js';
import type { LabelSelector } from '../../k8s/api.js';
import { compileLabelSelector, type Labels } from '../../k8s/selector.js';
import type { CompiledPriority } from './types.js';

interface WeightTerm {
  weight?: number;
  matchSelector?: LabelSelector;
}

export function compilePriority(raw: Record<string, unknown>): CompiledPriority {
  const weightTerms = (Array.isArray(raw.weightPriority) ? raw.weightPriority : []) as WeightTerm[];
  const orderTerms = (Array.isArray(raw.orderPriority) ? raw.orderPriority : []) as { orderedKey?: string }[];
  const weights: CompiledPriority['weights'] = [];
  for (const term of weightTerms) {
    try {
      // matchSelector is a struct in Go: absent means {}, which matches every Pod
      weights.push({ weight: term?.weight ?? 0, selector: compileLabelSelector(term?.matchSelector ?? {}) });
    } catch (err) {
      if (!(err instanceof SidecarsetError)) throw err;
    }
  }
  return { weights, byWeight: weightTerms.length > 0, orderedKeys: orderTerms.map((t) => t?.orderedKey ?? '') };
}

/** True when the strategy changes nothing (both lists empty). */
export function isNoopPriority(p: CompiledPriority): boolean {
  return !p.byWeight && p.orderedKeys.length === 0;
}

export function weightPriority(p: CompiledPriority, labels: Labels | undefined): number {
  let sum = 0;
  for (const w of p.weights) if (w.selector.matches(labels)) sum += w.weight;
  return sum;
}

/** [level, value]: the first ordered key the Pod has (-1 when none), and its label's integer suffix. */
export function orderPriority(p: CompiledPriority, labels: Labels | undefined): [number, bigint] {
  const l = labels ?? {};
  for (let i = 0; i < p.orderedKeys.length; i++) {
    if (Object.prototype.hasOwnProperty.call(l, p.orderedKeys[i])) return [i, intFromStringSuffix(l[p.orderedKeys[i]])];
  }
  return [-1, 0n];
}

/** The trailing decimal digits of `v` as an int64; 0 when there are none or they overflow. */
export function intFromStringSuffix(v: string): bigint {
  const m = /[0-9]+$/.exec(v);
  if (!m) return 0n;
  const n = BigInt(m[0]);
  return n > 2n ** 63n - 1n ? 0n : n;
}

/** prioritySort.compare: does I go before J? `tie` is returned when the priorities are equal. */
export function priorityBefore(
  p: CompiledPriority,
  labelsI: Labels | undefined,
  labelsJ: Labels | undefined,
  tie: boolean,
): boolean {
  if (p.byWeight) {
    const wi = weightPriority(p, labelsI);
    const wj = weightPriority(p, labelsJ);
    if (wi !== wj) return wi > wj;
  } else if (p.orderedKeys.length > 0) {
    const [levelI, valueI] = orderPriority(p, labelsI);
    const [levelJ, valueJ] = orderPriority(p, labelsJ);
    if (levelI !== levelJ) return levelI < levelJ;
    if (valueI !== valueJ) return valueI > valueJ;
  }
  return tie;
}

/** The priority of some Pods, by their position in the list given; null when the strategy changes nothing. */
export type PriorityKeys = { weights: Float64Array } | { levels: Int32Array; values: bigint[] } | null;

export function priorityKeys(
  p: CompiledPriority,
  labelsOf: (index: number) => Labels | undefined,
  indexes: readonly number[],
): PriorityKeys {
  if (isNoopPriority(p)) return null;
  if (p.byWeight) return { weights: Float64Array.from(indexes, (i) => weightPriority(p, labelsOf(i))) };
  const levels = new Int32Array(indexes.length);
  const values: bigint[] = [];
  indexes.forEach((i, k) => {
    const [level, value] = orderPriority(p, labelsOf(i));
    levels[k] = level;
    values.push(value);
  });
  return { levels, values };
}

/** prioritySort.compare on keys: negative when the Pod at position a goes first, 0 for equal priorities. */
export function comparePriorityKeys(keys: PriorityKeys, a: number, b: number): number {
  if (keys === null) return 0;
  if ('weights' in keys) return keys.weights[b] - keys.weights[a];
  const byLevel = keys.levels[a] - keys.levels[b];
  if (byLevel !== 0) return byLevel;
  const va = keys.values[a];
  const vb = keys.values[b];
  return va === vb ? 0 : va > vb ? -1 : 1;
}

/**
 * Stable sort of `indexes` by priority. Go's comparator answers "i < j" on ties, which under sort.SliceStable
 * is never true for equal elements, so this is a plain stable sort. Returns a new array.
 */
export function prioritySort(
  p: CompiledPriority,
  labelsOf: (index: number) => Labels | undefined,
  indexes: readonly number[],
): number[] {
  const keys = priorityKeys(p, labelsOf, indexes);
  return sortPositions(indexes.length, (a, b) => comparePriorityKeys(keys, a, b)).map((k) => indexes[k]);
}
