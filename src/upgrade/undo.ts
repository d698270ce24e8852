// `upgrade NAME --undo`: the Pods of the journal back to what they had before the last run, each with one
// guarded patch (undoPatch: only where the values are still what the run wrote). A Pod that is gone, was created
// again, or was changed since is skipped and named.
import type { Pod } from '../k8s/api.js';
import { ApiError } from '../cluster/api-error.js';
import { writeJournal, type Journal } from './journal.js';
import { undoPatch, type PodSnapshot } from './pod-patch.js';
import { PATCH_CONCURRENCY } from './execute.js';

type ClusterApi = typeof import('../cluster/index.js');
type Cluster = import('../cluster/index.js').Cluster;

export type UndoEvent =
  | { event: 'restored'; namespace: string; name: string; dryRun: boolean }
  | { event: 'skipped'; namespace: string; name: string; reason: string };

export interface UndoOutcome {
  restored: number;
  skipped: { namespace: string; name: string; reason: string }[];
}

export async function undoUpgrade(o: {
  api: ClusterApi;
  cluster: Cluster;
  file: string;
  journal: Journal;
  dryRun: boolean;
  signal: AbortSignal;
  emit(e: UndoEvent): void;
}): Promise<UndoOutcome> {
  const { api, cluster } = o;
  const entries = Object.values(o.journal.pods);
  const outcome: UndoOutcome = { restored: 0, skipped: [] };
  const skip = (e: { namespace: string; name: string }, reason: string) => {
    outcome.skipped.push({ namespace: e.namespace, name: e.name, reason });
    o.emit({ event: 'skipped', namespace: e.namespace, name: e.name, reason });
  };
  let next = 0;
  const worker = async () => {
    while (next < entries.length && !o.signal.aborted) {
      const e = entries[next++];
      let pod: Pod;
      try {
        pod = (await api.getObject(cluster, api.POD, e.name, { namespace: e.namespace })) as unknown as Pod;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) {
          skip(e, 'the Pod no longer exists');
          continue;
        }
        if (err instanceof ApiError) {
          skip(e, err.message);
          continue;
        }
        throw err;
      }
      if (String(pod.metadata.uid ?? '') !== e.uid) {
        skip(e, 'the Pod was created again since the upgrade');
        continue;
      }
      if (holds(pod, e.snapshot)) continue; // never changed (its patch did not go through), or restored already
      const patch = undoPatch(pod, e.snapshot, e.wrote);
      if (!Array.isArray(patch)) {
        skip(e, `changed since the upgrade: ${patch.conflict}`);
        continue;
      }
      if (patch.length === 0) continue;
      try {
        await api.patchObject(cluster, api.POD, e.name, patch, {
          namespace: e.namespace,
          retry: true,
          dryRun: o.dryRun,
          signal: o.signal,
        });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (o.signal.aborted) return;
        skip(e, err.code === 409 || err.code === 422 ? `changed while it was restored: ${err.message}` : err.message);
        continue;
      }
      outcome.restored++;
      o.emit({ event: 'restored', namespace: e.namespace, name: e.name, dryRun: o.dryRun });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PATCH_CONCURRENCY, entries.length) }, worker));
  if (!o.dryRun && !o.signal.aborted) writeJournal(o.file, { ...o.journal, state: 'undone' });
  return outcome;
}

/** The Pod holds every value of the snapshot. */
function holds(pod: Pod, s: PodSnapshot): boolean {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  return (
    Object.entries(s.images).every(([c, image]) => (all.find((x) => x.name === c)?.image ?? '') === image) &&
    Object.entries(s.annotations).every(([k, v]) => (pod.metadata.annotations?.[k] ?? null) === v)
  );
}
