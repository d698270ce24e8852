// updateStrategy.scatterStrategy: spreads the Pods matching each term through the order
// (pkg/util/updatesort/scatter_sort.go), after the "*" terms are expanded over the matched Pods
// (parseUpdateScatterTerms in sidecarset_strategy.go). `labels` holds the labels of every matched Pod by
// index (null for a hole, which only Kruise's own tests have); `indexes` are the candidates, in order.
import { goRound } from '../../go/numbers.js';
import type { Labels } from '../../k8s/selector.js';
import type { ScatterTerm } from './types.js';

type PodLabels = readonly (Labels | null | undefined)[];

const has = (l: Labels | null | undefined, key: string): boolean => !!l && Object.prototype.hasOwnProperty.call(l, key);
const valueOf = (l: Labels | null | undefined, key: string): string => (has(l, key) ? (l as Labels)[key] : '');

/** `key: K, value: "*"` becomes one term per value of K among the Pods, in Pod order; duplicates dropped. */
export function parseUpdateScatterTerms(terms: readonly ScatterTerm[], labels: PodLabels): ScatterTerm[] {
  const out: ScatterTerm[] = [];
  const seen = new Map<string, Set<string>>(); // key -> values already taken
  const add = (key: string, value: string) => {
    let values = seen.get(key);
    if (!values) seen.set(key, (values = new Set()));
    if (!values.has(value)) {
      values.add(value);
      out.push({ key, value });
    }
  };
  for (const term of terms) {
    if (term.value !== '*') {
      add(term.key, term.value);
      continue;
    }
    for (const l of labels) if (has(l, term.key)) add(term.key, (l as Labels)[term.key]);
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
export function getScatterTerms(
  terms: readonly ScatterTerm[],
  labels: PodLabels,
  indexes: readonly number[],
): ScatterTerm[] {
  if (terms.length === 1) return [...terms];
  // count each term's candidates in one pass: label key -> value -> the terms of that key and value
  const counts = new Array<number>(terms.length).fill(0);
  const byKey = new Map<string, Map<string, number[]>>();
  terms.forEach((t, k) => {
    let values = byKey.get(t.key);
    if (!values) byKey.set(t.key, (values = new Map()));
    const same = values.get(t.value);
    if (same) same.push(k);
    else values.set(t.value, [k]);
  });
  const keys = [...byKey];
  for (const i of indexes) {
    const l = labels[i];
    if (!l) continue;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k][0];
      if (!has(l, key)) continue;
      const same = keys[k][1].get(l[key]);
      if (same) for (const t of same) counts[t]++;
    }
  }
  const counted: { term: ScatterTerm; count: number }[] = [];
  const byId = new Map<string, { term: ScatterTerm; count: number }>();
  terms.forEach((term, k) => {
    if (counts[k] === 0) return;
    // a term given twice counts its Pods twice under one entry
    const id = JSON.stringify([term.key, term.value]);
    const entry = byId.get(id);
    if (entry) entry.count += counts[k];
    else {
      const e = { term: { key: term.key, value: term.value }, count: counts[k] };
      byId.set(id, e);
      counted.push(e);
    }
  });
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

  const totals = scatterTotals(term, labels);
  // The last matched candidate always ends the order.
  const last = matched.pop() as number;
  const slots = new ScatterArrangement().reset(totals, matched.length, unmatched.length);
  const out = new Array<number>(indexes.length);
  let m = 0;
  let u = 0;
  let k = 0;
  for (let s = slots.next(); s !== SLOT_END; s = slots.next()) {
    out[k++] = s === SLOT_MATCHED ? matched[m++] : s === SLOT_UNMATCHED ? unmatched[u++] : last;
  }
  return out;
}

/** Whether a Pod is on the matched side of a term in scatterPodsByRule (a missing label reads as ""). */
export function matchesScatterTerm(l: Labels | null | undefined, term: ScatterTerm): boolean {
  return valueOf(l, term.key) === term.value;
}

/** Whether a candidate counts for a term in getScatterTerms (the label must be present). */
export function hasScatterTerm(l: Labels | null | undefined, term: ScatterTerm): boolean {
  return has(l, term.key) && (l as Labels)[term.key] === term.value;
}

export interface ScatterTotals {
  /** Pods of the SidecarSet (candidates or not) on the matched side of the term */
  matched: number;
  unmatched: number;
}

// Totals run over every Pod of the SidecarSet, candidates or not (a missing label reads as "").
export function scatterTotals(term: ScatterTerm, labels: PodLabels): ScatterTotals {
  const t: ScatterTotals = { matched: 0, unmatched: 0 };
  for (const l of labels) {
    if (l === null) continue;
    if (valueOf(l, term.key) === term.value) t.matched++;
    else t.unmatched++;
  }
  return t;
}

export const SLOT_MATCHED = 0;
export const SLOT_UNMATCHED = 1;
/** the matched candidate held for the end */
export const SLOT_LAST = 2;
export const SLOT_END = -1;
export type ScatterSlot = typeof SLOT_MATCHED | typeof SLOT_UNMATCHED | typeof SLOT_LAST | typeof SLOT_END;

/**
 * The sequence in which scatterPodsByRule fills the order, one slot at a time: a leading run of unmatched
 * candidates, then `groups` times up to matchedSize matched and up to unmatchedSize unmatched, then whatever
 * matched and unmatched are left, and last the held matched candidate. `matched` excludes that one. Any
 * consumer that takes the k-th matched (unmatched) candidate for the k-th matched (unmatched) slot gets the
 * term's order; the fast simulation walks it lazily, reusing one arrangement round after round.
 */
export class ScatterArrangement {
  private groups = 0;
  private matchedSize = 0;
  private unmatchedSize = 0;
  private lead = 0;
  private matchedLeft = 0;
  private unmatchedLeft = 0;
  private groupIndex = 0;
  private inGroupMatched = 0;
  private inGroupUnmatched = 0;
  private lastDone = false;

  /** Starts over for a term with these totals and these numbers of candidates on each side. */
  reset(totals: ScatterTotals, matched: number, unmatched: number): this {
    this.groupByDensity(totals.matched - 1, totals.unmatched, matched, unmatched);
    this.matchedLeft = matched;
    this.unmatchedLeft = unmatched;
    this.groupIndex = 0;
    this.inGroupMatched = 0;
    this.inGroupUnmatched = 0;
    this.lastDone = false;
    return this;
  }

  // calculateGroupByDensity: the candidates' own grouping unless the whole population is sparser in matched
  // Pods than the candidates are, compared in single precision as Go does; the totals' grouping leaves a
  // leading remainder of unmatched candidates.
  private groupByDensity(
    totalMatched: number,
    totalUnmatched: number,
    updateMatched: number,
    updateUnmatched: number,
  ): void {
    const f = Math.fround;
    if (f(f(totalUnmatched) / f(totalMatched)) >= f(f(updateUnmatched) / f(updateMatched))) {
      this.groups = Math.min(updateMatched, updateUnmatched);
      this.matchedSize = goRound(updateMatched / this.groups);
      this.unmatchedSize = goRound(updateUnmatched / this.groups);
      this.lead = 0;
      return;
    }
    const totalGroups = Math.min(totalMatched, totalUnmatched);
    this.matchedSize = goRound(totalMatched / totalGroups);
    this.unmatchedSize = goRound(totalUnmatched / totalGroups);
    this.groups = Math.min(
      Math.floor(updateMatched / this.matchedSize),
      Math.floor(updateUnmatched / this.unmatchedSize),
    );
    const remainder = updateUnmatched - this.groups * this.unmatchedSize;
    this.lead = Math.min(Math.max(remainder, 0), updateUnmatched);
  }

  next(): ScatterSlot {
    if (this.lead > 0) {
      this.lead--;
      this.unmatchedLeft--;
      return SLOT_UNMATCHED;
    }
    while (this.groupIndex < this.groups && (this.matchedLeft > 0 || this.unmatchedLeft > 0)) {
      if (this.inGroupMatched < this.matchedSize && this.matchedLeft > 0) {
        this.inGroupMatched++;
        this.matchedLeft--;
        return SLOT_MATCHED;
      }
      if (this.inGroupUnmatched < this.unmatchedSize && this.unmatchedLeft > 0) {
        this.inGroupUnmatched++;
        this.unmatchedLeft--;
        return SLOT_UNMATCHED;
      }
      this.groupIndex++;
      this.inGroupMatched = 0;
      this.inGroupUnmatched = 0;
    }
    if (this.matchedLeft > 0) {
      this.matchedLeft--;
      return SLOT_MATCHED;
    }
    if (this.unmatchedLeft > 0) {
      this.unmatchedLeft--;
      return SLOT_UNMATCHED;
    }
    if (!this.lastDone) {
      this.lastDone = true;
      return SLOT_LAST;
    }
    return SLOT_END;
  }
}
