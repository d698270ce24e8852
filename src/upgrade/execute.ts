// The upgrade's executor: follows the live Pods with watches (re-listed after a dropped watch or 410, by the
// cluster layer), asks the step function what to do after every change, and acts: journals, then patches a
// batch's Pods (each one guarded patch), then waits for them. It stops at the first pause, on the signal (no new
// patch starts; requests under way are abandoned, each patch being applied whole or not at all), and when the
// batch wait passes the timeout.
import type { Pod } from '../k8s/api.js';
import type { SidecarSet } from '../kruise/apis/types.js';
import type { PodReason, PodRef, RolloutPlan } from '../kruise/rollout/plan-schema.js';
import type { StrategyOverrides } from '../kruise/rollout/types.js';
import { SidecarSetHashAnnotation } from '../kruise/apis/types.js';
import type { LiveInputs } from '../pipeline/live-status.js';
import { ApiError } from '../cluster/api-error.js';
import { backoff, sleep } from '../cluster/transport.js';
import { writeJournal, type Journal } from './journal.js';
import { snapshotOf } from './pod-patch.js';
import {
  inFlightOf,
  nextStep,
  podChange,
  podKey,
  type InFlightPod,
  type PauseReason,
  type PodChange,
  type Step,
} from './step.js';

type ClusterApi = typeof import('../cluster/index.js');
type Cluster = import('../cluster/index.js').Cluster;

/** Pods patched at once. */
export const PATCH_CONCURRENCY = 16;
/** Attempts of one Pod's patch when its preconditions fail (409/422): re-read, decide again, patch again. */
export const MAX_PRECONDITION_ATTEMPTS = 5;

export type UpgradeEvent =
  | { event: 'batch'; batch: number; pods: PodRef[]; reset: boolean }
  | { event: 'patched'; batch: number; namespace: string; name: string; images: ImageChange[]; dryRun: boolean }
  | { event: 'retry'; namespace: string; name: string; attempt: number; reason: string }
  | { event: 'ready'; batch: number; namespace: string; name: string }
  | { event: 'failed'; namespace: string; name: string; message: string }
  | { event: 'waiting'; batch: number; pods: PodRef[]; why: string };

export interface ImageChange {
  container: string;
  from: string;
  to: string;
}

export type Outcome =
  | { result: 'complete'; plan: RolloutPlan; batches: number; patched: number; notUpgradable: PodReason[] }
  | { result: 'dryRun'; patched: number }
  /** start() said no (not confirmed, or a client dry run that only prints) */
  | { result: 'declined' }
  | { result: 'paused'; reason: PauseReason | 'PatchFailed'; message: string; pods: PodRef[] }
  | { result: 'timedOut'; message: string; pods: PodRef[] }
  | { result: 'interrupted'; message: string };

export interface ExecuteOptions {
  api: ClusterApi;
  cluster: Cluster;
  name: string;
  /** the SidecarSet given with -f (its Pods watched, the cluster's SidecarSet not read) */
  given?: SidecarSet;
  /** the target the plan reads, from the SidecarSet as watched */
  target(stored: SidecarSet): SidecarSet;
  overrides: StrategyOverrides;
  namespace?: string;
  labelSelector?: string;
  dryRun: boolean;
  /** ms a batch may take to become ready; 0: no limit */
  timeoutMs: number;
  journal?: { file: string; journal: Journal };
  /** metav1.Time text of now */
  now(): string;
  /** SIGINT / SIGTERM */
  signal: AbortSignal;
  emit(e: UpgradeEvent): void;
  /** asked once, with the first step, before anything is changed: go on? */
  start?(step: Step): Promise<boolean>;
}

export async function executeUpgrade(o: ExecuteOptions): Promise<Outcome> {
  const live = await import('../pipeline/live-status.js');
  const ctl = new AbortController();
  const interrupt = () => ctl.abort();
  o.signal.addEventListener('abort', interrupt, { once: true });
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingFor: PodRef[] = [];
  const inFlight = new Map<string, InFlightPod & { batch: number }>();
  let batch = 0;
  let patched = 0;
  let stored: SidecarSet | undefined;
  let target: SidecarSet | undefined;
  const startTimer = () => {
    if (timer || o.timeoutMs <= 0) return;
    timer = setTimeout(() => ((timedOut = true), ctl.abort()), o.timeoutMs);
  };
  const stopTimer = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  try {
    const inputs = live.watchLiveInputs(
      o.api,
      o.cluster,
      { name: o.name, namespace: o.namespace, labelSelector: o.labelSelector, sidecarSet: o.given },
      ctl.signal,
    );
    for await (const state of inputs) {
      if (ctl.signal.aborted) break;
      if (state.sidecarSet !== stored) {
        stored = state.sidecarSet;
        target = o.target(stored);
      }
      const step = nextStep(state, { target: target!, overrides: o.overrides, now: o.now(), inFlight });
      if (o.start) {
        const go = await o.start(step);
        o.start = undefined;
        if (!go) return { result: 'declined' };
        if (ctl.signal.aborted) break;
      }
      settle(step, inFlight, o.emit);
      if (step.kind === 'pause')
        return { result: 'paused', reason: step.reason, message: step.message, pods: step.pods };
      if (step.kind === 'done') {
        return {
          result: 'complete',
          plan: step.plan,
          batches: batch,
          patched,
          notUpgradable: step.plan.notUpgradable,
        };
      }
      if (step.kind === 'wait') {
        const key = step.pods.map(podKey).join(',');
        if (key !== waitingFor.map(podKey).join(','))
          o.emit({ event: 'waiting', batch, pods: step.pods, why: step.why });
        waitingFor = step.pods;
        startTimer();
        continue;
      }
      stopTimer();
      batch++;
      o.emit({ event: 'batch', batch, pods: step.changes.map((c) => ref(c.pod)), reset: step.reset });
      const result = await patchBatch(o, step.changes, batch, target!, state, ctl.signal);
      patched += result.patched.length;
      for (const f of result.patched) inFlight.set(podKey(f), { ...f, batch });
      if (o.signal.aborted) break;
      if (result.failed.length > 0) {
        return {
          result: 'paused',
          reason: 'PatchFailed',
          message: `${result.failed.length} Pod${result.failed.length > 1 ? 's were' : ' was'} not patched: ${result.failed.map((f) => f.message).join('; ')}`,
          pods: result.failed,
        };
      }
      if (o.dryRun) return { result: 'dryRun', patched };
      waitingFor = step.changes.map((c) => ref(c.pod));
      startTimer();
    }
    if (timedOut) {
      return {
        result: 'timedOut',
        message: `not every Pod was done within the timeout: ${waitingFor.map(podKey).join(', ') || 'none seen yet'}`,
        pods: waitingFor,
      };
    }
    return { result: 'interrupted', message: interruptedMessage(inFlight) };
  } catch (err) {
    if (o.signal.aborted) return { result: 'interrupted', message: interruptedMessage(inFlight) };
    if (timedOut) return { result: 'timedOut', message: 'the timeout passed', pods: waitingFor };
    throw err;
  } finally {
    stopTimer();
    o.signal.removeEventListener('abort', interrupt);
    ctl.abort();
  }
}

function interruptedMessage(inFlight: Map<string, unknown>): string {
  const n = inFlight.size;
  return n === 0
    ? 'interrupted: no patch was under way'
    : `interrupted: no new patch was started; ${n} patched Pod${n > 1 ? 's' : ''} had not finished restarting (rerun the same command to go on)`;
}

/** Emits `ready` for the in-flight Pods the step no longer waits for, and forgets them. */
function settle(step: Step, inFlight: Map<string, InFlightPod & { batch: number }>, emit: (e: UpgradeEvent) => void) {
  if (step.kind === 'pause') return;
  const waiting = new Set(step.kind === 'wait' ? step.pods.map(podKey) : []);
  for (const [key, f] of inFlight) {
    if (waiting.has(key)) continue;
    inFlight.delete(key);
    emit({ event: 'ready', batch: f.batch, namespace: f.namespace, name: f.name });
  }
}

interface BatchResult {
  patched: InFlightPod[];
  failed: (PodRef & { message: string })[];
}

async function patchBatch(
  o: ExecuteOptions,
  changes: PodChange[],
  batch: number,
  target: SidecarSet,
  state: LiveInputs,
  signal: AbortSignal,
): Promise<BatchResult> {
  if (o.journal && !o.dryRun) {
    // write-ahead: every Pod of the batch is in the journal before the first of them is patched
    for (const c of changes) journalPod(o.journal.journal, c);
    writeJournal(o.journal.file, o.journal.journal);
  }
  const result: BatchResult = { patched: [], failed: [] };
  let next = 0;
  const worker = async () => {
    while (next < changes.length && !o.signal.aborted) {
      const change = changes[next++];
      const r = await patchPod(o, change, target, state, signal);
      if (r.kind === 'patched') {
        result.patched.push(inFlightOf(r.change));
        o.emit({
          event: 'patched',
          batch,
          namespace: r.change.pod.metadata.namespace ?? '',
          name: r.change.pod.metadata.name ?? '',
          images: imageChanges(r.change),
          dryRun: o.dryRun,
        });
      } else if (r.kind === 'failed') {
        result.failed.push({ ...ref(change.pod), message: r.message });
        o.emit({ event: 'failed', ...ref(change.pod), message: r.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PATCH_CONCURRENCY, changes.length) }, worker));
  return result;
}

type PatchResult = { kind: 'patched'; change: PodChange } | { kind: 'skipped' } | { kind: 'failed'; message: string };

/** One Pod: the guarded patch; on a failed precondition, read the Pod again and decide again. */
async function patchPod(
  o: ExecuteOptions,
  first: PodChange,
  target: SidecarSet,
  state: LiveInputs,
  signal: AbortSignal,
): Promise<PatchResult> {
  const { api, cluster } = o;
  const namespace = first.pod.metadata.namespace ?? '';
  const name = first.pod.metadata.name ?? '';
  let change = first;
  for (let attempt = 1; ; attempt++) {
    try {
      await api.patchObject(cluster, api.POD, name, change.patch, { namespace, retry: true, dryRun: o.dryRun, signal });
      return { kind: 'patched', change };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (signal.aborted) return { kind: 'skipped' };
      if (err.code !== 409 && err.code !== 422) return { kind: 'failed', message: err.message };
      if (attempt >= MAX_PRECONDITION_ATTEMPTS)
        return { kind: 'failed', message: `${err.message} (after ${attempt} attempts)` };
      o.emit({ event: 'retry', namespace, name, attempt, reason: err.message });
      await sleep(backoff(attempt), signal);
      let fresh: Pod;
      try {
        fresh = (await api.getObject(cluster, api.POD, name, { namespace })) as unknown as Pod;
      } catch (e) {
        if (e instanceof ApiError) return { kind: 'failed', message: e.message };
        throw e;
      }
      if (fresh.metadata.uid !== first.pod.metadata.uid)
        return { kind: 'failed', message: `Pod ${namespace}/${name} was created again while it was being patched` };
      const again = podChange({ target, now: o.now() }, fresh, state.namespaces);
      if (!again) {
        // already at the target: an earlier attempt landed (a reply lost after it was applied) or someone else
        // wrote it; either way it is waited for like the others
        return isAtTarget(fresh, target) ? { kind: 'patched', change: first } : { kind: 'skipped' };
      }
      change = again;
      if (o.journal && !o.dryRun) {
        journalPod(o.journal.journal, change);
        writeJournal(o.journal.file, o.journal.journal);
      }
    }
  }
}

function isAtTarget(pod: Pod, target: SidecarSet): boolean {
  const entry = pod.metadata.annotations?.[SidecarSetHashAnnotation] ?? '';
  const hash = target.metadata.annotations?.[SidecarSetHashAnnotation] ?? '';
  return hash !== '' && entry.includes(JSON.stringify(hash));
}

/**
 * Records what the Pod had before this rollout first changed it, and what the change writes. A Pod changed
 * again (a HotUpgrade reset, a patch decided again after a conflict) keeps its first values.
 */
function journalPod(journal: Journal, change: PodChange): void {
  const uid = String(change.pod.metadata.uid ?? '');
  const touched = touchedBy(change);
  const before = snapshotOf(change.pod, touched);
  const wrote = snapshotOf(change.after, touched);
  const had = journal.pods[change.key];
  if (had?.uid === uid) {
    before.images = { ...before.images, ...had.snapshot.images };
    before.annotations = { ...before.annotations, ...had.snapshot.annotations };
    wrote.images = { ...had.wrote.images, ...wrote.images };
    wrote.annotations = { ...had.wrote.annotations, ...wrote.annotations };
  }
  journal.pods[change.key] = {
    namespace: change.pod.metadata.namespace ?? '',
    name: change.pod.metadata.name ?? '',
    uid,
    snapshot: before,
    wrote,
  };
}

/** The containers and annotation keys a change writes. */
export function touchedBy(change: PodChange): { containers: string[]; annotations: string[] } {
  const before = change.pod.metadata.annotations ?? {};
  const after = change.after.metadata.annotations ?? {};
  const annotations = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => before[k] !== after[k],
  );
  return { containers: change.containers, annotations };
}

export function imageChanges(change: PodChange): ImageChange[] {
  return change.containers.map((container) => ({
    container,
    from: change.pod.spec.containers.find((c) => c.name === container)?.image ?? '',
    to: change.after.spec.containers.find((c) => c.name === container)?.image ?? '',
  }));
}

const ref = (p: Pod | PodRef): PodRef =>
  'metadata' in p
    ? { namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '' }
    : { namespace: p.namespace, name: p.name };
