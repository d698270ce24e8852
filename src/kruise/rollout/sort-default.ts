// The default order of the candidates: Kubernetes' ActivePods (pkg/controller/controller_utils.go), which
// Kruise applies with sort.Slice. First to upgrade: unscheduled, then Pending < Unknown < Running (any other
// phase ranks as Pending), not ready (Ready condition) before ready, the most recently ready, the most
// restarted, the newest (a zero time always first). Kruise's sort is unstable and its Pod list comes from a
// cache in no particular order, so ties are unspecified there; we keep them in input order.
import type { RolloutPod } from './pod-state.js';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(phase: string): number {
  return PHASE_ORDINAL[phase] ?? 0;
}

/** afterOrZero as a comparison: a zero time first, then the later time first; 0 when equal. */
function newerFirst(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a > b ? -1 : 1;
}

/** Negative when `a` is upgraded before `b` (ActivePods.Less(a, b)), positive when after, 0 for a tie. */
export function compareActivePods(a: RolloutPod, b: RolloutPod): number {
  const aUnassigned = a.nodeName === '';
  const bUnassigned = b.nodeName === '';
  if (aUnassigned !== bUnassigned) return aUnassigned ? -1 : 1;
  const pa = phaseOrdinal(a.phase);
  const pb = phaseOrdinal(b.phase);
  if (pa !== pb) return pa - pb;
  if (a.conditionReady !== b.conditionReady) return a.conditionReady ? 1 : -1;
  if (a.conditionReady) {
    const byReady = newerFirst(a.readyTime, b.readyTime);
    if (byReady !== 0) return byReady;
  }
  if (a.maxRestarts !== b.maxRestarts) return b.maxRestarts - a.maxRestarts;
  return newerFirst(a.creationTime, b.creationTime);
}

/** The candidates in default order (stable: ties keep the order of `indexes`). Returns a new array. */
export function sortDefault(pods: readonly RolloutPod[], indexes: readonly number[]): number[] {
  return [...indexes].sort((i, j) => compareActivePods(pods[i], pods[j]));
}
