// A matched Pod as the controller sees it, read once from the Pod object into a small record the simulation
// can change in place (images, statuses, hash, in-place record) without copying whole Pods; and the
// controller's predicates on it: updated, upgradable in place, consistent, and the two meanings of ready.
import { type Pod } from '../../k8s/api.js';
import { isContainerImageEqual } from '../../k8s/imageref.js';
import {
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  SidecarSetWorkingHotUpgradeContainer,
} from '../apis/types.js';
import { podNamespace } from '../sidecarcontrol/match.js';
import { parseStringMapLeniently } from '../sidecarcontrol/pod-annotations.js';
import { podSidecarSetHash as podHashEntry, readInPlaceRecord } from './pod-annotations.js';
import type { ContainerStatusView, ContainerView, RolloutContext, RolloutPod, SidecarView } from './types.js';

interface WireStatus {
  phase?: string;
  conditions?: { type?: string; status?: string; lastTransitionTime?: string | null }[];
  containerStatuses?: { name?: string; image?: string; imageID?: string; ready?: boolean; restartCount?: number }[];
}

/**
 * Reads a matched Pod. The Pod object is not kept nor changed. With `sidecarSet` (its two hashes), a Pod's
 * hash that equals the SidecarSet's is kept as the SidecarSet's very string, which makes the comparisons
 * every round does on 100,000 Pods cost a pointer. `share` gives the one copy kept of a string that many Pods
 * carry (images, imageIDs, hashes, nodes): 100,000 Pods then hold far less memory.
 */
export function readRolloutPod(
  pod: Pod,
  index: number,
  sidecarSetName: string,
  sidecarSet?: { hash: string; hashWithoutImage: string },
  share: <T>(s: T) => T = (s) => s,
): RolloutPod {
  const meta = pod.metadata ?? {};
  const annotations = meta.annotations ?? {};
  const status = (pod.status ?? undefined) as WireStatus | undefined;
  // podutil.IsPodReady reads the first Ready condition; podReadyTime the first Ready=True one.
  const ready = (status?.conditions ?? []).find((c) => c?.type === 'Ready');
  const conditionReady = ready?.status === 'True';
  const statuses = (status?.containerStatuses ?? []).map((s) => ({
    name: share(s?.name ?? ''),
    image: share(s?.image ?? ''),
    imageID: share(s?.imageID ?? ''),
    ready: s?.ready === true,
    restartCount: s?.restartCount ?? 0,
  }));
  return {
    index,
    namespace: share(podNamespace(pod)),
    name: meta.name ?? '',
    labels: meta.labels ?? {},
    nodeName: share((pod.spec?.nodeName as string | undefined) ?? ''),
    creationTime: goTime(meta.creationTimestamp),
    phase: status?.phase ?? '',
    deleting: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    conditionReady,
    readyTime: conditionReady ? goTime(ready?.lastTransitionTime) : null,
    hasStatus:
      !!status &&
      (status.phase !== undefined || status.conditions !== undefined || status.containerStatuses !== undefined),
    containers: (pod.spec?.containers ?? []).map((c) => ({ name: share(c.name), image: share(c.image ?? '') })),
    initContainers: pod.spec?.initContainers?.length
      ? pod.spec.initContainers.map((c) => ({ name: share(c.name), image: share(c.image ?? '') }))
      : NO_CONTAINERS,
    statuses,
    maxRestarts: statuses.reduce((m, s) => Math.max(m, s.restartCount), 0),
    hash: share(same(podHashEntry(pod, SidecarSetHashAnnotation, sidecarSetName), sidecarSet?.hash)),
    hashWithoutImage: share(
      same(podHashEntry(pod, SidecarSetHashWithoutImageAnnotation, sidecarSetName), sidecarSet?.hashWithoutImage),
    ),
    inPlace: readInPlaceRecord(annotations, sidecarSetName),
    working: Object.prototype.hasOwnProperty.call(annotations, SidecarSetWorkingHotUpgradeContainer)
      ? parseStringMapLeniently(annotations[SidecarSetWorkingHotUpgradeContainer])
      : NO_WORKING,
  };
}

const same = (s: string, known: string | undefined): string => (s === known ? known : s);

/** No working containers, shared (most Pods have no HotUpgrade sidecar). */
export const NO_WORKING: ReadonlyMap<string, string> = new Map();

/** The empty container list, shared (most Pods have no init containers; lists are never changed, only their containers). */
export const NO_CONTAINERS: ContainerView[] = Object.freeze([]) as unknown as ContainerView[];

/** A metav1.Time: ms since the epoch, or null for Go's zero time (absent, null, 0001-01-01T00:00:00Z). */
function goTime(v: unknown): number | null {
  if (typeof v !== 'string' || v === '') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) || ms === GO_ZERO_TIME ? null : ms;
}
const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

// ---- lookups ----

/** util.GetContainer: init containers first, then containers. */
export function podContainer(p: RolloutPod, name: string): ContainerView | undefined {
  for (const c of p.initContainers) if (c.name === name) return c;
  for (const c of p.containers) if (c.name === name) return c;
  return undefined;
}

/**
 * The status of a container: the last one of that name, as Go's name-keyed maps keep it, or the first, as
 * podutil.GetExistingContainerStatus finds it (they differ only for a malformed status with duplicates).
 */
export function containerStatus(
  p: RolloutPod,
  name: string,
  which: 'first' | 'last' = 'last',
): ContainerStatusView | undefined {
  if (which === 'first') return p.statuses.find((s) => s.name === name);
  for (let i = p.statuses.length - 1; i >= 0; i--) if (p.statuses[i].name === name) return p.statuses[i];
  return undefined;
}

/** util.GetPodContainerImageIDs: an imageID without its "scheme://" prefix (strings.Split(id, "://")[1]). */
export function imageIDWithoutScheme(imageID: string): string {
  const at = imageID.indexOf('://');
  if (at < 0) return imageID;
  const rest = imageID.slice(at + 3);
  const next = rest.indexOf('://');
  return next < 0 ? rest : rest.slice(0, next);
}

// ---- the controller's predicates ----

/** IsPodSidecarUpdated: the Pod's hash entry is the SidecarSet's hash (nothing else counts). */
export function isUpdated(ctx: RolloutContext, p: RolloutPod): boolean {
  return p.hash === ctx.hash;
}

/** updateStrategy.selector selects the Pod (no selector: every Pod; one that does not compile: none). */
export function isSelectedForUpdate(ctx: RolloutContext, p: RolloutPod): boolean {
  const selector = ctx.strategy.selector;
  if (selector === null) return true;
  if (selector === 'invalid') return false;
  return selector.matches(p.labels);
}

/** First half of IsSidecarSetUpgradable: only images change in place, so the hash-without-image must match. */
export function isUpgradableInPlace(ctx: RolloutContext, p: RolloutPod): boolean {
  return p.hashWithoutImage === ctx.hashWithoutImage;
}

/**
 * IsPodStateConsistent: the previous in-place update of the named sidecar containers (all of them when
 * `names` is omitted or empty) has taken effect.
 */
export function isConsistent(ctx: RolloutContext, p: RolloutPod, names?: ReadonlySet<string>): boolean {
  if (p.containers.length !== p.statuses.length) return false;
  const set = names && names.size > 0 ? names : ctx.sidecarContainerNames;
  let allDigest = true;
  for (const c of p.containers) {
    if (!set.has(c.name)) continue;
    if (!ctx.isDigest(c.image)) {
      allDigest = false;
      break;
    }
    const s = containerStatus(p, c.name);
    if (!s || !isContainerImageEqual(c.image, imageIDWithoutScheme(s.imageID))) return false;
  }
  return allDigest || isUpdateCompleted(p, set);
}

/**
 * IsSidecarContainerUpdateCompleted: for each named container Kruise recorded an imageID for, the update
 * is still pending when the status shows that same imageID while spec and status images differ.
 */
export function isUpdateCompleted(p: RolloutPod, names: ReadonlySet<string>): boolean {
  if (p.inPlace.kind === 'absent') return true;
  if (p.inPlace.kind === 'invalid') return false;
  const last = p.inPlace.lastImageIDs;
  for (const s of p.statuses) {
    if (!names.has(s.name)) continue;
    const recorded = last.get(s.name);
    if (recorded !== undefined && recorded === s.imageID && specImage(p, s.name) !== s.image) return false;
  }
  return true;
}

/** The image of spec.containers[name] as Go's name-keyed maps hold it: the last of that name, "" when none. */
export function specImage(p: RolloutPod, name: string): string {
  for (let i = p.containers.length - 1; i >= 0; i--) if (p.containers[i].name === name) return p.containers[i].image;
  return '';
}

/** podutil.IsPodReady: the Ready condition is True (the default order's notion of ready). */
export function isConditionReady(p: RolloutPod): boolean {
  return p.conditionReady;
}

/** util.IsRunningAndReady. */
export function isRunningAndReady(p: RolloutPod): boolean {
  return p.phase === 'Running' && p.conditionReady && !p.deleting;
}

/** SidecarControl.IsPodReady (the maxUnavailable budget's notion): running and ready, every idle hot-upgrade container on its empty image. */
export function isKruiseReady(ctx: RolloutContext, p: RolloutPod): boolean {
  for (const sidecar of ctx.hotSidecars) {
    if (sidecar.emptyImage === '') continue;
    const idle = workingAndIdle(p, sidecar)[1];
    for (const c of p.containers) if (c.name === idle && c.image !== sidecar.emptyImage) return false;
  }
  return isRunningAndReady(p);
}

/**
 * GetPodHotUpgradeContainers: [working, idle]. The working container is NAME-1 only when the annotation
 * says exactly that; otherwise NAME-2.
 */
export function workingAndIdle(p: RolloutPod, sidecar: SidecarView): [string, string] {
  const [one, two] = [`${sidecar.name}-1`, `${sidecar.name}-2`];
  return p.working.get(sidecar.name) === one ? [one, two] : [two, one];
}

/**
 * The second half of IsSidecarSetUpgradable: a sidecar container whose status is ready but whose previous
 * in-place update has not taken effect yet makes the Pod wait (neither a candidate nor reported).
 * Returns that container's name, or undefined.
 */
export function sidecarInFlight(ctx: RolloutContext, p: RolloutPod): string | undefined {
  for (const name of ctx.sortedSidecarContainerNames) {
    if (containerStatus(p, name)?.ready === true && !isConsistent(ctx, p, ctx.only(name))) return name;
  }
  return undefined;
}
