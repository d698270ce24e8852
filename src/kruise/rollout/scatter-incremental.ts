// scatterStrategy for the fast simulation. Between two rounds the expanded terms and their totals (over all
// matched Pods) stay the same; only the candidates change. So the terms' candidate counts are kept up to date
// as candidates come and go, and each round the scattered order is produced lazily, one Pod at a time, as a
// chain of streams (one per term that runs, each re-scattering the stream below it with the same
// ScatterArrangement as scatterPodsByRule): the walk reads only as far as it takes Pods, not the whole order.
//
// Pods are grouped in classes: Pods whose labels relate the same way to every term (one per zone, say).
// Every term keeps the relative order of the Pods on each of its sides, so the Pods of one class keep their
// order-before-scatter through all terms. The first term that runs therefore reads its two sides straight
// from per-class lists of the candidates in that order, instead of filtering the whole order (whose head
// can be a long run of one zone the walk has not reached yet). A later term reads its matched side from the
// class lists too when no term before it told those classes apart (each value of a `key: "*"` term is one
// class); otherwise, and for its unmatched side, it splits the stream below it, with queues. With more than
// MERGE_CLASSES classes (a "*" over hostnames, say), every term splits the stream below it: still exact, slower.
import type { Labels } from '../../k8s/selector.js';
import { SLOT_END, SLOT_UNMATCHED, ScatterArrangement, matchesScatterTerm, type ScatterTotals } from './scatter.js';
import { type ScatterTerm } from './types.js';

/** Pod indexes in some order, one at a time; -1 at the end. */
export interface PodStream {
  next(): number;
}

interface KeyIndex {
  key: string;
  /** label value -> the term (key, value) */
  byValue: Map<string, number>;
  /** the term (key, ""), which Pods without the label are on the matched side of; -1 when there is none */
  emptyValueTerm: number;
}

interface PodClass {
  /** the terms whose label the Pods have with the term's value (getScatterTerms counts these) */
  present: number[];
  /** the terms the Pods are on the matched side of (a missing label reads as "") */
  matched: number[];
}

/** Reading the first term's sides class by class costs a look at every class per Pod: only for a few classes. */
const MERGE_CLASSES = 32;
/** Per-term tables of the classes' sides, when they stay small. */
const SIDE_TABLE_CELLS = 1 << 22;

export class IncrementalScatter {
  private readonly totals: ScatterTotals[];
  private readonly keys: KeyIndex[] = [];
  /** per term: candidates that have the label with the term's value (getScatterTerms' count) */
  private readonly present: Int32Array;
  /** per term: candidates on the matched side (scatterPodsByRule's split) */
  private readonly matched: Int32Array;
  private candidates = 0;

  private readonly classes: PodClass[] = [];
  /** per Pod: its class */
  private readonly classOf: Int32Array;
  /** per term: for each class, 1 when it is on the matched side (null when too large) */
  private readonly classSides: (Uint8Array | null)[];
  /** per class: its candidates in the order before scatter, as linked lists (-1 ends them) */
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly after: Int32Array;
  private readonly before: Int32Array;
  /** per Pod: position in the order before scatter */
  private readonly rank: Int32Array;
  private readonly running: number[] = [];
  private readonly levels: ScatterLevel[] = [];

  /** `terms` already expanded (parseUpdateScatterTerms); `labels` of every matched Pod, by index. */
  constructor(
    private readonly terms: readonly ScatterTerm[],
    private readonly labels: readonly Labels[],
  ) {
    const byKey = new Map<string, KeyIndex>();
    terms.forEach((t, k) => {
      let entry = byKey.get(t.key);
      if (!entry) {
        entry = { key: t.key, byValue: new Map(), emptyValueTerm: -1 };
        byKey.set(t.key, entry);
        this.keys.push(entry);
      }
      entry.byValue.set(t.value, k);
      if (t.value === '') entry.emptyValueTerm = k;
    });
    this.present = new Int32Array(terms.length);
    this.matched = new Int32Array(terms.length);
    const n = labels.length;
    this.classOf = new Int32Array(n);
    this.classify();
    // totals over every matched Pod (scatterTotals), counted by class
    const sizes = new Array<number>(this.classes.length).fill(0);
    for (const c of this.classOf) sizes[c]++;
    this.totals = terms.map(() => ({ matched: 0, unmatched: n }));
    this.classes.forEach((c, k) => {
      for (const t of c.matched) {
        this.totals[t].matched += sizes[k];
        this.totals[t].unmatched -= sizes[k];
      }
    });
    const small = terms.length * this.classes.length <= SIDE_TABLE_CELLS;
    this.classSides = terms.map((_, t) =>
      small ? Uint8Array.from(this.classes, (c) => (c.matched.includes(t) ? 1 : 0)) : null,
    );
    this.head = new Int32Array(this.classes.length);
    this.tail = new Int32Array(this.classes.length);
    this.after = new Int32Array(n);
    this.before = new Int32Array(n);
    this.rank = new Int32Array(n);
  }

  // Each Pod relates to at most one term per label key: the one of its value, or the "" one when it lacks
  // the label (matched side only).
  private classify(): void {
    const ids = new Map<string, number>();
    this.labels.forEach((l, i) => {
      const present: number[] = [];
      const matched: number[] = [];
      for (const k of this.keys) {
        if (Object.prototype.hasOwnProperty.call(l, k.key)) {
          const t = k.byValue.get(l[k.key]);
          if (t !== undefined) (present.push(t), matched.push(t));
        } else if (k.emptyValueTerm >= 0) {
          matched.push(k.emptyValueTerm);
        }
      }
      const id = `${present.join(',')}/${matched.join(',')}`;
      let c = ids.get(id);
      if (c === undefined) {
        ids.set(id, (c = this.classes.length));
        this.classes.push({ present, matched });
      }
      this.classOf[i] = c;
    });
  }

  /** The candidates are `order` (in the order before scatter) and nothing else. */
  reset(order: readonly number[]): void {
    this.running.length = 0;
    this.present.fill(0);
    this.matched.fill(0);
    this.candidates = 0;
    const { classOf, head, tail, after, before, rank } = this;
    head.fill(-1);
    tail.fill(-1);
    order.forEach((i, r) => {
      this.count(i, 1);
      const c = classOf[i];
      rank[i] = r;
      before[i] = tail[c];
      after[i] = -1;
      if (tail[c] >= 0) after[tail[c]] = i;
      else head[c] = i;
      tail[c] = i;
    });
  }

  /** A candidate leaves (upgraded, or no longer a candidate); the others keep their order. */
  remove(i: number): void {
    this.count(i, -1);
    const { classOf, head, tail, after, before } = this;
    const c = classOf[i];
    if (before[i] >= 0) after[before[i]] = after[i];
    else head[c] = after[i];
    if (after[i] >= 0) before[after[i]] = before[i];
    else tail[c] = before[i];
  }

  private count(i: number, delta: 1 | -1): void {
    const c = this.classes[this.classOf[i]];
    this.candidates += delta;
    for (const t of c.present) this.present[t] += delta;
    for (const t of c.matched) this.matched[t] += delta;
  }

  /**
   * The candidates in scattered order, given them in the order before scatter (getScatterTerms +
   * scatterPodsByRule). Valid until the next call: the streams are reused round after round.
   */
  order(base: PodStream): PodStream {
    if (this.terms.length === 0 || this.candidates <= 1) return base;
    let stream: PodStream | null = null;
    const below: Uint8Array[] = []; // the class sides of the terms that ran so far
    let depth = 0;
    for (const t of this.runningTerms()) {
      const matched = this.matched[t];
      const unmatched = this.candidates - matched;
      if (matched <= 1 || unmatched <= 1) continue; // scatterPodsByRule leaves the order as it is
      const level = (this.levels[depth++] ??= new ScatterLevel());
      level.slots.reset(this.totals[t], matched - 1, unmatched);
      const sides = this.classSides[t];
      const byClasses = sides !== null && this.classes.length <= MERGE_CLASSES;
      if (byClasses && stream === null) {
        level.readClasses(sides, this.head, this.rank, this.after);
      } else if (byClasses && below.every((lower) => keepsTogether(lower, sides))) {
        // the matched classes were never told apart below: they are still in their own order
        level.readMatchedClasses(stream as PodStream, sides, this.classOf, this.head, this.rank, this.after);
      } else {
        level.split(stream ?? base, sides, this.classOf, (i) => matchesScatterTerm(this.labels[i], this.terms[t]));
      }
      if (sides) below.push(sides);
      else below.push(NO_SIDES);
      stream = level;
    }
    return stream ?? base;
  }

  // A single term always runs; otherwise the terms some candidate has, by that count, most first, ties in
  // term order. Counts move by one Pod at a time, so last round's order is nearly sorted: insertion sort.
  private runningTerms(): readonly number[] {
    const out = this.running;
    const { present } = this;
    if (this.terms.length === 1) {
      out.length = 1;
      out[0] = 0;
      return out;
    }
    if (out.length === 0) for (let t = 0; t < this.terms.length; t++) out.push(t);
    let kept = 0;
    for (let k = 0; k < out.length; k++) if (present[out[k]] > 0) out[kept++] = out[k];
    out.length = kept;
    for (let k = 1; k < out.length; k++) {
      const t = out[k];
      let j = k - 1;
      while (j >= 0 && (present[out[j]] < present[t] || (present[out[j]] === present[t] && out[j] > t))) {
        out[j + 1] = out[j];
        j--;
      }
      out[j + 1] = t;
    }
    return out;
  }
}

const NO_SIDES = new Uint8Array(0);

/**
 * Whether a term that ran (its class sides `lower`) left the classes on the matched side of `sides` on one
 * side of it, all of them: then it kept their relative order. (NO_SIDES: unknown, so no.)
 */
function keepsTogether(lower: Uint8Array, sides: Uint8Array): boolean {
  if (lower.length === 0) return false;
  let side = -1;
  for (let c = 0; c < sides.length; c++) {
    if (sides[c] !== 1) continue;
    if (side < 0) side = lower[c];
    else if (lower[c] !== side) return false;
  }
  return true;
}

/**
 * One term over the order below it: its slots filled from the two sides of that order, read either from the
 * per-class lists (the first term) or by splitting the stream below.
 */
class ScatterLevel implements PodStream {
  readonly slots = new ScatterArrangement();
  private readonly matched = new SideReader(0);
  private readonly unmatched = new SideReader(1);

  /** Both sides from the per-class lists (the first term: the order below is the order before scatter). */
  readClasses(sides: Uint8Array, head: Int32Array, rank: Int32Array, after: Int32Array): void {
    this.matched.mergeClasses(sides, head, rank, after);
    this.unmatched.mergeClasses(sides, head, rank, after);
  }

  /** The matched side from the per-class lists, the unmatched side from the stream below (matched Pods skipped). */
  readMatchedClasses(
    input: PodStream,
    sides: Uint8Array,
    classOf: Int32Array,
    head: Int32Array,
    rank: Int32Array,
    after: Int32Array,
  ): void {
    this.matched.mergeClasses(sides, head, rank, after);
    this.unmatched.split(input, sides, classOf, () => false, null);
  }

  /** Both sides from the stream below. */
  split(input: PodStream, sides: Uint8Array | null, classOf: Int32Array, isMatched: (i: number) => boolean): void {
    this.matched.split(input, sides, classOf, isMatched, this.unmatched);
    this.unmatched.split(input, sides, classOf, isMatched, this.matched);
  }

  next(): number {
    const slot = this.slots.next();
    if (slot === SLOT_END) return -1;
    // the held matched Pod (SLOT_LAST) is the next matched one: all others came before it
    const i = (slot === SLOT_UNMATCHED ? this.unmatched : this.matched).next();
    if (i < 0) throw new Error('internal: scatter counts out of step with the candidates');
    return i;
  }
}

/**
 * The Pods on one side of a term (0 matched, 1 unmatched), in the order below it. Either a merge of the
 * per-class lists on that side (by rank), or a share of a stream read by two readers: what one reads for
 * the other waits in the other's queue.
 */
class SideReader implements PodStream {
  private byClasses = true;
  // merge of classes
  private cursors = new Int32Array(MERGE_CLASSES);
  private count = 0;
  private rank: Int32Array = new Int32Array(0);
  private after: Int32Array = new Int32Array(0);
  // split of a stream
  private input: PodStream | null = null;
  private sides: Uint8Array | null = null;
  private classOf: Int32Array = new Int32Array(0);
  private isMatched: (i: number) => boolean = () => false;
  /** who gets the other side's Pods read on the way (null: nobody needs them, they are dropped) */
  private other: SideReader | null = this;
  private queue = new Int32Array(64);
  private queued = 0;
  private taken = 0;

  constructor(private readonly side: 0 | 1) {}

  mergeClasses(sides: Uint8Array, head: Int32Array, rank: Int32Array, after: Int32Array): void {
    this.byClasses = true;
    this.count = 0;
    for (let c = 0; c < head.length; c++)
      if (sides[c] === 1 - this.side && head[c] >= 0) this.cursors[this.count++] = head[c];
    this.rank = rank;
    this.after = after;
  }

  split(
    input: PodStream,
    sides: Uint8Array | null,
    classOf: Int32Array,
    isMatched: (i: number) => boolean,
    other: SideReader | null,
  ): void {
    this.byClasses = false;
    this.input = input;
    this.sides = sides;
    this.classOf = classOf;
    this.isMatched = isMatched;
    this.other = other;
    this.queued = 0;
    this.taken = 0;
  }

  next(): number {
    return this.byClasses ? this.nextByClasses() : this.nextBySplit();
  }

  private nextByClasses(): number {
    const { cursors, rank } = this;
    let best = -1;
    for (let k = 0; k < this.count; k++) {
      const i = cursors[k];
      if (i >= 0 && (best < 0 || rank[i] < rank[cursors[best]])) best = k;
    }
    if (best < 0) return -1;
    const i = cursors[best];
    cursors[best] = this.after[i];
    return i;
  }

  private nextBySplit(): number {
    if (this.taken < this.queued) return this.queue[this.taken++];
    for (;;) {
      const i = (this.input as PodStream).next();
      if (i < 0) return -1;
      const matched = this.sides ? this.sides[this.classOf[i]] === 1 : this.isMatched(i);
      if ((matched ? 0 : 1) === this.side) return i;
      this.other?.enqueue(i);
    }
  }

  private enqueue(i: number): void {
    if (this.queued === this.queue.length) {
      const grown = new Int32Array(this.queue.length * 2);
      grown.set(this.queue);
      this.queue = grown;
    }
    this.queue[this.queued++] = i;
  }
}
