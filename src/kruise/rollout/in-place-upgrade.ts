// What Kruise's SidecarSet controller writes on one Pod it upgrades in place (sidecarset_processor.go
// updatePodSidecarAndHash / updatePodSidecarContainer, sidecarcontrol UpgradeSidecarContainer,
// UpdatePodSidecarSetHash, UpdatePodAnnotationsInUpgrade, PatchPodMetadata), and the HotUpgrade reset of the
// old container to the empty image (sidecarset_hotupgrade.go flipPodSidecarContainerDo). Pure: the time
// Kruise takes from metav1.Now() and the Namespace labels come in the context.
//
// Which Pods go when (updateStrategy: selector, partition, maxUnavailable, Pods still in flight) is the plan's
// business (planRollout); this answers for one Pod what Kruise writes when it upgrades it.
//
// Not written, as Kruise does not write them here for a matched Pod: kruise.io/sidecarset-injected-list (Kruise
// fills it only when it is empty, and a Pod without it is not matched) and the hash-without-image entry (left
// as injected, except for the legacy-form conversion of updatePodSidecarSetHash). The SidecarSetUpgradable
// condition Kruise then patches into the Pod's status is a write of its own: upgradable-condition.ts.
import type { Container, Pod } from '../../k8s/api.js';
import { kruiseTimestamp } from '../../k8s/meta-time.js';
import { SidecarSetWorkingHotUpgradeContainer, type SidecarSet } from '../apis/types.js';
import { podSidecarSetVersionAltAnnotation, podSidecarSetVersionAnnotation } from '../sidecarcontrol/hot-upgrade.js';
import type { NamespaceLabels } from '../sidecarcontrol/match.js';
import { patchPodMetadata } from '../sidecarcontrol/patch-metadata.js';
import { marshalStringMap, parseStringMapLeniently } from '../sidecarcontrol/pod-annotations.js';
import { buildRolloutContext } from './context.js';
import { findContainerToHotUpgrade, needsHotUpgradeReset } from './hot-upgrade.js';
import { updatePodAnnotationsInUpgrade } from './in-place-state.js';
import { podMatcher } from './matched.js';
import { nonImageDifferences } from './not-upgradable.js';
import { updatePodSidecarSetHash } from './pod-hash-update.js';
import { isUpdated, isUpgradableInPlace, readRolloutPod, workingAndIdle } from './pod-state.js';
import type { RolloutContext, RolloutPod } from './types.js';

export type PodUpgrade =
  /** `pod`: the Pod exactly as Kruise would write it; `containers`: the Pod containers whose image changed */
  | { kind: 'upgrade'; pod: Pod; containers: string[] }
  /** already at the SidecarSet's hash, and no HotUpgrade container to reset: nothing to do */
  | { kind: 'updated' }
  /** a non-image field of a sidecar differs (the hash-without-image is not the SidecarSet's): cannot go in place */
  | { kind: 'recreate'; container: string; field: string }
  | { kind: 'not-matched' | 'not-injected'; reason: string };

export interface UpgradeContext {
  /** metav1.Time text of the moment of the write (Kruise's metav1.Now()), e.g. 2026-01-02T03:04:05Z */
  now: string;
  /** labels of the Namespaces spec.namespaceSelector looks at, by name (needed only when it is set) */
  namespaces?: NamespaceLabels;
}

const NO_NAMESPACES: NamespaceLabels = new Map();

/**
 * What Kruise's controller does to `pod` for `sidecarSet` (its stored form: hash annotations, resourceVersion,
 * status.latestRevision as the API server holds them). `pod` is not changed. A HotUpgrade Pod whose new
 * container has taken over gets the reset of its old container (an 'upgrade' that changes the idle container
 * back to the empty image, hash untouched), as Kruise does before upgrading anything else.
 * Throws SidecarsetError when the SidecarSet's selectors are invalid, `context.now` is not a time, or a
 * patchPodMetadata MergePatchJson cannot merge.
 */
export function upgradePod(sidecarSet: SidecarSet, pod: Pod, context: UpgradeContext): PodUpgrade {
  const now = kruiseTimestamp(context.now);
  const miss = podMatcher(sidecarSet, context.namespaces ?? NO_NAMESPACES)(pod);
  if (miss) {
    const kind =
      miss.reason === 'NotInjected' || miss.reason === 'MissingSidecarContainers' ? 'not-injected' : 'not-matched';
    return { kind, reason: miss.detail };
  }
  const ctx = buildRolloutContext(sidecarSet);
  const p = readRolloutPod(pod, 0, ctx.name, ctx);
  if (needsHotUpgradeReset(ctx, p)) return resetHotUpgradeContainers(sidecarSet, ctx, p, pod, now);
  if (isUpdated(ctx, p)) return { kind: 'updated' };
  if (!isUpgradableInPlace(ctx, p)) return recreate(sidecarSet, pod);

  const out = structuredClone(pod);
  const annotations = (out.metadata.annotations ??= {});
  const changed: string[] = [];
  for (const sidecar of ctx.sidecars) {
    let target = sidecar.name;
    let other = sidecar.name;
    if (sidecar.hot) [target, other] = findContainerToHotUpgrade(ctx, p, sidecar);
    // community in-place upgrades change the image only, and only when it differs from the running one
    if (sidecar.image === (getContainer(out, other)?.image ?? '')) continue;
    const container = getContainer(out, target);
    if (!container) continue;
    container.image = sidecar.image;
    changed.push(target);
    if (sidecar.hot) {
      const working = parseStringMapLeniently(annotations[SidecarSetWorkingHotUpgradeContainer]);
      working.set(sidecar.name, target);
      annotations[SidecarSetWorkingHotUpgradeContainer] = marshalStringMap(working);
      const version = sidecarSet.metadata?.resourceVersion;
      const resourceVersion = typeof version === 'string' ? version : '';
      annotations[podSidecarSetVersionAnnotation(target)] = resourceVersion;
      annotations[podSidecarSetVersionAltAnnotation(target)] = annotations[podSidecarSetVersionAnnotation(other)] ?? '';
      annotations[podSidecarSetVersionAltAnnotation(other)] = resourceVersion;
    }
  }
  updatePodSidecarSetHash(out, sidecarSet, now);
  updatePodAnnotationsInUpgrade(out, sidecarSet, changed, now);
  patchPodMetadata(out.metadata, sidecarSet.spec?.patchPodMetadata, ctx.name);
  return { kind: 'upgrade', pod: out, containers: changed };
}

/** flipPodSidecarContainerDo: each idle container not on its empty image gets it; the hash stays. */
function resetHotUpgradeContainers(
  sidecarSet: SidecarSet,
  ctx: RolloutContext,
  p: RolloutPod,
  pod: Pod,
  now: string,
): PodUpgrade {
  const out = structuredClone(pod);
  const annotations = (out.metadata.annotations ??= {});
  const changed: string[] = [];
  for (const sidecar of ctx.hotSidecars) {
    const [working, idle] = workingAndIdle(p, sidecar);
    const container = lastContainer(out, idle);
    if (!container || (container.image ?? '') === sidecar.emptyImage) continue;
    container.image = sidecar.emptyImage;
    changed.push(idle);
    annotations[podSidecarSetVersionAnnotation(idle)] = '0';
    annotations[podSidecarSetVersionAltAnnotation(working)] = '0';
  }
  updatePodAnnotationsInUpgrade(out, sidecarSet, changed, now);
  return { kind: 'upgrade', pod: out, containers: changed };
}

function recreate(sidecarSet: SidecarSet, pod: Pod): PodUpgrade {
  const first = nonImageDifferences(pod, sidecarSet)[0];
  if (first !== undefined) {
    const at = first.indexOf(' ');
    return { kind: 'recreate', container: first.slice(0, at), field: first.slice(at + 1) };
  }
  // Kruise compares the hashes only: the difference is in what the Pod's containers do not show
  return {
    kind: 'recreate',
    container: sidecarSet.spec?.containers?.[0]?.name ?? '',
    field: 'metadata.annotations[kruise.io/sidecarset-hash-without-image]',
  };
}

/** util.GetContainer: init containers first, then containers. */
function getContainer(pod: Pod, name: string): Container | undefined {
  return (
    (pod.spec.initContainers ?? []).find((c) => c.name === name) ??
    (pod.spec.containers ?? []).find((c) => c.name === name)
  );
}

// flipPodSidecarContainerDo indexes spec.containers by name: the last of a name.
function lastContainer(pod: Pod, name: string): Container | undefined {
  const containers = pod.spec.containers ?? [];
  for (let i = containers.length - 1; i >= 0; i--) if (containers[i].name === name) return containers[i];
  return undefined;
}
