// The SidecarSet an upgrade rolls to: the cluster's (or the file's) with the --image changes applied and, when an
// image changed, its hash annotations recomputed as Kruise's webhook would store them; and the strategy of the
// run: --partition / --max-unavailable replace the SidecarSet's, and a SidecarSet that Kruise leaves alone
// (NotUpdate or paused) is rolled as RollingUpdate, which is what rolling it by hand means.
import { SidecarsetError } from '../errors.js';
import type { IntOrString } from '../k8s/api.js';
import { cloneJson } from '../k8s/deep-copy.js';
import {
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  type SidecarSet,
} from '../kruise/apis/types.js';
import type { StrategyOverrides } from '../kruise/rollout/types.js';
import { setDefaultsSidecarSet } from '../kruise/apis/defaults.js';
import { sidecarSetHash, sidecarSetHashWithoutImage } from '../kruise/sidecarcontrol/hash.js';

export interface TargetOptions {
  /** container name → new image (--image) */
  images: Record<string, string>;
  partition?: IntOrString;
  maxUnavailable?: IntOrString;
}

/** The target SidecarSet: never the object given, which stays as stored. */
export function targetSidecarSet(stored: SidecarSet, opts: TargetOptions): SidecarSet {
  const target = cloneJson(stored);
  const containers = [...(target.spec?.containers ?? []), ...(target.spec?.initContainers ?? [])];
  let changed = false;
  for (const [name, image] of Object.entries(opts.images)) {
    const c = containers.find((x) => x.name === name);
    if (!c) {
      throw new SidecarsetError(
        `--image ${name}=${image}: the SidecarSet "${stored.metadata?.name}" has no container ${name} ` +
          `(it has ${containers.map((x) => x.name).join(', ') || 'none'})`,
        { field: 'spec.containers' },
      );
    }
    if (c.image !== image) changed = true;
    c.image = image;
  }
  if (!changed) return target;
  // what the webhook stores on an update: the defaulted object, hashed
  const stored2 = setDefaultsSidecarSet(target);
  const annotations = (stored2.metadata.annotations ??= {});
  annotations[SidecarSetHashAnnotation] = sidecarSetHash(stored2);
  annotations[SidecarSetHashWithoutImageAnnotation] = sidecarSetHashWithoutImage(stored2);
  return stored2;
}

/** The strategy overrides of the run, for planRollout. */
export function runOverrides(opts: TargetOptions): StrategyOverrides {
  const o: StrategyOverrides = { paused: false };
  if (opts.partition !== undefined) o.partition = opts.partition;
  if (opts.maxUnavailable !== undefined) o.maxUnavailable = opts.maxUnavailable;
  return o;
}

/** The target as the plan reads it: type RollingUpdate (NotUpdate is checked before paused in Kruise). */
export function rollingTarget(target: SidecarSet): SidecarSet {
  if (target.spec?.updateStrategy?.type !== 'NotUpdate') return target;
  return {
    ...target,
    spec: { ...target.spec, updateStrategy: { ...target.spec.updateStrategy, type: 'RollingUpdate' } },
  };
}

/**
 * Kruise's controller rolls this SidecarSet itself: RollingUpdate, not paused, and a controller at work (its
 * status.observedGeneration follows metadata.generation). Returns why, or undefined.
 */
export function kruiseRollsIt(stored: SidecarSet): string | undefined {
  const strategy = stored.spec?.updateStrategy ?? {};
  if (strategy.type === 'NotUpdate' || strategy.paused === true) return undefined;
  const generation = (stored.metadata as { generation?: number }).generation;
  const observed = (stored.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  if (observed === undefined || generation === undefined || observed !== generation) return undefined;
  return (
    `Kruise's controller rolls SidecarSet "${stored.metadata.name}" itself (updateStrategy RollingUpdate, not paused, ` +
    `status.observedGeneration ${observed} = generation ${generation}) and would fight a target that differs from its spec`
  );
}
