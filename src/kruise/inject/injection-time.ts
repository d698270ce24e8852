// Injection happens only when a Pod is created (the Pod webhook's rules cover CREATE): a Pod keeps what the
// SidecarSet looked like then. What the Pod recorded is in its hash annotations (Kruise's
// GetPodSidecarSetRevision / GetPodSidecarSetWithoutImageRevision, pkg/control/sidecarcontrol/util.go), what
// the SidecarSet is now in its own (GetSidecarSetRevision), and when it last changed in its newest
// ControllerRevision (pkg/control/sidecarcontrol/history_control.go labels them kruise.io/sidecarset-name).
import type { ControllerRevision, Pod } from '../../k8s/api.js';
import {
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  SidecarSetListAnnotation,
  type SidecarSet,
} from '../apis/types.js';
import { parseUpgradeSpecs, type SidecarSetUpgradeSpec } from '../sidecarcontrol/pod-annotations.js';
import { SidecarSetKindNameLabel } from '../sidecarcontrol/revision.js';

/** What a Pod records of one SidecarSet. */
export interface PodSidecarSetRecord {
  /** Listed in kruise.io/sidecarset-injected-list or present in the hash annotation. */
  injected: boolean;
  hash?: string;
  hashWithoutImage?: string;
  controllerRevision?: string;
  sidecarList?: string[];
}

function specsOf(pod: Pod, annotation: string): Map<string, SidecarSetUpgradeSpec> {
  try {
    return parseUpgradeSpecs(pod, annotation);
  } catch {
    return new Map(); // an unreadable annotation records nothing (Kruise's getters return "")
  }
}

export function podSidecarSetRecord(pod: Pod, sidecarSetName: string): PodSidecarSetRecord {
  const listed = (pod.metadata?.annotations?.[SidecarSetListAnnotation] ?? '').split(',').includes(sidecarSetName);
  const entry = specsOf(pod, SidecarSetHashAnnotation).get(sidecarSetName);
  const withoutImage = specsOf(pod, SidecarSetHashWithoutImageAnnotation).get(sidecarSetName);
  const record: PodSidecarSetRecord = { injected: listed || entry !== undefined };
  if (entry !== undefined) {
    record.hash = entry.hash;
    if (entry.controllerRevision !== '') record.controllerRevision = entry.controllerRevision;
    if (entry.sidecarList !== null) record.sidecarList = entry.sidecarList;
  }
  if (withoutImage !== undefined) record.hashWithoutImage = withoutImage.hash;
  return record;
}

export type TimeCode =
  'CreatedBeforeSidecarSet' | 'CreatedBeforeSidecarSetChange' | 'InjectedOlderRevision' | 'InjectedCurrentRevision';

export interface TimeFinding {
  code: TimeCode;
  /** For the live Pod: `blocks` explains why it lacks (current) sidecars. */
  effect: 'blocks' | 'info';
  message: string;
}

function millis(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The SidecarSet's newest ControllerRevision: status.latestRevision, else the highest revision number. */
export function latestControllerRevision(
  sidecarSet: SidecarSet,
  revisions: readonly ControllerRevision[],
): ControllerRevision | undefined {
  const name = sidecarSet.metadata?.name ?? '';
  const own = revisions.filter((r) => r.metadata?.labels?.[SidecarSetKindNameLabel] === name);
  const latest = sidecarSet.status?.latestRevision;
  const byName = latest === undefined ? undefined : own.find((r) => r.metadata?.name === latest);
  return byName ?? [...own].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0)).at(-1);
}

/**
 * The time layer for a live Pod and one SidecarSet. `matchesNow` says whether the SidecarSet's own rules select
 * the Pod today: its age can only explain a missing sidecar that the SidecarSet would inject now.
 */
export function injectionTimeFindings(
  pod: Pod,
  sidecarSet: SidecarSet,
  record: PodSidecarSetRecord,
  revisions: readonly ControllerRevision[],
  matchesNow: boolean,
): TimeFinding[] {
  const podCreated = millis(pod.metadata?.creationTimestamp);
  const name = sidecarSet.metadata?.name ?? '';
  const hash = sidecarSet.metadata?.annotations?.[SidecarSetHashAnnotation] ?? '';
  if (record.injected) {
    if (record.hash === undefined || record.hash === hash) {
      return [
        {
          code: 'InjectedCurrentRevision',
          effect: 'info',
          message: `injected at the SidecarSet's current revision (hash ${hash || 'unknown'})`,
        },
      ];
    }
    const withoutImage = sidecarSet.metadata?.annotations?.[SidecarSetHashWithoutImageAnnotation] ?? '';
    const imagesOnly = record.hashWithoutImage !== undefined && record.hashWithoutImage === withoutImage;
    const then = record.controllerRevision !== undefined ? ` (ControllerRevision ${record.controllerRevision})` : '';
    const next = imagesOnly
      ? 'only images differ, which the SidecarSet controller upgrades in place (see `status` / `plan-rollout`)'
      : 'fields other than images differ, and injection happens only at creation: only a re-created Pod gets them';
    return [
      {
        code: 'InjectedOlderRevision',
        effect: 'info',
        message: `injected at hash ${record.hash}${then}, the SidecarSet is now at ${hash}; ${next}`,
      },
    ];
  }
  // a template is created now; a SidecarSet that would not inject it now is explained by its rules, not by time
  if (podCreated === undefined || !matchesNow) return [];
  const setCreated = millis(sidecarSet.metadata?.creationTimestamp);
  if (setCreated !== undefined && podCreated < setCreated) {
    return [
      {
        code: 'CreatedBeforeSidecarSet',
        effect: 'blocks',
        message: `the Pod was created (${pod.metadata.creationTimestamp as string}) before SidecarSet "${name}" (${sidecarSet.metadata.creationTimestamp as string}); injection happens only at creation`,
      },
    ];
  }
  const latest = latestControllerRevision(sidecarSet, revisions);
  const changed = millis(latest?.metadata?.creationTimestamp);
  if (changed !== undefined && podCreated < changed) {
    return [
      {
        code: 'CreatedBeforeSidecarSetChange',
        effect: 'blocks',
        message: `the Pod was created (${pod.metadata.creationTimestamp as string}) before the SidecarSet's last change (ControllerRevision ${latest?.metadata?.name ?? ''}, ${latest?.metadata?.creationTimestamp as string}); it would be injected if created now`,
      },
    ];
  }
  return [];
}
