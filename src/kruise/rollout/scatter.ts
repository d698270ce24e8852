// updateStrategy.scatterStrategy: spreads the Pods matching each term through the order
// (pkg/util/updatesort/scatter_sort.go), after the "*" terms are expanded over the matched Pods
// (parseUpdateScatterTerms in sidecarset_strategy.go). `labels` holds the labels of every matched Pod by
// index (null for a hole, which only Kruise's own tests have); `indexes` are the candidates, in order.
import type { Labels } from '../selector.js';
import { goRound } from './go-numbers.js';

export interface ScatterTerm {
  key: string;
  value: string;
}

type PodLabels = readonly (Labels | null | undefined)[];

const has = (l: Labels | null | undefined, key: string): boolean => !!l && Object.prototype.hasOwnProperty.call(l, key);
const valueOf = (l: Labels | null | undefined, key: string): string => (has(l, key) ? (l as Labels)[key] : '');

/** `key: K, value: "*"` becomes one term per value of K among the Pods, in Pod order; duplicates dropped. */
export function parseUpdateScatterTerms(terms: readonly ScatterTerm[], labels: PodLabels): ScatterTerm[] {
  const out: ScatterTerm[] = [];
  const seen = new Set<string>();
  const add = (t: ScatterTerm) => {
    const id = JSON.stringify([t.key, t.value]);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(t);
    }
  };
  for (const term of terms) {
    if (term.value !== '*') {
      add(term);
      continue;
    }
    for (const l of labels) if (has(l, term.key)) add({ key: term.key, value: (l as Labels)[term.key] });
  }
  return out;
}

/** scatterSort.Sort on already expanded terms. Returns a new array. */
export function scatterSort(terms: readonly ScatterTerm[], labels: PodLabels, indexes: readonly number[]): number[] {
  let order = [...indexes];
  if (terms.length === 0 || order.length <= 1) return order;
  for (const term of getScatterTerms(terms, labels, order)) order = scatterPodsByRule(term, labels, order);
  return order;
}

/**
 * The terms that run, in order: a single term always runs; otherwise only terms some candidate has (label
 * present and equal), by number of such candidates, most first, ties in term order.
 */
export function getScatterTerms(terms: readonly ScatterTerm[], labels: PodLabels, indexes: readonly number[]): ScatterTerm[] {
  if (terms.length === 1) return [...terms];
  const counted: { term: ScatterTerm; count: number }[] = [];
  const byId = new Map<string, { term: ScatterTerm; count: number }>();
  for (const term of terms) {
    for (const i of indexes) {
      const l = labels[i];
      if (!has(l, term.key) || (l as Labels)[term.key] !== term.value) continue;
      const id = JSON.stringify([term.key, term.value]);
      const entry = byId.get(id);
      if (entry) entry.count++;
      else {
        const e = { term: { key: term.key, value: term.value }, count: 1 };
        byId.set(id, e);
        counted.push(e);
      }
    }
  }
  return counted
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => b.count - a.count || a.i - b.i)
    .map((e) => e.term);
}

/** scatterPodsByRule: one term over the current order. Returns a new array. */
export function scatterPodsByRule(term: ScatterTerm, labels: PodLabels, indexes: readonly number[]): number[] {
  const matched: number[] = [];
  const unmatched: number[] = [];
  for (const i of indexes) (valueOf(labels[i], term.key) === term.value ? matched : unmatched).push(i);
  if (matched.length <= 1 || unmatched.length <= 1) return [...indexes];

  // Totals run over every Pod of the SidecarSet, candidates or not (a missing label reads as "").
  let totalMatched = 0;
  let totalUnmatched = 0;
  for (const l of labels) {
    if (l === null) continue;
    if (valueOf(l, term.key) === term.value) totalMatched++;
    else totalUnmatched++;
  }

  // The last matched candidate always ends the order.
  const last = matched.pop() as number;
  totalMatched--;

  const group = groupByDensity(totalMatched, totalUnmatched, matched.length, unmatched.length);
  const out: number[] = unmatched.splice(0, Math.max(group.unmatchedRemainder, 0));
  for (let g = 0; g < group.groups; g++) {
    migrate(matched, out, group.matchedSize);
    migrate(unmatched, out, group.unmatchedSize);
  }
  out.push(...matched, ...unmatched, last);
  return out;
}

function migrate(src: number[], dst: number[], size: number): void {
  dst.push(...src.splice(0, src.length < size ? src.length : size));
}

interface ScatterGroup {
  groups: number;
  matchedSize: number;
  unmatchedSize: number;
  unmatchedRemainder: number;
}

function newGroup(matched: number, unmatched: number): ScatterGroup {
  const groups = Math.min(matched, unmatched);
  return {
    groups,
    matchedSize: goRound(matched / groups),
    unmatchedSize: goRound(unmatched / groups),
    unmatchedRemainder: 0,
  };
}

// calculateGroupByDensity: the candidates' own grouping unless the whole population is sparser in matched
// Pods than the candidates are, compared in single precision as Go does.
function groupByDensity(totalMatched: number, totalUnmatched: number, updateMatched: number, updateUnmatched: number): ScatterGroup {
  const total = newGroup(totalMatched, totalUnmatched);
  const update = newGroup(updateMatched, updateUnmatched);
  const f = Math.fround;
  if (f(f(totalUnmatched) / f(totalMatched)) >= f(f(updateUnmatched) / f(updateMatched))) return update;
  const byMatched = Math.floor(updateMatched / total.matchedSize);
  const byUnmatched = Math.floor(updateUnmatched / total.unmatchedSize);
  const groups = byMatched < byUnmatched ? byMatched : byUnmatched;
  return {
    groups,
    matchedSize: total.matchedSize,
    unmatchedSize: total.unmatchedSize,
    unmatchedRemainder: updateUnmatched - groups * total.unmatchedSize,
  };
}
