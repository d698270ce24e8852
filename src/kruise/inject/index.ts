// Kruise's Pod webhook on CREATE (sidecarsetMutatingPod, pkg/webhook/pod/mutating/sidecarset.go) as a pure
// function: which SidecarSets apply, which revision of each, then patchPodMetadata, buildSidecars and the merge
// into the Pod.
//
// Order across SidecarSets: Kruise takes them in whatever order its informer cache lists them, i.e. an
// unspecified one. We process them sorted by name, so that the output is deterministic. That order decides
// where containers of different SidecarSets with the same podInjectPolicy land relative to each other, which
// SidecarSet's patchPodMetadata applies first, and which definition of a shared volume name comes first.
//
// Deliberate additions to Kruise: two SidecarSets injecting the same container name, or adding volumes of the
// same name with different definitions, is an error here (Kruise would produce a Pod the API server rejects,
// or silently keep one of the volumes); and an entry of the hash annotations that already records the same
// hash and sidecarList keeps its updateTimestamp, so that injecting an injected Pod again changes nothing.
import { SidecarsetError } from '../../errors.js';
import type { ControllerRevision, Pod, Volume } from '../../k8s/api.js';
import type { SidecarContainer, SidecarSet } from '../apis/types.js';
import { dropCanaryBases, sidecarSetInjectsPod, type SkipReason } from '../sidecarcontrol/match.js';
import { getSuitableRevisionSidecarSet, type SuitableRevision } from '../sidecarcontrol/revision.js';
import { buildSidecars, type BuiltSidecars, type Owned } from './build-sidecars.js';
import { deepEqual } from '../../k8s/deep-equal.js';
import { compareGoStrings } from '../../go/sort.js';
import { mergeSidecarContainers, mergeSidecarSecrets, mergeVolumes } from './merge.js';
import { kruiseTimestamp } from '../../k8s/meta-time.js';
import { patchPodMetadata } from '../sidecarcontrol/patch-metadata.js';
import { EnableSortSidecarContainerByName, gateEnabled, type KruiseProfile } from '../apis/version.js';

export type { SkipReason } from '../sidecarcontrol/match.js';

export interface InjectionContext {
  /** v1beta1 shape, already defaulted, hash annotations set by the loader. */
  sidecarSets: SidecarSet[];
  /** Namespace name -> labels, for the Namespaces given as input. */
  namespaces: ReadonlyMap<string, Record<string, string>>;
  /** ControllerRevisions, for injectionStrategy.revision. */
  revisions: ControllerRevision[];
  /**
   * RFC 3339 time written where Kruise takes its clock (metav1.Now()); undefined: each SidecarSet's own time
   * (injectionTimestamp), so that the same inputs always give the same Pod.
   */
  now?: string;
  /** The Kruise release and feature gates modelled. */
  profile: KruiseProfile;
}

export interface SidecarSetInjection {
  sidecarSet: string;
  containers: string[];
  initContainers: string[];
  /** The ControllerRevision injected, when a historical revision was. */
  revision?: string;
}

export interface SidecarSetSkip {
  sidecarSet: string;
  reason: SkipReason;
  detail: string;
}

export interface InjectionOutcome {
  /**
   * A new object; the input Pod is never modified. Parts the injection leaves alone (an app container, the
   * labels...) are the input's own objects, so a caller can tell them apart by identity.
   */
  pod: Pod;
  /** Whether `pod` differs from the input. */
  changed: boolean;
  injected: SidecarSetInjection[];
  /** One entry per SidecarSet that did not inject, with why. */
  skipped: SidecarSetSkip[];
}

function nameOf(sidecarSet: SidecarSet): string {
  return sidecarSet.metadata?.name ?? '';
}

export function injectPod(pod: Pod, ctx: InjectionContext): InjectionOutcome {
  const out = copyForInjection(pod);
  const now = ctx.now === undefined ? undefined : kruiseTimestamp(ctx.now);
  const skipped: SidecarSetSkip[] = [];
  const sidecarSets = [...ctx.sidecarSets].sort((a, b) => compareGoStrings(nameOf(a), nameOf(b)));

  const matched: SuitableRevision[] = [];
  for (const sidecarSet of sidecarSets) {
    const outcome = naming(sidecarSet, () => sidecarSetInjectsPod(out, sidecarSet, ctx.namespaces));
    if (!outcome.matched) {
      skipped.push({ sidecarSet: nameOf(sidecarSet), reason: outcome.reason, detail: outcome.detail });
      continue;
    }
    matched.push(naming(sidecarSet, () => getSuitableRevisionSidecarSet(sidecarSet, out, ctx.revisions)));
  }
  const { kept, replaced } = dropCanaryBases(matched, ctx.profile.version);
  for (const { item, canary } of replaced) {
    skipped.push({
      sidecarSet: nameOf(item.sidecarSet),
      reason: 'ReplacedByCanary',
      detail: `canary SidecarSet "${canary}" replaces it`,
    });
  }
  skipped.sort((a, b) => compareGoStrings(a.sidecarSet, b.sidecarSet));
  if (kept.length === 0) return { pod: out, changed: !deepEqual(pod, out), injected: [], skipped };

  const hadAnnotations = out.metadata.annotations !== undefined;
  for (const { sidecarSet } of kept)
    patchPodMetadata(out.metadata, sidecarSet.spec?.patchPodMetadata, nameOf(sidecarSet));

  const built = buildSidecars(
    out,
    kept.map((k) => k.sidecarSet),
    now,
  );
  const injected = kept.map(({ sidecarSet, revision }) => describeInjection(sidecarSet, revision, built));
  if (built.containers.length > 0 || built.initContainers.length > 0) {
    checkConflicts(out, built);
    applyBuilt(out, built, gateEnabled(ctx.profile, EnableSortSidecarContainerByName));
  }
  if (!hadAnnotations && Object.keys(out.metadata.annotations ?? {}).length === 0) delete out.metadata.annotations;
  return { pod: out, changed: !deepEqual(pod, out), injected, skipped };
}

// Copies only what injection edits in place: the top-level objects, metadata, its annotations (patchPodMetadata)
// and spec (whose lists are replaced, never edited). Everything else is shared with the input.
function copyForInjection(pod: Pod): Pod {
  const out: Pod = { ...pod, metadata: { ...pod.metadata } };
  if (pod.metadata?.annotations) out.metadata.annotations = { ...pod.metadata.annotations };
  if (pod.spec) out.spec = { ...pod.spec };
  return out;
}

// Errors about one SidecarSet's fields (selectors, revision) say which SidecarSet they are about.
function naming<T>(sidecarSet: SidecarSet, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof SidecarsetError) || err.place.sidecarSet !== undefined) throw err;
    const name = nameOf(sidecarSet);
    throw new SidecarsetError(`SidecarSet "${name}": ${err.message}`, { ...err.place, sidecarSet: name }, err.exitCode);
  }
}

function describeInjection(
  sidecarSet: SidecarSet,
  revision: string | undefined,
  built: BuiltSidecars,
): SidecarSetInjection {
  const name = nameOf(sidecarSet);
  const names = (list: Owned<SidecarContainer>[]): string[] =>
    list.filter((o) => o.owner === name).map((o) => o.item.name);
  const injection: SidecarSetInjection = {
    sidecarSet: name,
    containers: names(built.containers),
    initContainers: names(built.initContainers),
  };
  if (revision !== undefined) injection.revision = revision;
  return injection;
}

function applyBuilt(pod: Pod, built: BuiltSidecars, sortContainersByName: boolean): void {
  const spec = pod.spec;
  const byName = (a: { name: string }, b: { name: string }) => compareGoStrings(a.name, b.name);
  // Injected init containers are sorted by name (stable); containers keep their order unless the
  // EnableSortSidecarContainerByName gate sorts them too.
  const initContainers = built.initContainers.map((o) => o.item).sort(byName);
  setList(spec, 'initContainers', mergeSidecarContainers(spec.initContainers ?? [], initContainers));
  const containers = built.containers.map((o) => o.item);
  if (sortContainersByName) containers.sort(byName);
  spec.containers = mergeSidecarContainers(spec.containers ?? [], containers);
  setList(
    spec,
    'volumes',
    mergeVolumes(
      spec.volumes ?? [],
      built.volumes.map((o) => o.item),
    ),
  );
  setList(spec, 'imagePullSecrets', mergeSidecarSecrets(spec.imagePullSecrets ?? [], built.imagePullSecrets));
  const annotations = (pod.metadata.annotations ??= {});
  for (const [key, value] of built.annotations) annotations[key] = value;
}

function setList<K extends 'initContainers' | 'volumes' | 'imagePullSecrets'>(
  spec: Pod['spec'],
  key: K,
  value: NonNullable<Pod['spec'][K]>,
): void {
  if (value.length === 0 && spec[key] === undefined) return;
  spec[key] = value;
}

// Conflicts between SidecarSets that Kruise would not notice.
function checkConflicts(pod: Pod, built: BuiltSidecars): void {
  const containerOwner = new Map<string, string>();
  for (const { owner, item } of [...built.initContainers, ...built.containers]) {
    const other = containerOwner.get(item.name);
    if (other !== undefined) {
      const who =
        other === owner ? `SidecarSet "${owner}" injects` : `SidecarSets "${other}" and "${owner}" both inject`;
      throw new SidecarsetError(`${who} a container named "${item.name}" into the Pod; container names must be unique`);
    }
    containerOwner.set(item.name, owner);
  }
  const inPod = new Set((pod.spec.volumes ?? []).map((v) => v.name));
  const volumes = new Map<string, Owned<Volume>>();
  for (const added of built.volumes) {
    if (inPod.has(added.item.name)) continue; // the Pod's own volume wins
    const first = volumes.get(added.item.name);
    if (first === undefined) volumes.set(added.item.name, added);
    else if (first.owner !== added.owner && !deepEqual(first.item, added.item)) {
      throw new SidecarsetError(
        `SidecarSets "${first.owner}" and "${added.owner}" both add a volume named "${added.item.name}" ` +
          'with different definitions; rename one of them or make them identical',
      );
    }
  }
}
