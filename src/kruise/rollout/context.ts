// What the controller reads from the SidecarSet on every reconcile, gathered once: its hashes (as stored,
// never recomputed here), its sidecars (GetSidecarContainersInPod), and its update strategy compiled.
import { SidecarsetError } from '../../errors.js';
import { compareGoStrings } from '../../go/sort.js';
import { type LabelSelector } from '../../k8s/api.js';
import { isImageDigest } from '../../k8s/imageref.js';
import { compileLabelSelector, type CompiledSelector } from '../../k8s/selector.js';
import {
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  type SidecarSet,
  type SidecarSetUpdateStrategy,
} from '../apis/types.js';
import { compilePriority } from './priority.js';
import type { RolloutContext, RolloutStrategy, SidecarView, StrategyOverrides } from './types.js';

export function buildRolloutContext(
  sidecarSet: SidecarSet,
  strategy: SidecarSetUpdateStrategy = sidecarSet.spec?.updateStrategy ?? {},
): RolloutContext {
  const annotations = sidecarSet.metadata?.annotations ?? {};
  const sidecars: SidecarView[] = (sidecarSet.spec?.containers ?? []).map((c) => {
    const hot = c.upgradeStrategy?.upgradeType === 'HotUpgrade';
    return {
      name: c.name,
      image: c.image ?? '',
      hot,
      emptyImage: c.upgradeStrategy?.hotUpgradeEmptyImage ?? '',
      podContainers: hot ? [`${c.name}-1`, `${c.name}-2`] : [c.name],
    };
  });
  const names = new Set(sidecars.flatMap((s) => s.podContainers));
  const digests = new Map<string, boolean>();
  const singletons = new Map<string, ReadonlySet<string>>();
  return {
    name: sidecarSet.metadata?.name ?? '',
    hash: annotations[SidecarSetHashAnnotation] ?? '',
    hashWithoutImage: annotations[SidecarSetHashWithoutImageAnnotation] ?? '',
    sidecars,
    hotSidecars: sidecars.filter((s) => s.hot),
    sidecarContainerNames: names,
    sortedSidecarContainerNames: [...names].sort(compareGoStrings),
    strategy: compileStrategy(strategy),
    isDigest(image: string): boolean {
      let d = digests.get(image);
      if (d === undefined) digests.set(image, (d = isImageDigest(image)));
      return d;
    },
    only(name: string): ReadonlySet<string> {
      let set = singletons.get(name);
      if (set === undefined) singletons.set(name, (set = new Set([name])));
      return set;
    },
  };
}

export function compileStrategy(s: SidecarSetUpdateStrategy): RolloutStrategy {
  return {
    type: s.type ?? '',
    paused: s.paused === true,
    selector: compileUpdateSelector(s.selector),
    partition: s.partition ?? undefined,
    maxUnavailable: s.maxUnavailable ?? undefined,
    priority: s.priorityStrategy ? compilePriority(s.priorityStrategy) : null,
    scatter: s.scatterStrategy ? s.scatterStrategy.map((t) => ({ key: t.key ?? '', value: t.value ?? '' })) : null,
  };
}

// An update selector that does not compile selects no Pod (the controller logs the error and moves on).
function compileUpdateSelector(selector: LabelSelector | undefined | null): CompiledSelector | null | 'invalid' {
  if (selector === undefined || selector === null) return null;
  try {
    return compileLabelSelector(selector, 'spec.updateStrategy.selector');
  } catch (err) {
    if (err instanceof SidecarsetError) return 'invalid';
    throw err;
  }
}

export function overrideStrategy(s: SidecarSetUpdateStrategy, o: StrategyOverrides): SidecarSetUpdateStrategy {
  const out = { ...s };
  if (o.partition !== undefined) out.partition = o.partition;
  if (o.maxUnavailable !== undefined) out.maxUnavailable = o.maxUnavailable;
  if (o.selector !== undefined) out.selector = o.selector;
  if (o.paused !== undefined) out.paused = o.paused;
  return out;
}
