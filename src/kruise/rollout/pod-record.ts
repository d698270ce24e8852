// What a plan needs of one input Pod, read from the Pod object once: whether the SidecarSet matches it (and
// why not), and for a matched Pod the RolloutPod the simulation works on. A plan of 100,000 Pods keeps these
// small records instead of the Pod objects, and the records of a large input can be read in several threads,
// each reading its share of the Pods with the same reader.
import { SidecarsetError } from '../../errors.js';
import { type Pod } from '../../k8s/api.js';
import { SidecarSetHashAnnotation, SidecarSetHashWithoutImageAnnotation, type SidecarSet } from '../apis/types.js';
import { podNamespace, type NamespaceLabels } from '../sidecarcontrol/match.js';
import { podMatcher } from './matched.js';
import { nonImageDifferences } from './not-upgradable.js';
import { readRolloutPod } from './pod-state.js';
import type { PodRecord } from './types.js';

/** Reads Pods into records for one SidecarSet. Throws SidecarsetError when its selectors are invalid. */
export function podRecordReader(sidecarSet: SidecarSet, namespaces: NamespaceLabels): (pod: Pod) => PodRecord {
  const why = podMatcher(sidecarSet, namespaces);
  const name = sidecarSet.metadata?.name ?? '';
  const annotations = sidecarSet.metadata?.annotations ?? {};
  // the strings the simulation compares every Pod's hashes with (see readRolloutPod)
  const hashes = {
    hash: annotations[SidecarSetHashAnnotation] ?? '',
    hashWithoutImage: annotations[SidecarSetHashWithoutImageAnnotation] ?? '',
  };
  const strings = new Map<string, string>([
    [hashes.hash, hashes.hash],
    [hashes.hashWithoutImage, hashes.hashWithoutImage],
  ]);
  const share = <T>(s: T): T => {
    if (typeof s !== 'string') return s;
    const kept = strings.get(s);
    if (kept !== undefined) return kept as T;
    strings.set(s, s);
    return s;
  };
  return (pod) => {
    const miss = why(pod);
    if (miss)
      return {
        matched: false,
        namespace: podNamespace(pod),
        name: pod.metadata?.name ?? '',
        reason: miss.reason,
        detail: miss.detail,
      };
    const p = readRolloutPod(pod, -1, name, hashes, share);
    return {
      matched: true,
      pod: p,
      nonImage: p.hashWithoutImage === hashes.hashWithoutImage ? null : nonImageDifferences(pod, sidecarSet),
    };
  };
}

export function readPodRecords(sidecarSet: SidecarSet, namespaces: NamespaceLabels, pods: readonly Pod[]): PodRecord[] {
  const read = podRecordReader(sidecarSet, namespaces);
  return pods.map((pod) => read(pod));
}

/**
 * An input object of kind Pod as a Pod the plan can read: it needs metadata and spec.containers, and is placed
 * in `defaultNamespace` when it names none (the object itself is not changed).
 */
export function asPlannedPod(object: Record<string, unknown>, defaultNamespace: string): Pod {
  const metadata = object.metadata;
  const spec = object.spec as { containers?: unknown } | undefined;
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    typeof spec !== 'object' ||
    spec === null ||
    !Array.isArray(spec.containers)
  ) {
    throw new SidecarsetError('a Pod needs metadata and spec.containers', { field: 'spec.containers' });
  }
  const meta = metadata as Pod['metadata'];
  return { ...(object as unknown as Pod), metadata: meta.namespace ? meta : { ...meta, namespace: defaultNamespace } };
}
