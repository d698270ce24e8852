// The Pods a reconcile works on (Processor.getMatchingPods): selected by spec.selector (a missing selector
// selects nothing, {} everything) in the namespaces of spec.namespaceSelector, active, listing the SidecarSet
// in kruise.io/sidecarset-injected-list, and carrying every sidecar container (both halves and the
// working-container entry for HotUpgrade). Every other Pod gets the first reason that excludes it.
import { SidecarSetListAnnotation, SidecarSetWorkingHotUpgradeContainer, type Pod, type SidecarSet } from '../api.js';
import { parseStringMapLeniently } from '../inject/pod-annotations.js';
import { isActivePod, isSelectorNamespace, podNamespace, type NamespaceLabels } from '../match.js';
import { compileLabelSelector } from '../selector.js';

export type NotMatchedReason =
  | 'NamespaceMismatch'
  | 'NamespaceLabelsUnknown'
  | 'SelectorMismatch'
  | 'InactivePod'
  | 'NotInjected'
  | 'MissingSidecarContainers';

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
  const selector = compileLabelSelector(sidecarSet.spec?.selector, 'spec.selector');
  const nsSelector = sidecarSet.spec?.namespaceSelector;
  if (nsSelector) compileLabelSelector(nsSelector, 'spec.namespaceSelector');
  const name = sidecarSet.metadata?.name ?? '';
  const out: MatchedSet = { matched: [], notMatched: [] };
  pods.forEach((pod, index) => {
    const miss = (reason: NotMatchedReason, detail: string) => out.notMatched.push({ index, reason, detail });
    const ns = podNamespace(pod);
    if (nsSelector) {
      const selected = isSelectorNamespace(ns, nsSelector, namespaces);
      if (selected === false) return miss('NamespaceMismatch', `namespace "${ns}" is not selected by spec.namespaceSelector`);
      if (selected === 'unknown') {
        return miss('NamespaceLabelsUnknown', `spec.namespaceSelector needs the labels of Namespace "${ns}", which was not given`);
      }
    }
    if (!selector.matches(pod.metadata?.labels)) {
      return miss('SelectorMismatch', selector.kind === 'nothing' ? 'the SidecarSet has no spec.selector' : "the Pod's labels do not match spec.selector");
    }
    if (!isActivePod(pod)) {
      return miss('InactivePod', pod.metadata?.deletionTimestamp ? 'the Pod is being deleted' : `the Pod is ${pod.status?.phase}`);
    }
    if (!isInjected(pod, name)) {
      return miss('NotInjected', `kruise.io/sidecarset-injected-list does not list ${name}: the Pod was not injected by it (recreate it to inject)`);
    }
    const missing = missingSidecarContainers(pod, sidecarSet);
    if (missing.length > 0) return miss('MissingSidecarContainers', `the Pod has no ${missing.join(', ')}`);
    out.matched.push(index);
  });
  return out;
}

/** IsPodInjectedSidecarSet: the comma-separated list names the SidecarSet exactly. */
export function isInjected(pod: Pod, sidecarSetName: string): boolean {
  const list = pod.metadata?.annotations?.[SidecarSetListAnnotation] ?? '';
  return list !== '' && list.split(',').includes(sidecarSetName);
}

/** IsPodConsistentWithSidecarSet, saying what is missing. */
export function missingSidecarContainers(pod: Pod, sidecarSet: SidecarSet): string[] {
  const has = (name: string) => (pod.spec?.initContainers ?? []).some((c) => c.name === name) || (pod.spec?.containers ?? []).some((c) => c.name === name);
  const missing: string[] = [];
  for (const c of sidecarSet.spec?.containers ?? []) {
    if (c.upgradeStrategy?.upgradeType === 'HotUpgrade') {
      for (const half of [`${c.name}-1`, `${c.name}-2`]) if (!has(half)) missing.push(`container ${half}`);
      if (!workingContainers(pod).has(c.name)) missing.push(`${SidecarSetWorkingHotUpgradeContainer} entry for ${c.name}`);
    } else if (!has(c.name)) missing.push(`container ${c.name}`);
  }
  return missing;
}

function workingContainers(pod: Pod): Map<string, string> {
  const annotations = pod.metadata?.annotations ?? {};
  return parseStringMapLeniently(
    Object.prototype.hasOwnProperty.call(annotations, SidecarSetWorkingHotUpgradeContainer) ? annotations[SidecarSetWorkingHotUpgradeContainer] : undefined,
  );
}

/** The Pods that need Namespace objects we do not have: an error for the caller (percentages need every Pod). */
export function unknownNamespaces(set: MatchedSet, pods: readonly Pod[]): string[] {
  const out = new Set<string>();
  for (const m of set.notMatched) if (m.reason === 'NamespaceLabelsUnknown') out.add(podNamespace(pods[m.index]));
  return [...out].sort();
}
