// The default order of the candidates: Kubernetes' ActivePods (pkg/controller/controller_utils.go), which
// Kruise applies with sort.Slice. First to upgrade: unscheduled, then Pending < Unknown < Running (any other
// phase ranks as Pending), not ready (Ready condition) before ready, the most recently ready, the most
// restarted, the newest (a zero time always first). Kruise's sort is unstable and its Pod list comes from a
// cache in no particular order, so ties are unspecified there; we keep them in input order.
// The rules are turned into numeric keys once per Pod, so that sorting 100,000 Pods compares numbers only.
import { sortPositions } from '../../go/sort.js';
import type { RolloutPod } from './types.js';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(phase: string): number {
  return PHASE_ORDINAL[phase] ?? 0;
}

/** The default order's keys of some Pods, by their position in the list given; smaller goes first, key by key. */
export interface DefaultSortKeys {
  /** scheduled (0 or 1), then the phase ordinal, then the Ready condition (0 or 1), as one number */
  group: Int32Array;
  /** when both are ready: a zero time first, then the most recently ready (0 for Pods that are not ready) */
  readySince: Float64Array;
  /** the highest restart count first */
  restarts: Float64Array;
  /** a zero creation time first, then the newest */
  created: Float64Array;
}

// afterOrZero as a key: a zero time before every other, then later times first.
const newerFirst = (ms: number | null): number => (ms === null ? -Infinity : -ms);

export function defaultSortKeys(pods: readonly RolloutPod[], indexes: readonly number[]): DefaultSortKeys {
  const n = indexes.length;
  const keys: DefaultSortKeys = {
    group: new Int32Array(n),
    readySince: new Float64Array(n),
    restarts: new Float64Array(n),
    created: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) setDefaultSortKey(keys, k, pods[indexes[k]]);
  return keys;
}

/** (Re)computes the keys at one position, for a Pod that changed (its restart count). */
export function setDefaultSortKey(keys: DefaultSortKeys, k: number, p: RolloutPod): void {
  keys.group[k] = (p.nodeName === '' ? 0 : 6) + phaseOrdinal(p.phase) * 2 + (p.conditionReady ? 1 : 0);
  keys.readySince[k] = p.conditionReady ? newerFirst(p.readyTime) : 0;
  keys.restarts[k] = -p.maxRestarts;
  keys.created[k] = newerFirst(p.creationTime);
}

/** ActivePods.Less on keys: negative when the Pod at position a goes before the one at b, 0 for a tie. */
export function compareDefaultKeys(keys: DefaultSortKeys, a: number, b: number): number {
  return (
    keys.group[a] - keys.group[b] ||
    compareNumbers(keys.readySince[a], keys.readySince[b]) ||
    compareNumbers(keys.restarts[a], keys.restarts[b]) ||
    compareNumbers(keys.created[a], keys.created[b])
  );
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The candidates in default order (stable: ties keep the order of `indexes`). Returns a new array. */
export function sortDefault(pods: readonly RolloutPod[], indexes: readonly number[]): number[] {
  const keys = defaultSortKeys(pods, indexes);
  return sortPositions(indexes.length, (a, b) => compareDefaultKeys(keys, a, b)).map((k) => indexes[k]);
}
