// Does a SidecarSet apply to a Pod? Kruise's PodMatchedSidecarSet, IsSelectorNamespace and IsActivePod
// (pkg/control/sidecarcontrol/util.go), the injection pause, and canary SidecarSets replacing their base.
import type { LabelSelector, Pod } from '../../k8s/api.js';
import type { SidecarSet } from '../apis/types.js';
import { LabelMetadataName } from '../../k8s/api.js';
import { SidecarSetBaseAnnotation, SidecarSetCanaryAnnotation } from '../apis/types.js';
import { versionTraits, type KruiseVersion } from '../apis/version.js';
import { compileLabelSelector } from '../../k8s/selector.js';

export type SkipReason =
  | 'SelectorMismatch'
  | 'NamespaceMismatch'
  | 'NamespaceLabelsUnknown'
  | 'Paused'
  | 'InactivePod'
  | 'ReplacedByCanary'
  | 'InactiveSidecarSet';

export type MatchOutcome = { matched: true } | { matched: false; reason: SkipReason; detail: string };

/** Namespace name -> labels of the Namespace objects at hand. */
export type NamespaceLabels = ReadonlyMap<string, Readonly<Record<string, string>>>;

const MATCHED: MatchOutcome = Object.freeze({ matched: true as const });

/** A Pod without a namespace is created in `default`, and Kruise matches it as such. */
export function podNamespace(pod: Pod): string {
  return pod.metadata?.namespace || 'default';
}

/** kubecontroller.IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isActivePod(pod: Pod): boolean {
  const phase = pod.status?.phase;
  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;
  return phase !== 'Succeeded' && phase !== 'Failed' && !deleting;
}

/**
 * Kruise's community SidecarControl always answers true; the hook exists for forks that disable a
 * SidecarSet by annotation. Kept so that the reason `InactiveSidecarSet` has one place to come from.
 */
export function isActiveSidecarSet(sidecarSet: SidecarSet): boolean {
  void sidecarSet;
  return true;
}

/** IsCanarySidecarSet: canary annotation exactly "true" and a non-empty base name. */
export function isCanarySidecarSet(sidecarSet: SidecarSet): { canary: boolean; base: string } {
  const annotations = sidecarSet.metadata?.annotations ?? {};
  const base = annotations[SidecarSetBaseAnnotation] ?? '';
  return { canary: annotations[SidecarSetCanaryAnnotation] === 'true' && base !== '', base };
}

/**
 * IsSelectorNamespace, offline. Kruise reads the Namespace object; here its labels come from `namespaces`.
 * The API server always labels a Namespace with kubernetes.io/metadata.name = its name, so that label is
 * added, and a selector constraining only that label is decided from the name when the object is not given.
 * Returns 'unknown' when the answer needs labels that were not given.
 */
export function isSelectorNamespace(
  namespace: string,
  selector: LabelSelector,
  namespaces: NamespaceLabels,
  field = 'spec.namespaceSelector',
): boolean | 'unknown' {
  const compiled = compileLabelSelector(selector, field);
  const given = namespaces.get(namespace);
  if (given !== undefined) return compiled.matches({ ...given, [LabelMetadataName]: namespace });
  for (const key of compiled.keys) if (key !== LabelMetadataName) return 'unknown';
  return compiled.matches({ [LabelMetadataName]: namespace });
}

/**
 * PodMatchedSidecarSet: the namespaceSelector (when set) and spec.selector. An empty spec.selector ({})
 * matches no Pod, as in Kruise. Invalid selectors throw SidecarsetError.
 */
export function podMatchedSidecarSet(pod: Pod, sidecarSet: SidecarSet, namespaces: NamespaceLabels): MatchOutcome {
  const ns = podNamespace(pod);
  const selectorOutcome = (): MatchOutcome => {
    const selector = compileLabelSelector(sidecarSet.spec?.selector, 'spec.selector');
    if (selector.kind === 'requirements' && selector.matches(pod.metadata?.labels)) return MATCHED;
    const detail =
      selector.kind === 'nothing'
        ? 'the SidecarSet has no spec.selector'
        : selector.kind === 'everything'
          ? 'an empty spec.selector matches no Pod'
          : "the Pod's labels do not match spec.selector";
    return { matched: false, reason: 'SelectorMismatch', detail };
  };

  const nsSelector = sidecarSet.spec?.namespaceSelector;
  if (nsSelector !== undefined && nsSelector !== null) {
    const inNamespace = isSelectorNamespace(ns, nsSelector, namespaces);
    if (inNamespace === false) {
      return {
        matched: false,
        reason: 'NamespaceMismatch',
        detail: `namespace "${ns}" does not match spec.namespaceSelector`,
      };
    }
    if (inNamespace === 'unknown') {
      // A Pod the selector rejects anyway does not need the Namespace's labels.
      const bySelector = selectorOutcome();
      if (!bySelector.matched) return bySelector;
      return {
        matched: false,
        reason: 'NamespaceLabelsUnknown',
        detail:
          `spec.namespaceSelector needs the labels of Namespace "${ns}", which was not given; ` +
          'pass the Namespace object among the inputs',
      };
    }
  }
  return selectorOutcome();
}

/**
 * Everything the Pod webhook checks per SidecarSet before injecting, in Kruise's order except that an inactive
 * Pod is reported first (Kruise then looks at no SidecarSet at all): inactive Pod, injection paused, namespace
 * and selector, SidecarSet active. Canary replacement needs all matches and is done by dropCanaryBases.
 */
export function sidecarSetInjectsPod(pod: Pod, sidecarSet: SidecarSet, namespaces: NamespaceLabels): MatchOutcome {
  if (!isActivePod(pod)) {
    const why = pod.metadata?.deletionTimestamp ? 'the Pod is being deleted' : `the Pod is ${pod.status?.phase}`;
    return { matched: false, reason: 'InactivePod', detail: why };
  }
  if (sidecarSet.spec?.injectionStrategy?.paused === true) {
    return { matched: false, reason: 'Paused', detail: 'spec.injectionStrategy.paused is true' };
  }
  const matched = podMatchedSidecarSet(pod, sidecarSet, namespaces);
  if (!matched.matched) return matched;
  if (!isActiveSidecarSet(sidecarSet)) {
    return { matched: false, reason: 'InactiveSidecarSet', detail: 'the SidecarSet is not active' };
  }
  return MATCHED;
}

/**
 * Among the SidecarSets matching one Pod, a canary removes its base entirely (containers, volumes,
 * annotations). Returns the kept ones in input order and, for each dropped base, the canary that replaced it.
 * A release without canary SidecarSets keeps them all.
 */
export function dropCanaryBases<T extends { sidecarSet: SidecarSet }>(
  matched: readonly T[],
  version: KruiseVersion,
): { kept: T[]; replaced: { item: T; canary: string }[] } {
  if (!versionTraits(version).canarySidecarSets) return { kept: [...matched], replaced: [] };
  const canaryOf = new Map<string, string>();
  for (const m of matched) {
    const { canary, base } = isCanarySidecarSet(m.sidecarSet);
    if (canary && !canaryOf.has(base)) canaryOf.set(base, m.sidecarSet.metadata?.name ?? '');
  }
  const kept: T[] = [];
  const replaced: { item: T; canary: string }[] = [];
  for (const m of matched) {
    const canary = canaryOf.get(m.sidecarSet.metadata?.name ?? '');
    if (canary === undefined) kept.push(m);
    else replaced.push({ item: m, canary });
  }
  return { kept, replaced };
}
