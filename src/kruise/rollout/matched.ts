// The Pods a reconcile works on (Processor.getMatchingPods): selected by spec.selector (a missing selector
// selects nothing, {} everything) in the namespaces of spec.namespaceSelector, active, listing the SidecarSet
// in kruise.io/sidecarset-injected-list, and carrying every sidecar container (both halves and the
// working-container entry for HotUpgrade). Every other Pod gets the first reason that excludes it.
import { type Pod } from '../../k8s/api.js';
import { compileLabelSelector } from '../../k8s/selector.js';
import { SidecarSetListAnnotation, SidecarSetWorkingHotUpgradeContainer, type SidecarSet } from '../apis/types.js';
import { isActivePod, isSelectorNamespace, podNamespace, type NamespaceLabels } from '../sidecarcontrol/match.js';
import { parseStringMapLeniently } from '../sidecarcontrol/pod-annotations.js';
import type { NotMatchedReason } from './types.js';

export interface NotMatched {
  /** index in the Pods given */
  index: number;
  reason: NotMatchedReason;
  detail: string;
}

export interface MatchedSet {
  /** indexes of the matched Pods in the Pods given, in order */
  matched: number[];
  notMatched: NotMatched[];
}

/** Throws SidecarsetError (with the field) when spec.selector or spec.namespaceSelector is invalid. */
export function matchPods(sidecarSet: SidecarSet, pods: readonly Pod[], namespaces: NamespaceLabels): MatchedSet {
  const why = podMatcher(sidecarSet, namespaces);
  const out: MatchedSet = { matched: [], notMatched: [] };
  pods.forEach((pod, index) => {
    const miss = why(pod);
    if (miss) out.notMatched.push({ index, ...miss });
    else out.matched.push(index);
  });
  return out;
}

/**
 * The matching of matchPods for one Pod at a time: why the Pod is not matched, or undefined when it is. The
 * selectors are compiled once, here (throws SidecarsetError, with the field, when one is invalid).
 */
export function podMatcher(
  sidecarSet: SidecarSet,
  namespaces: NamespaceLabels,
): (pod: Pod) => Omit<NotMatched, 'index'> | undefined {
  const selector = compileLabelSelector(sidecarSet.spec?.selector, 'spec.selector');
  const nsSelector = sidecarSet.spec?.namespaceSelector;
  if (nsSelector) compileLabelSelector(nsSelector, 'spec.namespaceSelector');
  const name = sidecarSet.metadata?.name ?? '';
  return (pod) => {
    const ns = podNamespace(pod);
    if (nsSelector) {
      const selected = isSelectorNamespace(ns, nsSelector, namespaces);
      if (selected === false)
        return { reason: 'NamespaceMismatch', detail: `namespace "${ns}" is not selected by spec.namespaceSelector` };
      if (selected === 'unknown') {
        return {
          reason: 'NamespaceLabelsUnknown',
          detail: `spec.namespaceSelector needs the labels of Namespace "${ns}", which was not given`,
        };
      }
    }
    if (!selector.matches(pod.metadata?.labels)) {
      return {
        reason: 'SelectorMismatch',
        detail:
          selector.kind === 'nothing'
            ? 'the SidecarSet has no spec.selector'
            : "the Pod's labels do not match spec.selector",
      };
    }
    if (!isActivePod(pod)) {
      return {
        reason: 'InactivePod',
        detail: pod.metadata?.deletionTimestamp ? 'the Pod is being deleted' : `the Pod is ${pod.status?.phase}`,
      };
    }
    if (!isInjected(pod, name)) {
      return {
        reason: 'NotInjected',
        detail: `kruise.io/sidecarset-injected-list does not list ${name}: the Pod was not injected by it (recreate it to inject)`,
      };
    }
    const missing = missingSidecarContainers(pod, sidecarSet);
    if (missing.length > 0)
      return { reason: 'MissingSidecarContainers', detail: `the Pod has no ${missing.join(', ')}` };
    return undefined;
  };
}

/** IsPodInjectedSidecarSet: the comma-separated list names the SidecarSet exactly. */
export function isInjected(pod: Pod, sidecarSetName: string): boolean {
  const list = pod.metadata?.annotations?.[SidecarSetListAnnotation] ?? '';
  return list !== '' && list.split(',').includes(sidecarSetName);
}

/** IsPodConsistentWithSidecarSet, saying what is missing. */
export function missingSidecarContainers(pod: Pod, sidecarSet: SidecarSet): string[] {
  const has = (name: string) =>
    (pod.spec?.initContainers ?? []).some((c) => c.name === name) ||
    (pod.spec?.containers ?? []).some((c) => c.name === name);
  const missing: string[] = [];
  for (const c of sidecarSet.spec?.containers ?? []) {
    if (c.upgradeStrategy?.upgradeType === 'HotUpgrade') {
      for (const half of [`${c.name}-1`, `${c.name}-2`]) if (!has(half)) missing.push(`container ${half}`);
      if (!workingContainers(pod).has(c.name))
        missing.push(`${SidecarSetWorkingHotUpgradeContainer} entry for ${c.name}`);
    } else if (!has(c.name)) missing.push(`container ${c.name}`);
  }
  return missing;
}

function workingContainers(pod: Pod): Map<string, string> {
  const annotations = pod.metadata?.annotations ?? {};
  return parseStringMapLeniently(
    Object.prototype.hasOwnProperty.call(annotations, SidecarSetWorkingHotUpgradeContainer)
      ? annotations[SidecarSetWorkingHotUpgradeContainer]
      : undefined,
  );
}
